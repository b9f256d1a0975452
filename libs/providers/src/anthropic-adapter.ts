import Anthropic from '@anthropic-ai/sdk';
import { type ChatRequest, type ChatStreamChunk, type FinishReason, type ModelInfo, type ProviderCapabilities, type ToolCall } from './provider';
import { ProviderError } from './provider-error';
import { clientSettings, SdkAdapter, type SdkAdapterOptions } from './sdk-adapter';
import { toProviderError } from './sdk-errors';

export type AnthropicAdapterOptions = SdkAdapterOptions;

const FINISH: Record<string, FinishReason> = {
  end_turn: 'stop',
  stop_sequence: 'stop',
  max_tokens: 'length',
  tool_use: 'tool_calls',
  refusal: 'content_filter',
};

/** Anthropic's Messages API through the official SDK, normalized to the shared interface. */
export class AnthropicAdapter extends SdkAdapter {
  private readonly client: Anthropic;

  constructor(options: SdkAdapterOptions) {
    super(options);
    this.client = new Anthropic(clientSettings(options));
  }

  capabilities(): ProviderCapabilities {
    return { streaming: true, tools: true, seed: false, list_models: true };
  }

  async listModels(signal?: AbortSignal): Promise<ModelInfo[]> {
    try {
      const models: ModelInfo[] = [];
      for await (const m of this.client.models.list({}, { signal })) models.push({ id: m.id });
      return models;
    } catch (err) {
      throw toProviderError(err, false);
    }
  }

  async *chatStream(request: ChatRequest): AsyncIterable<ChatStreamChunk> {
    let started = false;
    const system = request.messages
      .filter((m) => m.role === 'system')
      .map((m) => m.content)
      .join('\n\n');
    try {
      const stream = await this.client.messages.create(
        {
          model: request.model,
          max_tokens: request.max_tokens ?? 1024,
          stream: true,
          ...(system ? { system } : {}),
          ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
          ...(request.tools?.length
            ? { tools: request.tools.map((t) => ({ name: t.name, description: t.description, input_schema: t.parameters as Anthropic.Tool.InputSchema })) }
            : {}),
          messages: request.messages
            .filter((m) => m.role !== 'system')
            .map((m): Anthropic.MessageParam => {
              if (m.role === 'tool') return { role: 'user', content: [{ type: 'tool_result', tool_use_id: m.tool_call_id ?? '', content: m.content }] };
              if (m.role === 'assistant' && m.tool_calls?.length) {
                return {
                  role: 'assistant',
                  content: [
                    ...(m.content ? [{ type: 'text' as const, text: m.content }] : []),
                    ...m.tool_calls.map((c) => ({ type: 'tool_use' as const, id: c.id, name: c.name, input: JSON.parse(c.arguments || '{}') as unknown })),
                  ],
                };
              }
              return { role: m.role as 'user' | 'assistant', content: m.content };
            }),
        },
        { signal: request.signal },
      );
      const blocks = new Map<number, ToolCall>();
      let finish: FinishReason | null = null;
      const usage = { input_tokens: 0, output_tokens: 0 };
      let stopped = false;
      for await (const event of stream) {
        started = true;
        switch (event.type) {
          case 'message_start':
            usage.input_tokens = event.message.usage.input_tokens;
            usage.output_tokens = event.message.usage.output_tokens;
            break;
          case 'content_block_start':
            if (event.content_block.type === 'tool_use') blocks.set(event.index, { id: event.content_block.id, name: event.content_block.name, arguments: '' });
            break;
          case 'content_block_delta':
            if (event.delta.type === 'text_delta') yield { type: 'delta', text: event.delta.text };
            else if (event.delta.type === 'input_json_delta') {
              const call = blocks.get(event.index);
              if (call) call.arguments += event.delta.partial_json;
            }
            break;
          case 'content_block_stop': {
            const call = blocks.get(event.index);
            if (call) {
              yield { type: 'tool_call', call: { ...call, arguments: call.arguments || '{}' } };
              blocks.delete(event.index);
            }
            break;
          }
          case 'message_delta':
            if (event.delta.stop_reason) finish = FINISH[event.delta.stop_reason] ?? 'stop';
            usage.output_tokens = event.usage.output_tokens;
            break;
          case 'message_stop':
            stopped = true;
            break;
        }
      }
      if (!stopped || !finish) throw new ProviderError('E_PROVIDER_STREAM_INTERRUPTED');
      yield { type: 'done', finish_reason: finish, usage };
    } catch (err) {
      throw toProviderError(err, started);
    }
  }
}
