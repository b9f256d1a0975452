/** One conversation message, provider-neutral. */
export interface ChatMessage {
  role: 'system' | 'user' | 'assistant' | 'tool';
  content: string;
  /** For `role: 'tool'`: the call this message answers. */
  tool_call_id?: string;
  /** For `role: 'assistant'`: the tools it asked for. */
  tool_calls?: ToolCall[];
}

/** A tool the model may call (function calling), with JSON Schema parameters. */
export interface ToolSpec {
  name: string;
  description: string;
  parameters: Record<string, unknown>;
}

/** A tool call requested by the model; `arguments` is the raw JSON text the model produced. */
export interface ToolCall {
  id: string;
  name: string;
  arguments: string;
}

export interface ChatRequest {
  model: string;
  messages: ChatMessage[];
  tools?: ToolSpec[];
  temperature?: number;
  max_tokens?: number;
  seed?: number;
  /** Provider-specific knobs pinned with the run (e.g. the scripted provider's `delay_ms`). */
  params?: Readonly<Record<string, unknown>>;
  /**
   * The JSON Schema the reply must be valid against (a graph's model node with `output_schema`). The request also says
   * so in its system message; the offline scripted provider answers with a JSON instance of it.
   */
  response_schema?: Record<string, unknown>;
  /** Aborting cancels the HTTP request (activity cancellation arrives this way). */
  signal?: AbortSignal;
}

export interface Usage {
  input_tokens: number;
  output_tokens: number;
}

export type FinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter';

/** What a streaming call yields: text deltas, whole tool calls (once their arguments are complete), then `done`. */
export type ChatStreamChunk =
  { type: 'delta'; text: string } | { type: 'tool_call'; call: ToolCall } | { type: 'done'; finish_reason: FinishReason; usage: Usage };

export interface ChatResult {
  text: string;
  tool_calls: ToolCall[];
  finish_reason: FinishReason;
  usage: Usage;
}

export interface ModelInfo {
  id: string;
  owned_by?: string;
}

export interface ProviderCapabilities {
  streaming: boolean;
  tools: boolean;
  seed: boolean;
  list_models: boolean;
}

/** The one interface every model provider implements. */
export interface ModelProvider {
  readonly id: string;
  capabilities(): ProviderCapabilities;
  listModels(signal?: AbortSignal): Promise<ModelInfo[]>;
  chatStream(request: ChatRequest): AsyncIterable<ChatStreamChunk>;
  chatOnce(request: ChatRequest): Promise<ChatResult>;
  /** Cheap authenticated call; resolves with latency, or throws a ProviderError. */
  healthcheck(signal?: AbortSignal): Promise<{ latency_ms: number }>;
}

/** Collects a stream into one result (the default `chatOnce` of the adapters). */
export async function collect(stream: AsyncIterable<ChatStreamChunk>): Promise<ChatResult> {
  let text = '';
  const tool_calls: ToolCall[] = [];
  for await (const chunk of stream) {
    if (chunk.type === 'delta') text += chunk.text;
    else if (chunk.type === 'tool_call') tool_calls.push(chunk.call);
    else return { text, tool_calls, finish_reason: chunk.finish_reason, usage: chunk.usage };
  }
  throw new Error('the stream ended without a final chunk');
}
