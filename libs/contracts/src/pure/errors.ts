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

/** A run's events could not be stored (the store refused them after a few attempts): the run fails with this code. */
export const EVENT_REJECTED = 'E_EVENT_REJECTED';
