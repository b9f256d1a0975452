import { ErrorEnvelope, ProjectDocument, ResearchView, Run, RESEARCH_GATE_TOOL_ID, SourceText, TERMINAL_RUN_STATUSES } from '@omniai/contracts';
import { normalizeForMatch } from '@omniai/research';
import type { TestApi } from './support/test-api';
import { startTestStack, type TestStack } from './support/test-stack';

// Research over HTTP (issue 16): the real API, worker, Postgres and Temporal, with the offline scripted model and the
// shipped sample corpus. The run itself is researchWorkflow's (apps/worker/src/research); these tests drive it as a
// user would: load the corpus, start, review the plan, read the view and a source's snapshot.

const QUESTION = 'How does OmniAI keep agent runs durable and safe?';
const codeOf = (body: unknown) => ErrorEnvelope.parse(body).error.code;

describe('research over HTTP', () => {
  let stack: TestStack;
  let api: TestApi;
  let projectId: string;

  const view = async (runId: string) => {
    const res = await api.get(`/v1/runs/${runId}/research`);
    expect(res.status).toBe(200);
    return ResearchView.parse(res.body);
  };
  const until = async <T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = await probe();
      if (found !== undefined) return found;
      if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  };
  const ended = (runId: string) =>
    until('the run to end', async () =>
      (await view(runId)).run.status === 'completed' || TERMINAL_RUN_STATUSES.has((await view(runId)).run.status) ? view(runId) : undefined,
    );

  beforeAll(async () => {
    stack = await startTestStack('research_api');
    api = stack.api;
    projectId = (await api.post('/v1/projects', { name: 'Research' })).body.id;
  }, 300_000);
  afterAll(async () => stack?.stop());

  it('loads the sample corpus into the project documents, once', async () => {
    const first = await api.post(`/v1/projects/${projectId}/documents/sample-corpus`, {});
    expect(first.status).toBe(201);
    const docs = (first.body.items as unknown[]).map((d) => ProjectDocument.parse(d));
    expect(docs.map((d) => d.path)).toEqual([
      'research-corpus/approvals.md',
      'research-corpus/durable-runs.md',
      'research-corpus/research.md',
      'research-corpus/sandbox.md',
    ]);
    const again = await api.post(`/v1/projects/${projectId}/documents/sample-corpus`, {});
    expect((again.body.items as ProjectDocument[]).map((d) => d.version)).toEqual([1, 1, 1, 1]);
    const listed = await api.get(`/v1/projects/${projectId}/documents`);
    expect(listed.body.items).toHaveLength(4);
  });

  it('refuses bad input with the error envelope: a question too long, no source, an unknown backend', async () => {
    const long = await api.post(`/v1/projects/${projectId}/research`, { question: 'x'.repeat(2001) });
    expect(long.status).toBe(400);
    expect(codeOf(long.body)).toBe('E_VALIDATION');
    const none = await api.post(`/v1/projects/${projectId}/research`, { question: QUESTION, sources: { documents: false } });
    expect(none.status).toBe(400);
    const web = await api.post(`/v1/projects/${projectId}/research`, {
      question: QUESTION,
      sources: { web: { backend_id: '00000000-0000-4000-8000-000000000000' } },
    });
    expect(web.status).toBe(400);
    expect(JSON.stringify(web.body)).toContain('sources.web.backend_id');
    const doc = await api.post(`/v1/projects/${projectId}/documents`, { path: '../etc/passwd', text: 'x' });
    expect(doc.status).toBe(400);
  });

  it('runs with a reviewed plan: the edited sub-questions are the ones searched, and every citation passes', async () => {
    const started = await api.post(`/v1/projects/${projectId}/research`, { question: QUESTION, plan_review: true });
    expect(started.status).toBe(202);
    const run = Run.parse(started.body);
    expect(run.kind).toBe('research');

    const waiting = await until('the plan review', async () => {
      const v = await view(run.id);
      return v.pending_review ? v : undefined;
    });
    expect(waiting.stage).toBe('plan_review');
    expect(waiting.plan!.sub_questions).toHaveLength(4);
    const approval = (await api.get(`/v1/approvals/${waiting.pending_review!.approval_id}`)).body;
    expect(approval.tool_id).toBe(RESEARCH_GATE_TOOL_ID);

    // An invalid edit is refused and changes nothing; a valid one (one removed, one reworded) is what runs.
    const bad = await api.post(`/v1/approvals/${approval.id}/decide`, {
      decision: 'approve',
      arguments_hash: approval.arguments_hash,
      form: { sub_questions: [] },
    });
    expect(bad.status).toBe(400);
    // Reworded and added (the added one finds nothing in the corpus: the sources, so the claims' ids, stay the same and
    // the sample's scripted report still applies).
    const [first, , third, fourth] = waiting.plan!.sub_questions;
    const edited = [first!, 'How are tool calls approved by a reviewer before they run?', third!, fourth!, 'Which pricing tiers exist?'];
    const ok = await api.post(`/v1/approvals/${approval.id}/decide`, {
      decision: 'approve',
      arguments_hash: approval.arguments_hash,
      form: { sub_questions: edited },
    });
    expect(ok.status).toBe(200);

    const done = await ended(run.id);
    expect(done.run.status).toBe('completed');
    expect(done.plan!.sub_questions).toEqual(edited);
    expect(done.graph.nodes.filter((n) => n.kind === 'sub_question')).toHaveLength(5);
    const report = done.report!;
    expect(report.metrics.citations).toBeGreaterThan(0);
    expect(report.metrics.verified_ratio).toBe(1);

    // A source's snapshot text: every claim's quote is exactly at its offsets.
    const claim = done.claims.find((c) => c.check?.verdict === 'supported')!;
    const ev = claim.evidence[0]!;
    const source = await api.get(`/v1/runs/${run.id}/research/sources/${ev.source_id}`);
    expect(source.status).toBe(200);
    const { text } = SourceText.parse(source.body);
    expect(normalizeForMatch(text.slice(ev.start, ev.end))).toBe(normalizeForMatch(ev.quote));
    expect((await api.get(`/v1/runs/${run.id}/research/sources/0123456789abcdef`)).status).toBe(404);

    const listed = await api.get(`/v1/projects/${projectId}/research`);
    expect(listed.body.items.map((i: { question: string }) => i.question)).toContain(QUESTION);
  });

  it('a denied plan ends the run as failed, naming the reviewer', async () => {
    const run = Run.parse((await api.post(`/v1/projects/${projectId}/research`, { question: QUESTION, plan_review: true })).body);
    const waiting = await until('the plan review', async () => ((await view(run.id)).pending_review ? view(run.id) : undefined));
    const approval = (await api.get(`/v1/approvals/${waiting.pending_review!.approval_id}`)).body;
    const denied = await api.post(`/v1/approvals/${approval.id}/decide`, { decision: 'deny', arguments_hash: approval.arguments_hash, reason: 'too broad' });
    expect(denied.status).toBe(200);
    const done = await ended(run.id);
    expect(done.run.status).toBe('failed');
    expect(done.run.error?.code).toBe('E_POLICY_DENIED');
    expect(done.run.error?.message).toContain('too broad');
  });

  it('ends at its budget like any run, and a retry runs the same request again', async () => {
    const capped = Run.parse(
      (await api.post(`/v1/projects/${projectId}/research`, { question: QUESTION, budget: { max_tokens: 50 } })).body,
    );
    const stopped = await ended(capped.id);
    expect(stopped.run.status).toBe('failed');
    expect(stopped.run.error?.code).toBe('E_BUDGET_EXCEEDED');
    const retried = await api.post(`/v1/runs/${capped.id}/retry`, {});
    expect(retried.status).toBe(201);
    const again = Run.parse(retried.body);
    expect(again.kind).toBe('research');
    expect(again.retry_of).toBe(capped.id);
    // The retry keeps the budget, so it stops the same way: the same request, pins and limits.
    expect((await ended(again.id)).run.error?.code).toBe('E_BUDGET_EXCEEDED');
  });
});
