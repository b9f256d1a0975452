import { APIConnectionTimeoutError as AnthropicTimeout, APIUserAbortError as AnthropicAbort } from '@anthropic-ai/sdk';
import { APIConnectionTimeoutError as OpenAiTimeout, APIUserAbortError as OpenAiAbort } from 'openai';
import { codeForStatus, ProviderError } from './provider-error';

interface SdkErrorLike {
  name?: string;
  status?: number;
  headers?: Headers | Record<string, string>;
}

function retryAfter(headers: SdkErrorLike['headers']): number | undefined {
  const raw = headers instanceof Headers ? headers.get('retry-after') : headers?.['retry-after'];
  const n = raw === undefined || raw === null ? NaN : Number(raw);
  return Number.isFinite(n) ? n : undefined;
}

/**
 * Normalizes an error thrown by the openai or @anthropic-ai/sdk client (both share their error classes' shape).
 * `midStream` marks failures after the first chunk arrived. Aborts are rethrown untouched: they are cancellations.
 */
export function toProviderError(err: unknown, midStream: boolean): unknown {
  if (err instanceof ProviderError) return err;
  const e = (err ?? {}) as SdkErrorLike;
  if (err instanceof OpenAiAbort || err instanceof AnthropicAbort || e.name === 'AbortError') return err;
  if (err instanceof OpenAiTimeout || err instanceof AnthropicTimeout) return new ProviderError('E_PROVIDER_TIMEOUT');
  if (typeof e.status === 'number') return new ProviderError(codeForStatus(e.status), e.status, retryAfter(e.headers));
  return new ProviderError(midStream ? 'E_PROVIDER_STREAM_INTERRUPTED' : 'E_PROVIDER_UNAVAILABLE');
}
