/** Scopes a tool can require; grants are deny-by-default. */
export const SCOPES = [
  'read_web',
  /** Requests that change something on an external web API (`openapi_proxy` operations other than GET and HEAD). */
  'write_web',
  'read_files',
  'write_files',
  'read_github',
  'write_github',
  'send_email',
  'python_exec',
] as const;
