import { collect } from './provider';
import { schemaInstance, ScriptedProvider, SCRIPTED_MODEL } from './scripted-provider';

const ask = (p: ScriptedProvider, content: string, extra: object = {}) =>
  p.chatOnce({ model: SCRIPTED_MODEL, messages: [{ role: 'user', content }], params: { delay_ms: 0 }, ...extra });

describe('ScriptedProvider (offline, deterministic)', () => {
  it('answers the same prompt, model and seed with the same text, and another seed differently', async () => {
    const p = new ScriptedProvider();
    const a = await ask(p, 'hello', { seed: 1 });
    expect((await ask(p, 'hello', { seed: 1 })).text).toBe(a.text);
    expect((await ask(p, 'hello', { seed: 2 })).text).not.toBe(a.text);
    expect(a.text.startsWith('(offline model) You said “hello”.')).toBe(true);
    expect(a.usage.output_tokens).toBe(25);
  });

  it('replies from fixtures (substring or /regex/), including tool calls', async () => {
    const p = new ScriptedProvider([
      { match: '/weather in (\\w+)/i', reply: 'Let me check.', tool_calls: [{ id: 't1', name: 'get_weather', arguments: '{"city":"Paris"}' }] },
      { match: 'ping', reply: 'pong' },
    ]);
    expect((await ask(p, 'say ping')).text).toBe('pong');
    const r = await ask(p, 'What is the Weather in Paris?');
    expect(r.text).toBe('Let me check.');
    expect(r.finish_reason).toBe('tool_calls');
    expect(r.tool_calls).toEqual([{ id: 't1', name: 'get_weather', arguments: '{"city":"Paris"}' }]);
  });

  it('stops when the caller aborts', async () => {
    const abort = new AbortController();
    const stream = new ScriptedProvider().chatStream({
      model: SCRIPTED_MODEL,
      messages: [{ role: 'user', content: 'x' }],
      params: { delay_ms: 50 },
      signal: abort.signal,
    });
    setTimeout(() => abort.abort(), 60);
    await expect(collect(stream)).rejects.toThrow('aborted');
  });

  it('answers a request with response_schema with a JSON instance of the schema (a graph model node offline)', async () => {
    const schema = {
      type: 'object',
      properties: {
        label: { enum: ['bug', 'question'] },
        score: { type: 'integer', minimum: 2 },
        tags: { type: 'array', items: { type: 'string', minLength: 3 }, minItems: 2 },
        ok: { type: 'boolean' },
        when: { type: 'string', format: 'date-time' },
        either: { anyOf: [{ type: 'number', minimum: 1.5 }, { type: 'string' }] },
      },
      required: ['label', 'score'],
    };
    const r = await ask(new ScriptedProvider(), 'classify this', { response_schema: schema });
    expect(JSON.parse(r.text)).toEqual({
      label: 'bug',
      score: 2,
      tags: ['(offline model) classify this', '(offline model) classify this'],
      ok: true,
      when: '2026-01-01T00:00:00Z',
      either: 1.5,
    });
    expect(schemaInstance({ type: 'string', maxLength: 4, minLength: 2 }, 'x')).toBe('(off');
    expect(schemaInstance({ const: 7 }, 'x')).toBe(7);
    // A fixture still wins over the schema (a test can script an invalid reply).
    expect((await ask(new ScriptedProvider([{ match: 'bad', reply: 'no json' }]), 'bad', { response_schema: schema })).text).toBe('no json');
  });
});
