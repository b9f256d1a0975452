import { createHash } from 'node:crypto';
import type { ChatRequest, ChatResult, ChatStreamChunk, ModelInfo, ModelProvider, ProviderCapabilities, ToolCall } from './provider';
import { collect } from './provider';

/** A canned answer: when the last user message contains `match` (or matches it as a /regex/), reply with this. */
export interface ScriptedFixture {
  match: string;
  reply: string;
  tool_calls?: ToolCall[];
  /** The reply once the tools' results are in (default: a summary of them). */
  after_tools?: string;
}

export const SCRIPTED_MODEL = 'offline-scripted-1';

const VOCABULARY = (
  'durable runs keep their history in temporal so a crash never loses work every step is an event with a sequence ' +
  'number the console replays the log tools run in locked down containers approvals wait for a reviewer and ' +
  'artifacts hold large payloads by content hash while the projection in postgres serves the timeline'
).split(' ');

const num = (v: unknown, fallback: number, max: number) => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? Math.min(v, max) : fallback);

function matches(fixture: ScriptedFixture, text: string): boolean {
  const re = /^\/(.+)\/([a-z]*)$/.exec(fixture.match);
  return re ? new RegExp(re[1]!, re[2]).test(text) : text.includes(fixture.match);
}

/** The tokens (words with their spacing) of the generated reply: a pure function of prompt, model and seed. */
export function scriptedTokens(prompt: string, model: string, seed: number, words: number): string[] {
  let state = createHash('sha256').update(`${model}\u0000${seed}\u0000${prompt}`).digest();
  const next = () => {
    state = createHash('sha256').update(state).digest();
    return state.readUInt32BE(0);
  };
  const preview = prompt.replace(/\s+/g, ' ').trim().slice(0, 80);
  const tokens = [`(offline model) You said “${preview}${prompt.length > 80 ? '…' : ''}”.`];
  for (let i = 0; i < words; i++) {
    const word = VOCABULARY[next() % VOCABULARY.length]!;
    const first = i === 0 || tokens[tokens.length - 1]!.endsWith('.');
    tokens.push(` ${first ? word[0]!.toUpperCase() + word.slice(1) : word}${i === words - 1 || next() % 11 === 0 ? '.' : ''}`);
  }
  return tokens;
}

/**
 * The offline provider: deterministic, fixture-driven, no network and no key. It is the default when nothing is
 * configured and the engine of evaluation runs. Request `params`: `delay_ms` between tokens, `reply_words`.
 */
export class ScriptedProvider implements ModelProvider {
  readonly id = 'offline';

  constructor(private readonly fixtures: readonly ScriptedFixture[] = []) {}

  capabilities(): ProviderCapabilities {
    return { streaming: true, tools: true, seed: true, list_models: true };
  }

  async listModels(): Promise<ModelInfo[]> {
    return [{ id: SCRIPTED_MODEL, owned_by: 'omniai' }];
  }

  async healthcheck(): Promise<{ latency_ms: number }> {
    return { latency_ms: 0 };
  }

  chatOnce(request: ChatRequest): Promise<ChatResult> {
    return collect(this.chatStream(request));
  }

  async *chatStream(request: ChatRequest): AsyncIterable<ChatStreamChunk> {
    const prompt = [...request.messages].reverse().find((m) => m.role === 'user')?.content ?? '';
    const delayMs = num(request.params?.['delay_ms'], 25, 10_000);
    const fixture = this.fixtures.find((f) => matches(f, prompt));
    // After tool results the model answers from them instead of asking again (the loop ends).
    const last = request.messages[request.messages.length - 1];
    const afterTools = last?.role === 'tool';
    const toolResults = afterTools ? request.messages.slice(request.messages.findLastIndex((m) => m.role !== 'tool') + 1) : [];
    const tokens = afterTools
      ? (fixture?.after_tools ?? `(offline model) The tool said: ${toolResults.map((m) => m.content.replace(/\s+/g, ' ').slice(0, 300)).join(' | ')}`).split(
          /(?<=\s)/,
        )
      : fixture
        ? fixture.reply.split(/(?<=\s)/)
        : request.response_schema
          ? [JSON.stringify(schemaInstance(request.response_schema, prompt))]
          : scriptedTokens(prompt, request.model, request.seed ?? 0, num(request.params?.['reply_words'], 24, 100_000));
    const calls = afterTools ? [] : (fixture?.tool_calls ?? []);
    for (const text of tokens) {
      if (request.signal?.aborted) throw Object.assign(new Error('aborted'), { name: 'AbortError' });
      yield { type: 'delta', text };
      if (delayMs > 0) await sleep(delayMs, request.signal);
    }
    for (const call of calls) yield { type: 'tool_call', call };
    const input = request.messages.reduce((n, m) => n + Math.ceil(m.content.length / 4), 0);
    yield { type: 'done', finish_reason: calls.length ? 'tool_calls' : 'stop', usage: { input_tokens: input, output_tokens: tokens.length } };
  }
}

type Schema = Record<string, unknown>;
const isSchema = (v: unknown): v is Schema => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * A deterministic JSON value valid against common JSON Schemas (types, properties, required, items, enum, const,
 * minimum, minLength, minItems, anyOf/oneOf/allOf's first branch): what the offline model answers a request for JSON.
 */
export function schemaInstance(schema: unknown, prompt: string, depth = 0): unknown {
  if (!isSchema(schema) || depth > 16) return null;
  if ('const' in schema) return schema['const'];
  if (Array.isArray(schema['enum']) && schema['enum'].length) return schema['enum'][0];
  for (const key of ['allOf', 'anyOf', 'oneOf']) {
    const branches = schema[key];
    if (Array.isArray(branches) && branches.length) return schemaInstance({ ...schema, [key]: undefined, ...(branches[0] as Schema) }, prompt, depth + 1);
  }
  if ('default' in schema) return schema['default'];
  const types = Array.isArray(schema['type']) ? (schema['type'] as string[]) : [schema['type']];
  const type = types.find((t) => t !== 'null') ?? types[0] ?? (isSchema(schema['properties']) ? 'object' : 'string');
  switch (type) {
    case 'object': {
      const props = isSchema(schema['properties']) ? schema['properties'] : {};
      return Object.fromEntries(Object.entries(props).map(([k, s]) => [k, schemaInstance(s, prompt, depth + 1)]));
    }
    case 'array': {
      const n = typeof schema['minItems'] === 'number' ? Math.max(1, schema['minItems']) : 1;
      return Array.from({ length: n }, () => schemaInstance(schema['items'], prompt, depth + 1));
    }
    case 'integer':
    case 'number': {
      const min =
        typeof schema['minimum'] === 'number' ? schema['minimum'] : typeof schema['exclusiveMinimum'] === 'number' ? schema['exclusiveMinimum'] + 1 : 0;
      return type === 'integer' ? Math.ceil(min) : min;
    }
    case 'boolean':
      return true;
    case 'null':
      return null;
    default: {
      if (schema['format'] === 'date-time') return '2026-01-01T00:00:00Z';
      const min = typeof schema['minLength'] === 'number' ? schema['minLength'] : 0;
      const max = typeof schema['maxLength'] === 'number' ? schema['maxLength'] : 200;
      const text = `(offline model) ${prompt.replace(/\s+/g, ' ').trim()}`.slice(0, max);
      return text.padEnd(min, '.');
    }
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => (clearTimeout(timer), reject(Object.assign(new Error('aborted'), { name: 'AbortError' }))), { once: true });
  });
}
