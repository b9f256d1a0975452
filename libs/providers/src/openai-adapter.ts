import OpenAI from 'openai';
import { type ChatRequest, type ChatStreamChunk, type FinishReason, type ModelInfo, type ProviderCapabilities, type ToolCall } from './provider';
import { ProviderError } from './provider-error';
import { clientSettings, SdkAdapter, type SdkAdapterOptions } from './sdk-adapter';
import { toProviderError } from './sdk-errors';

export type OpenAiAdapterOptions = SdkAdapterOptions;

const FINISH: Record<string, FinishReason> = {
  stop: 'stop',
  length: 'length',
  tool_calls: 'tool_calls',
  function_call: 'tool_calls',
  content_filter: 'content_filter',
};

/** OpenAI and every OpenAI-compatible server (xAI, Gemini's compatibility endpoint, Mistral, Ollama, vLLM, …). */
export class OpenAiAdapter extends SdkAdapter {
  private readonly client: OpenAI;

  constructor(options: SdkAdapterOptions) {
    super(options);
    this.client = new OpenAI(clientSettings(options));
  }

  capabilities(): ProviderCapabilities {
    const p = this.options.preset;
    return { streaming: true, tools: p.tools, seed: p.seed, list_models: p.listModels };
  }

  async listModels(signal?: AbortSignal): Promise<ModelInfo[]> {
    try {
      const models: ModelInfo[] = [];
      for await (const m of this.client.models.list({ signal })) models.push({ id: m.id, owned_by: m.owned_by });
      return models;
    } catch (err) {
      throw toProviderError(err, false);
    }
  }

  async *chatStream(request: ChatRequest): AsyncIterable<ChatStreamChunk> {
    let started = false;
    try {
      const stream = await this.client.chat.completions.create(
        {
          model: request.model,
          stream: true,
          stream_options: { include_usage: true },
          messages: request.messages.map((m) =>
            m.role === 'tool'
              ? { role: 'tool' as const, content: m.content, tool_call_id: m.tool_call_id ?? '' }
              : m.role === 'assistant' && m.tool_calls?.length
                ? {
                    role: 'assistant' as const,
                    content: m.content || null,
                    tool_calls: m.tool_calls.map((c) => ({ id: c.id, type: 'function' as const, function: { name: c.name, arguments: c.arguments } })),
                  }
                : { role: m.role as 'system' | 'user' | 'assistant', content: m.content },
          ),
          ...(request.tools?.length
            ? {
                tools: request.tools.map((t) => ({
                  type: 'function' as const,
                  function: { name: t.name, description: t.description, parameters: t.parameters },
                })),
              }
            : {}),
          ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
          ...(request.max_tokens !== undefined ? { max_tokens: request.max_tokens } : {}),
          ...(request.seed !== undefined && this.options.preset.seed ? { seed: request.seed } : {}),
        },
        { signal: request.signal },
      );
      // Tool-call arguments arrive in fragments keyed by index; a call is emitted once the stream says it is done.
      const partial = new Map<number, ToolCall>();
      let finish: FinishReason | null = null;
      let usage = { input_tokens: 0, output_tokens: 0 };
      for await (const chunk of stream) {
        started = true;
        if (chunk.usage) usage = { input_tokens: chunk.usage.prompt_tokens, output_tokens: chunk.usage.completion_tokens };
        const choice = chunk.choices[0];
        if (!choice) continue;
        if (choice.delta?.content) yield { type: 'delta', text: choice.delta.content };
        for (const tc of choice.delta?.tool_calls ?? []) {
          const call = partial.get(tc.index) ?? { id: '', name: '', arguments: '' };
          if (tc.id) call.id = tc.id;
          if (tc.function?.name) call.name += tc.function.name;
          if (tc.function?.arguments) call.arguments += tc.function.arguments;
          partial.set(tc.index, call);
        }
        if (choice.finish_reason) finish = FINISH[choice.finish_reason] ?? 'stop';
      }
      if (!finish) throw new ProviderError('E_PROVIDER_STREAM_INTERRUPTED');
      for (const [, call] of [...partial.entries()].sort((a, b) => a[0] - b[0])) yield { type: 'tool_call', call };
      yield { type: 'done', finish_reason: finish, usage };
    } catch (err) {
      throw toProviderError(err, started);
    }
  }
}
