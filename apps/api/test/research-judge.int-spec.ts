import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ProviderConfig, ResearchView, Run } from '@omniai/contracts';
import { startWireServer, type WireServer } from '@omniai/providers/testing';
import type { TestApi } from './support/test-api';
import { startTestStack, type TestStack } from './support/test-stack';

// With a real model configured, every citation that passes the mechanical checks is also judged for entailment
// (issue 16, docs/RESEARCH.md). The "real model" is a local server speaking OpenAI's Chat Completions wire format,
// reached through the official SDK: it answers the research steps from the sample fixtures and judges two citations
// down (one partial, one unsupported).

const KEY = 'sk-research-judge-test';
const QUESTION = 'How does OmniAI keep agent runs durable and safe?';
const FIXTURES = (
  JSON.parse(readFileSync(join(__dirname, '..', '..', 'worker', 'fixtures', 'scripted', 'research-sample.json'), 'utf8')) as {
    fixtures: Array<{ match: string; reply: string }>;
  }
).fixtures;
const JUDGED: Record<string, { verdict: string; reason: string }> = {
  'c1-2': { verdict: 'partial', reason: 'The quote says the approval is bound to the arguments, not that it is the call it approves.' },
  'c2-3': { verdict: 'unsupported', reason: 'The quote is about one message or result, not about messages and tool results in general.' },
};

/** The model's answer to one prompt: the fixture for the step, a judge's verdict, or the report unchanged for a revision. */
function answer(prompt: string): string {
  const judge = /^RESEARCH JUDGE · (c[0-9]+-[0-9]+)/.exec(prompt);
  if (judge) return JSON.stringify(JUDGED[judge[1]!] ?? { verdict: 'supported', reason: 'The quote states the claim.' });
  // A revision that keeps the failing citation: the run must refuse it and remove the citation itself.
  if (prompt.startsWith('RESEARCH REVISE')) return prompt.slice(prompt.indexOf('Report:\n') + 'Report:\n'.length);
  const fixture = FIXTURES.find((f) => prompt.includes(f.match));
  if (!fixture) throw new Error(`no answer for ${prompt.slice(0, 80)}`);
  return fixture.reply;
}

/** Chat Completions, streamed, as the OpenAI SDK reads it. */
function startModel(): Promise<WireServer> {
  return startWireServer((req, res) => {
    if (req.headers.authorization !== `Bearer ${KEY}`) return void res.writeHead(401).end();
    const messages = (req.body?.['messages'] ?? []) as Array<{ role: string; content: string }>;
    const prompt = [...messages].reverse().find((m) => m.role === 'user')?.content ?? '';
    const text = answer(prompt);
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    const base = { id: 'chatcmpl-research', object: 'chat.completion.chunk', created: 1700000000, model: 'gpt-research' };
    const send = (choices: unknown[], extra: Record<string, unknown> = {}) => res.write(`data: ${JSON.stringify({ ...base, choices, ...extra })}\n\n`);
    send([{ index: 0, delta: { role: 'assistant', content: text }, finish_reason: null }]);
    send([{ index: 0, delta: {}, finish_reason: 'stop' }]);
    send([], { usage: { prompt_tokens: Math.ceil(prompt.length / 4), completion_tokens: Math.ceil(text.length / 4), total_tokens: 0 } });
    res.end('data: [DONE]\n\n');
  });
}

describe('research with a real model: the entailment judge', () => {
  let stack: TestStack;
  let api: TestApi;
  let model: WireServer;

  beforeAll(async () => {
    model = await startModel();
    stack = await startTestStack('research_judge');
    api = stack.api;
  }, 300_000);
  afterAll(async () => {
    await stack?.stop();
    await model?.close();
  });

  it('judges every citation that passed the checks; an unsupported one is removed and flagged, a partial one kept', async () => {
    const provider = ProviderConfig.parse(
      (await api.post('/v1/providers', { name: 'Wire', preset: 'openai', base_url: `${model.url}/v1`, api_key: KEY })).body,
    );
    const projectId = (await api.post('/v1/projects', { name: 'Judged research' })).body.id as string;
    expect((await api.post(`/v1/projects/${projectId}/documents/sample-corpus`, {})).status).toBe(201);
    const run = Run.parse(
      (await api.post(`/v1/projects/${projectId}/research`, { question: QUESTION, pins: { provider: provider.id, model: 'gpt-research' } })).body,
    );
    let view: ResearchView;
    for (let i = 0; ; i++) {
      view = ResearchView.parse((await api.get(`/v1/runs/${run.id}/research`)).body);
      if (['completed', 'failed', 'cancelled'].includes(view.run.status)) break;
      if (i > 600) throw new Error('the research run did not end');
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(view.run.status).toBe('completed');

    const check = (id: string) => view.claims.find((c) => c.id === id)!.check!;
    expect(check('c2-3')).toMatchObject({ verdict: 'unsupported', quote_at_offsets: true, judge: JUDGED['c2-3'], reason: JUDGED['c2-3']!.reason });
    expect(check('c1-2')).toMatchObject({ verdict: 'partial', judge: JUDGED['c1-2'] });
    expect(check('c2-1')).toMatchObject({ verdict: 'supported', judge: { verdict: 'supported' } });

    const report = view.report!;
    expect(report.cited_markdown).not.toContain('[[c2-3]]');
    expect(report.cited_markdown).toContain('[[c1-2]]');
    expect(report.metrics).toMatchObject({ citations: 11, citations_verified: 9, unsupported_removed: 1, flagged: 1, critique_rounds: 1 });

    // Eleven judge calls (every citation passed the mechanical checks), one refused revision; the key never left the header.
    const prompts = model.requests.map((r) => [...((r.body?.['messages'] ?? []) as Array<{ role: string; content: string }>)].pop()?.content ?? '');
    expect(prompts.filter((p) => p.startsWith('RESEARCH JUDGE')).length).toBe(11);
    expect(prompts.filter((p) => p.startsWith('RESEARCH REVISE')).length).toBe(1);
    expect(JSON.stringify(view)).not.toContain(KEY);
  });
});
