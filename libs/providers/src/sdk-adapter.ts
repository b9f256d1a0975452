import type { ProviderPreset } from './presets';
import { type ChatRequest, type ChatResult, type ChatStreamChunk, collect, type ModelInfo, type ModelProvider, type ProviderCapabilities } from './provider';

/** How an SDK adapter reaches its provider; the key is resolved by the caller at the last moment. */
export interface SdkAdapterOptions {
  preset: ProviderPreset;
  /** Never logged, never part of an error. */
  apiKey?: string;
  baseURL?: string;
  timeoutMs?: number;
  /** The worker's vetted, pinned fetch for the base URL (D44); the SDK's own fetch when absent (tests, local stubs). */
  fetch?: (url: string | URL, init?: RequestInit) => Promise<Response>;
}

/** SDK client settings both adapters share: retries belong to the activity's retry policy, not the SDK. */
export function clientSettings(options: SdkAdapterOptions) {
  return {
    apiKey: options.apiKey ?? 'not-needed',
    baseURL: options.baseURL ?? options.preset.baseURL,
    maxRetries: 0,
    timeout: options.timeoutMs ?? 60_000,
    // The SDKs call it with a URL string and RequestInit only.
    ...(options.fetch ? { fetch: options.fetch as typeof fetch } : {}),
  };
}

/** What every SDK adapter derives from its own `listModels` and `chatStream`. */
export abstract class SdkAdapter implements ModelProvider {
  readonly id: string;

  constructor(protected readonly options: SdkAdapterOptions) {
    this.id = options.preset.id;
  }

  abstract capabilities(): ProviderCapabilities;
  abstract listModels(signal?: AbortSignal): Promise<ModelInfo[]>;
  abstract chatStream(request: ChatRequest): AsyncIterable<ChatStreamChunk>;

  /** An authenticated model listing: proves the key and the endpoint, and times the round trip. */
  async healthcheck(signal?: AbortSignal): Promise<{ latency_ms: number }> {
    const started = performance.now();
    await this.listModels(signal);
    return { latency_ms: Math.round(performance.now() - started) };
  }

  chatOnce(request: ChatRequest): Promise<ChatResult> {
    return collect(this.chatStream(request));
  }
}
