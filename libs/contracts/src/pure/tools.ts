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

/**
 * Limits on a tool's input and output JSON Schemas, checked when a tool is registered (OpenAPI import, MCP listing,
 * the worker's catalog) so that every registration path agrees (D43): a larger or deeper schema, or one with more or
 * longer patterns, is refused there with the limit it broke. Patterns are RE2 (linear time); these caps bound the
 * size of what RE2 and Ajv compile.
 */
export const SCHEMA_LIMITS = {
  /** UTF-8 bytes of the schema's JSON. */
  maxBytes: 65_536,
  /** Nesting of objects and arrays in the schema's JSON. */
  maxDepth: 32,
  /** `pattern` keywords plus `patternProperties` keys. */
  maxPatterns: 64,
  /** Characters of one pattern. */
  maxPatternLength: 512,
} as const;

/**
 * How long validating one tool call's arguments or output may take (in a validation thread, off the worker's event
 * loop); beyond it the thread is terminated and the call fails with `E_VALIDATION_TIMEOUT` (D43).
 */
export const SCHEMA_VALIDATION_TIMEOUT_MS = 2_000;
