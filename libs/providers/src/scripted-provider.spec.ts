import { collect } from './provider';
import { ScriptedProvider, SCRIPTED_MODEL } from './scripted-provider';

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
});
