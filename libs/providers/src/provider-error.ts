import type { PROVIDER_ERROR_CODES } from '@omniai/contracts';

/** Normalized provider failures; the codes are in the contracts' ErrorCode registry. */
export type ProviderErrorCode = (typeof PROVIDER_ERROR_CODES)[number];

const USER_MESSAGES: Record<ProviderErrorCode, string> = {
  E_PROVIDER_AUTH: 'The provider rejected the API key (check the key stored for this provider).',
  E_PROVIDER_RATE_LIMITED: 'The provider is rate limiting requests; retrying later.',
  E_PROVIDER_UNAVAILABLE: 'The provider is unavailable or answered with a server error.',
  E_PROVIDER_TIMEOUT: 'The provider did not answer in time.',
  E_PROVIDER_MODEL_NOT_FOUND: 'The provider does not know this model.',
  E_PROVIDER_BAD_REQUEST: 'The provider refused the request as invalid.',
  E_PROVIDER_STREAM_INTERRUPTED: 'The response stream was cut off before it finished.',
};

const RETRYABLE = new Set<ProviderErrorCode>(['E_PROVIDER_RATE_LIMITED', 'E_PROVIDER_UNAVAILABLE', 'E_PROVIDER_TIMEOUT', 'E_PROVIDER_STREAM_INTERRUPTED']);

/**
 * A provider call that failed. `message` is user-safe by construction (fixed text per code): upstream error bodies
 * can echo request data or key fragments, so they never travel further than this process.
 */
export class ProviderError extends Error {
  readonly retryable: boolean;

  constructor(
    readonly code: ProviderErrorCode,
    readonly status?: number,
    /** Seconds the provider asked us to wait (Retry-After), when it said. */
    readonly retryAfterS?: number,
    /** A more specific message written by us (never text from upstream). */
    safeMessage?: string,
  ) {
    super(safeMessage ?? USER_MESSAGES[code]);
    this.name = 'ProviderError';
    this.retryable = RETRYABLE.has(code);
  }
}

/** Maps an HTTP status from any provider to a normalized code. */
export function codeForStatus(status: number | undefined): ProviderErrorCode {
  if (status === 401 || status === 403) return 'E_PROVIDER_AUTH';
  if (status === 404) return 'E_PROVIDER_MODEL_NOT_FOUND';
  if (status === 408) return 'E_PROVIDER_TIMEOUT';
  if (status === 429) return 'E_PROVIDER_RATE_LIMITED';
  if (status !== undefined && status >= 400 && status < 500) return 'E_PROVIDER_BAD_REQUEST';
  return 'E_PROVIDER_UNAVAILABLE';
}
