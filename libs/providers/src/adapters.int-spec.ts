import { AnthropicAdapter } from './anthropic-adapter';
import { OpenAiAdapter } from './openai-adapter';
import { presetById } from './presets';
import { type ChatStreamChunk, collect, type ModelProvider } from './provider';
import { ProviderError } from './provider-error';
import { startAnthropicWireServer, startOpenAiWireServer, type WireServer } from './testing';

// A canary key: it must never show up in an error the adapters raise.
const KEY = 'sk-canary-7f3a9c1e5b';

async function failure(promise: Promise<unknown>): Promise<ProviderError> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(ProviderError);
    expect(JSON.stringify({ ...(err as object), message: (err as Error).message })).not.toContain(KEY);
    expect((err as Error).message).not.toContain(KEY);
    return err as ProviderError;
  }
  throw new Error('expected the call to fail');
}

const cases: Array<{
  name: string;
  start: () => Promise<WireServer>;
  make: (url: string, key: string) => ModelProvider;
  models: { text: string; tools: string; rateLimited: string; serverError: string; cut: string; listed: string };
  authHeader: (s: WireServer) => string | string[] | undefined;
}> = [
  {
    name: 'OpenAI-compatible (openai SDK)',
    start: () => startOpenAiWireServer(KEY),
    make: (url, key) => new OpenAiAdapter({ preset: presetById('openai')!, apiKey: key, baseURL: `${url}/v1` }),
    models: { text: 'gpt-test', tools: 'gpt-tools', rateLimited: 'gpt-429', serverError: 'gpt-500', cut: 'gpt-cut', listed: 'gpt-test' },
    authHeader: (s) => s.requests.at(-1)!.headers.authorization,
  },
  {
    name: 'Anthropic (@anthropic-ai/sdk)',
    start: () => startAnthropicWireServer(KEY),
    make: (url, key) => new AnthropicAdapter({ preset: presetById('anthropic')!, apiKey: key, baseURL: url }),
    models: { text: 'claude-test', tools: 'claude-tools', rateLimited: 'claude-429', serverError: 'claude-529', cut: 'claude-cut', listed: 'claude-test' },
    authHeader: (s) => s.requests.at(-1)!.headers['x-api-key'] ?? s.requests.at(-1)!.headers.authorization,
  },
];

describe.each(cases)('$name adapter against a local server speaking its wire format', ({ start, make, models, authHeader }) => {
  let server: WireServer;
  let provider: ModelProvider;

  beforeAll(async () => {
    server = await start();
    provider = make(server.url, KEY);
  });
  afterAll(() => server.close());

  it('streams text deltas, then a final chunk with usage', async () => {
    const chunks: ChatStreamChunk[] = [];
    for await (const c of provider.chatStream({
      model: models.text,
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Hi' },
      ],
    }))
      chunks.push(c);
    expect(
      chunks
        .filter((c) => c.type === 'delta')
        .map((c) => (c as { text: string }).text)
        .join(''),
    ).toBe('Hello from the wire');
    const done = chunks.at(-1)!;
    expect(done.type).toBe('done');
    expect(done.type === 'done' && done.finish_reason).toBe('stop');
    expect(done.type === 'done' && done.usage.input_tokens).toBeGreaterThan(0);
    expect(done.type === 'done' && done.usage.output_tokens).toBe(4);
    expect(authHeader(server)).toContain(KEY);
  });

  it('normalizes tool calls assembled from argument fragments', async () => {
    const result = await provider.chatOnce({
      model: models.tools,
      messages: [{ role: 'user', content: 'Weather in Paris?' }],
      tools: [{ name: 'get_weather', description: 'Weather for a city', parameters: { type: 'object', properties: { city: { type: 'string' } } } }],
    });
    expect(result.finish_reason).toBe('tool_calls');
    expect(result.tool_calls[0]).toMatchObject({ name: 'get_weather' });
    expect(JSON.parse(result.tool_calls[0]!.arguments)).toEqual({ city: 'Paris' });
    expect(result.tool_calls[0]!.id).toBeTruthy();
  });

  it('maps 401 to E_PROVIDER_AUTH (not retryable), without the key in the error', async () => {
    const bad = make(server.url, `${KEY}-wrong`);
    const err = await failure(bad.chatOnce({ model: models.text, messages: [{ role: 'user', content: 'x' }] }));
    expect([err.code, err.status, err.retryable]).toEqual(['E_PROVIDER_AUTH', 401, false]);
    expect(err.message).not.toContain('wrong');
  });

  it('maps 429 to E_PROVIDER_RATE_LIMITED with Retry-After, 5xx to E_PROVIDER_UNAVAILABLE, unknown models to E_PROVIDER_MODEL_NOT_FOUND', async () => {
    const limited = await failure(provider.chatOnce({ model: models.rateLimited, messages: [{ role: 'user', content: 'x' }] }));
    expect([limited.code, limited.retryable, limited.retryAfterS]).toEqual(['E_PROVIDER_RATE_LIMITED', true, 7]);
    const down = await failure(provider.chatOnce({ model: models.serverError, messages: [{ role: 'user', content: 'x' }] }));
    expect([down.code, down.retryable]).toEqual(['E_PROVIDER_UNAVAILABLE', true]);
    const unknown = await failure(provider.chatOnce({ model: 'no-such-model', messages: [{ role: 'user', content: 'x' }] }));
    expect(unknown.code).toBe('E_PROVIDER_MODEL_NOT_FOUND');
  });

  it('reports a stream cut mid-way as E_PROVIDER_STREAM_INTERRUPTED after the deltas it got', async () => {
    const seen: string[] = [];
    const err = await failure(
      (async () => {
        for await (const c of provider.chatStream({ model: models.cut, messages: [{ role: 'user', content: 'x' }] })) if (c.type === 'delta') seen.push(c.text);
      })(),
    );
    expect(err.code).toBe('E_PROVIDER_STREAM_INTERRUPTED');
    expect(err.retryable).toBe(true);
    expect(seen.join('')).toBe('Hello from');
  });

  it('lists models and health-checks with the key', async () => {
    expect((await provider.listModels()).map((m) => m.id)).toContain(models.listed);
    expect((await provider.healthcheck()).latency_ms).toBeGreaterThanOrEqual(0);
    const err = await failure(make(server.url, 'nope').healthcheck());
    expect(err.code).toBe('E_PROVIDER_AUTH');
  });

  it('stops the HTTP request when the caller aborts (cancellation)', async () => {
    const abort = new AbortController();
    abort.abort();
    await expect(
      collect(provider.chatStream({ model: models.text, messages: [{ role: 'user', content: 'x' }], signal: abort.signal })),
    ).rejects.not.toBeInstanceOf(ProviderError);
  });
});
