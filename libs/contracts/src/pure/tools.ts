/**
 * How many tools one run may be offered (`RunPins.tools`): OpenAI's limit on tools per request. A project that resolves
 * to more is refused at run start with a 400 naming `pins.tools`, rather than failing inside the run (D38).
 */
export const MAX_RUN_TOOLS = 128;

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
