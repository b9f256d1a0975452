/** Normalized provider failures (a subset of `ErrorCode`): the workflow passes these through, anything else is unavailable. */
export const PROVIDER_ERROR_CODES = [
  'E_PROVIDER_UNAVAILABLE',
  'E_PROVIDER_AUTH',
  'E_PROVIDER_RATE_LIMITED',
  'E_PROVIDER_TIMEOUT',
  'E_PROVIDER_MODEL_NOT_FOUND',
  'E_PROVIDER_BAD_REQUEST',
  'E_PROVIDER_STREAM_INTERRUPTED',
] as const;
