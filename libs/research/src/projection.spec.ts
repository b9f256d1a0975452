import { type Claim, type ResearchRequest, ResearchView, RunEvent, type SearchHit, type SourceSnapshot } from '@omniai/contracts';
import { RESEARCH_GATE_TOOL_ID, RESEARCH_NODE_KINDS, RESEARCH_NODES } from '@omniai/contracts/pure';
import { applyChecks, checkReport } from './citations';
import { projectResearch, researchStep, shortLabel } from './projection';
import { renderReport } from './report';
import type { ResearchSteps, SelectedSource } from './steps';

const RUN = '00000000-0000-4000-8000-0000000000aa';
const PROJECT = '00000000-0000-4000-8000-0000000000bb';

// The projection must satisfy the contract the API serves.
const Projection = ResearchView.omit({ run: true, request: true });

/** Builds a run's log as the workflow writes it: every event parsed by the RunEvent contract, seq from 1, a second apart. */
class RunLog {
  readonly events: RunEvent[] = [];

  private add(kind: RunEvent['kind'], payload: unknown): this {
    const seq = this.events.length + 1;
    this.events.push(
      RunEvent.parse({
        event_id: `00000000-0000-4000-8000-${String(seq).padStart(12, '0')}`,
        run_id: RUN,
        seq,
        ts: new Date(Date.UTC(2026, 11, 1, 10, 0, seq)).toISOString(),
        actor: { type: 'service', id: 'omni-worker' },
        correlation_id: RUN,
        causation_id: null,
        schema_version: 1,
        kind,
        payload,
      }),
    );
    return this;
  }

  created(research: ResearchRequest): this {
    return this.add('run_created', {
      project_id: PROJECT,
      thread_id: null,
      pins: { provider: 'offline', model: 'offline-scripted-1', params: {}, seed: 0, prompt_version: 'research-v1' },
      retry_of: null,
      research,
    });
  }

  started<K extends keyof ResearchSteps>(nodeId: string, kind: K, input: ResearchSteps[K]['input'], attempt = 1): this {
    const nodeKind = RESEARCH_NODE_KINDS[(kind === 'plan_review' ? 'review' : kind) as keyof typeof RESEARCH_NODE_KINDS];
    return this.add('node_started', { node_id: nodeId, attempt, node_kind: nodeKind, input: { inline: input } });
  }

  completed<K extends keyof ResearchSteps>(nodeId: string, _kind: K, output: ResearchSteps[K]['output'], attempt = 1): this {
    return this.add('node_completed', { node_id: nodeId, attempt, port: 'out', output: { inline: output }, duration_ms: 1000 });
  }

  /** A completion whose output the caller did not resolve: an artifact reference. */
  completedAsArtifact(nodeId: string): this {
    const artifact = { sha256: 'e'.repeat(64), size_bytes: 300_000, media_type: 'application/json' };
    return this.add('node_completed', { node_id: nodeId, attempt: 1, port: 'out', output: { artifact, preview: '{…' }, duration_ms: 1000 });
  }

  failed(nodeId: string, code: string, message: string, will_retry = false, attempt = 1): this {
    return this.add('node_failed', { node_id: nodeId, attempt, code, message, will_retry, duration_ms: 500, ...(will_retry ? { retry_in_ms: 1000 } : {}) });
  }

  skipped(nodeId: string): this {
    return this.add('node_skipped', { node_id: nodeId, reason: 'run_ended' });
  }

  reviewRequested(approvalId: string): this {
    return this.add('system_event', {
      type: 'approval_requested',
      message: 'The plan waits for a reviewer',
      data: {
        approval_id: approvalId,
        call_id: 'plan_review#1',
        tool_id: RESEARCH_GATE_TOOL_ID,
        tool_version: '1',
        manifest_hash: 'h',
        arguments_hash: 'h',
        arguments_redacted: {},
        risk: null,
        reason_code: 'research_plan_review',
        requested_by: { type: 'service', id: 'omni-worker' },
        expires_at: '2026-12-02T10:00:00.000Z',
      },
    });
  }

  reviewDecided(approvalId: string): this {
    return this.add('system_event', {
      type: 'approval_decided',
      message: 'approved',
      data: { approval_id: approvalId, status: 'approved', decided_by: 'alice@example.org', reason: null },
    });
  }

  runCompleted(): this {
    return this.add('run_completed', { duration_ms: 60_000, usage: { input_tokens: 1000, output_tokens: 500 } });
  }

  runFailed(message: string): this {
    return this.add('run_failed', { code: 'E_INTERNAL', message });
  }
}

// The corpus: three sources the searches find, a fourth left out by max_sources.
const RHINE = 'The Rhine is about 1,230 km long. It rises in the Swiss Alps.\nIt flows through six countries before the North Sea.';
const BASEL = 'Basel lies on the Rhine, where Switzerland, France and Germany meet.';
const ID = { rhine: '1111111111111111', basel: '2222222222222222', blocked: '3333333333333333', extra: '4444444444444444' };

const hit = (source_id: string, title: string, locator: string): SearchHit => ({
  source_id,
  kind: 'web',
  locator,
  title,
  snippet: '…',
  score: 1,
  via: 'searxng',
});
const HITS = {
  rhine: hit(ID.rhine, 'The Rhine', 'https://example.org/rhine'),
  basel: hit(ID.basel, 'Basel', 'https://example.org/basel'),
  blocked: hit(ID.blocked, 'Robots say no', 'https://blocked.example.org/'),
  extra: hit(ID.extra, 'One too many', 'https://example.org/extra'),
};
const select = (h: SearchHit, n: number, sub_questions: number[]): SelectedSource => ({
  source_id: h.source_id,
  n,
  kind: h.kind,
  locator: h.locator,
  title: h.title,
  via: h.via,
  sub_questions,
});
const SELECTED = [select(HITS.rhine, 1, [1]), select(HITS.basel, 2, [1, 2]), select(HITS.blocked, 3, [2])];

function snapshot(text: string, at: string, fill: string): SourceSnapshot {
  const sha256 = fill.repeat(64);
  return {
    sha256,
    artifact: { sha256, size_bytes: text.length, media_type: 'text/plain' },
    chars: text.length,
    fetched_at: at,
    final_locator: 'https://example.org/',
    truncated: false,
    note: null,
  };
}

function claim(id: string, text: string, source_id: string, source: string, quote: string): Claim {
  const start = source.indexOf(quote);
  return { id, text, sub_question: 1, evidence: [{ source_id, quote, start, end: start + quote.length }] };
}
const CLAIMS = {
  length: claim('c1-1', 'The Rhine is about 1230 km long.', ID.rhine, RHINE, 'The Rhine is about 1,230 km long.'),
  countries: claim('c1-2', 'The Rhine flows through six countries.', ID.rhine, RHINE, 'It flows through six countries'),
  alps: claim('c1-3', 'The Rhine rises in the Swiss Alps.', ID.rhine, RHINE, 'It rises in the Swiss Alps.'),
  // Evidence from the Basel page, but the claim invents a number.
  basel: claim('c2-1', 'Basel is where 4 countries meet on the Rhine.', ID.basel, BASEL, 'where Switzerland, France and Germany meet'),
};

const REQUEST: ResearchRequest = {
  question: 'How long is the Rhine, and which countries does it flow through?',
  sources: { documents: false, web: { backend_id: '00000000-0000-4000-8000-0000000000cc', kind: 'searxng', hosts: ['example.org'] }, mcp_tools: [] },
  depth: 2,
  max_sources: 3,
  plan_review: true,
};

const SYNTHESIZED = 'The Rhine is about 1230 km long [[c1-1]]. It crosses six countries [[c1-2]]; Basel is where 4 countries meet [[c2-1]].';

/** A whole research run, with the prefix lengths at which each stage begins (for projecting a run in flight). */
function researchRun() {
  const log = new RunLog().created(REQUEST);
  const at: Record<string, number> = {};
  const mark = (name: string) => (at[name] = log.events.length);

  log.started('plan', 'plan', { question: REQUEST.question });
  mark('planning');
  log.completed('plan', 'plan', { sub_questions: ['How long is the Rhine?', 'Which countries?'] });
  log.started('plan_review', 'plan_review', { question: REQUEST.question, sub_questions: ['How long is the Rhine?', 'Which countries?'] });
  log.reviewRequested('appr-1');
  mark('reviewing');
  log.reviewDecided('appr-1');
  // The reviewer sharpened the second sub-question and added a third.
  log.completed('plan_review', 'plan_review', { sub_questions: ['How long is the Rhine?', 'Which countries does the Rhine cross?', 'Where does it rise?'] });
  log.started(RESEARCH_NODES.search(1), 'search', { sub_question: 1, query: 'How long is the Rhine?' });
  log.started(RESEARCH_NODES.search(2), 'search', { sub_question: 2, query: 'Which countries does the Rhine cross?' });
  log.started(RESEARCH_NODES.search(3), 'search', { sub_question: 3, query: 'Where does it rise?' });
  log.completed(RESEARCH_NODES.search(1), 'search', { hits: [HITS.rhine, HITS.basel], failures: [] });
  mark('searching');
  log.completed(RESEARCH_NODES.search(2), 'search', {
    hits: [HITS.basel, HITS.blocked, HITS.extra],
    failures: [{ via: 'brave', code: 'E_TIMEOUT', message: 'no answer in 10 s' }],
  });
  log.failed(RESEARCH_NODES.search(3), 'E_SEARCH_FAILED', 'every backend failed');
  log.started('select', 'select', { found: 4 });
  log.completed('select', 'select', {
    selected: SELECTED,
    skipped: [{ ...HITS.extra, sub_questions: [2], reason: 'over max_sources (3)' }],
  });
  log.started(RESEARCH_NODES.read(ID.rhine), 'read', { source: SELECTED[0]! });
  log.started(RESEARCH_NODES.read(ID.basel), 'read', { source: SELECTED[1]! });
  log.started(RESEARCH_NODES.read(ID.blocked), 'read', { source: SELECTED[2]! });
  log.completed(RESEARCH_NODES.read(ID.rhine), 'read', { snapshot: snapshot(RHINE, '2026-12-01T10:00:20.000Z', 'a') });
  log.failed(RESEARCH_NODES.read(ID.basel), 'E_FETCH_TIMEOUT', 'the page did not answer', true);
  log.failed(RESEARCH_NODES.read(ID.blocked), 'E_ROBOTS', 'robots.txt disallows this page');
  log.started(RESEARCH_NODES.extract(ID.rhine), 'extract', { source_id: ID.rhine, n: 1 });
  mark('reading');
  log.started(RESEARCH_NODES.read(ID.basel), 'read', { source: SELECTED[1]! }, 2);
  log.completed(RESEARCH_NODES.read(ID.basel), 'read', { snapshot: snapshot(BASEL, '2026-12-01T10:00:25.000Z', 'b') }, 2);
  log.completed(RESEARCH_NODES.extract(ID.rhine), 'extract', { claims: [CLAIMS.length, CLAIMS.countries, CLAIMS.alps], dropped: [] });
  log.started(RESEARCH_NODES.extract(ID.basel), 'extract', { source_id: ID.basel, n: 2 });
  log.completed(RESEARCH_NODES.extract(ID.basel), 'extract', { claims: [CLAIMS.basel], dropped: [] });
  log.started('synthesize', 'synthesize', { claims: 4 });
  log.completed('synthesize', 'synthesize', { markdown: SYNTHESIZED });
  mark('synthesized');

  // Verification with the library's own checks over the snapshots the run read.
  const ctx = {
    claims: new Map(Object.values(CLAIMS).map((c) => [c.id, c])),
    snapshots: new Map([
      [ID.rhine, RHINE],
      [ID.basel, BASEL],
    ]),
    fetched: new Set([ID.rhine, ID.basel]),
  };
  const round1 = checkReport(SYNTHESIZED, ctx);
  log.started(RESEARCH_NODES.verify(1), 'verify', { round: 1 });
  mark('verifying');
  log.completed(RESEARCH_NODES.verify(1), 'verify', { checks: round1 });
  const revised = applyChecks(SYNTHESIZED, round1).markdown;
  log.started(RESEARCH_NODES.revise(1), 'revise', { round: 1, failing: ['c2-1'] });
  log.completed(RESEARCH_NODES.revise(1), 'revise', { markdown: revised, accepted: true });
  // Round 2 checks the revised report, which no longer cites c2-1; a judge found c1-2 only partly supported.
  const round2 = checkReport(revised, ctx).map((c) =>
    c.claim_id === 'c1-2' ? { ...c, verdict: 'partial' as const, reason: 'six is not stated for today' } : c,
  );
  log.started(RESEARCH_NODES.verify(2), 'verify', { round: 2 });
  log.completed(RESEARCH_NODES.verify(2), 'verify', { checks: round2 });
  log.started('finalize', 'finalize', { rounds: 2 });
  const metrics = {
    sources_found: 4,
    sources_read: 2,
    sources_failed: 1,
    claims: 4,
    citations: 2,
    citations_verified: 2,
    verified_ratio: 1,
    unsupported_removed: 1,
    flagged: 1,
    critique_rounds: 1,
    tokens: 1500,
    cost_usd: 0,
    wall_ms: 60_000,
  };
  const rendered = renderReport({
    question: REQUEST.question,
    cited_markdown: revised,
    claims: Object.values(CLAIMS),
    sources: [
      { source_id: ID.rhine, title: 'The Rhine', locator: HITS.rhine.locator, snapshot: snapshot(RHINE, '2026-12-01T10:00:20.000Z', 'a') },
      { source_id: ID.basel, title: 'Basel', locator: HITS.basel.locator, snapshot: snapshot(BASEL, '2026-12-01T10:00:25.000Z', 'b') },
    ],
    checks: round2,
    metrics,
  });
  const artifact = { sha256: 'f'.repeat(64), size_bytes: rendered.markdown.length, media_type: 'text/markdown' };
  log.completed('finalize', 'finalize', { ...rendered, cited_markdown: revised, artifact, metrics });
  mark('finalized');
  log.runCompleted();
  return { events: log.events, at, revised };
}

const run = researchRun();
const upTo = (stage: string) => projectResearch(REQUEST, run.events.slice(0, run.at[stage]));
const node = (p: ReturnType<typeof projectResearch>, id: string) => p.graph.nodes.find((n) => n.id === id);

describe('researchStep', () => {
  it('parses every node id RESEARCH_NODES builds, and nothing else', () => {
    expect(researchStep(RESEARCH_NODES.plan)).toEqual({ step: 'plan' });
    expect(researchStep(RESEARCH_NODES.review)).toEqual({ step: 'plan_review' });
    expect(researchStep(RESEARCH_NODES.search(3))).toEqual({ step: 'search', sub_question: 3 });
    expect(researchStep(RESEARCH_NODES.read(ID.rhine))).toEqual({ step: 'read', source_id: ID.rhine });
    expect(researchStep(RESEARCH_NODES.extract('1234567890123456'))).toEqual({ step: 'extract', source_id: '1234567890123456' });
    expect(researchStep(RESEARCH_NODES.verify(2))).toEqual({ step: 'verify', round: 2 });
    expect(researchStep(RESEARCH_NODES.revise(1))).toEqual({ step: 'revise', round: 1 });
    expect(researchStep('finalize')).toEqual({ step: 'finalize' });
    for (const id of ['search_0', 'read_xyz', 'classify', 'verify_', 'select_1']) expect(researchStep(id)).toBeNull();
  });
});

describe('projectResearch', () => {
  it('starts in planning with only the question', () => {
    const p = projectResearch(REQUEST, run.events.slice(0, 1));
    expect(Projection.parse(p)).toEqual({
      stage: 'planning',
      plan: null,
      pending_review: null,
      sources: [],
      claims: [],
      report: null,
      graph: { nodes: [{ id: 'q', kind: 'question', label: shortLabel(REQUEST.question), state: 'running', detail: null }], edges: [] },
    });
    expect(upTo('planning').stage).toBe('planning');
  });

  it('waits for the plan review, showing the proposed plan', () => {
    const p = upTo('reviewing');
    expect(p.stage).toBe('plan_review');
    expect(p.pending_review).toEqual({ approval_id: 'appr-1' });
    expect(p.plan).toEqual({ sub_questions: ['How long is the Rhine?', 'Which countries?'] });
    expect(p.graph.nodes.map((n) => [n.id, n.state])).toEqual([
      ['q', 'running'],
      ['sq1', 'pending'],
      ['sq2', 'pending'],
    ]);
  });

  it('searches the reviewed plan, with each sub-question running until its search ends', () => {
    const p = Projection.parse(upTo('searching'));
    expect(p.stage).toBe('searching');
    expect(p.pending_review).toBeNull();
    expect(p.plan!.sub_questions).toHaveLength(3);
    expect(p.sources).toEqual([]); // hits are not sources until select
    expect(node(p, 'sq1')).toMatchObject({ state: 'done', detail: '2 results' });
    expect(node(p, 'sq2')).toMatchObject({ state: 'running', label: 'Which countries does the Rhine cross?' });
    expect(p.graph.edges).toEqual([
      { from: 'q', to: 'sq1' },
      { from: 'q', to: 'sq2' },
      { from: 'q', to: 'sq3' },
    ]);
  });

  it('reads: sources selected, read, failed, retrying and skipped', () => {
    const p = Projection.parse(upTo('reading'));
    expect(p.stage).toBe('reading');
    expect(p.sources.map((s) => [s.source_id, s.status, s.error?.code ?? null])).toEqual([
      [ID.rhine, 'read', null],
      [ID.basel, 'selected', null],
      [ID.blocked, 'failed', 'E_ROBOTS'],
      [ID.extra, 'skipped', 'skipped'],
    ]);
    expect(p.sources[0]!.snapshot!.sha256).toBe('a'.repeat(64));
    expect(p.sources[3]!.error!.message).toBe('over max_sources (3)');
    expect(node(p, `s${ID.rhine}`)).toMatchObject({ state: 'running', detail: HITS.rhine.locator }); // extracting
    expect(node(p, `s${ID.basel}`)).toMatchObject({ state: 'running', detail: 'the page did not answer' }); // will retry
    expect(node(p, `s${ID.blocked}`)).toMatchObject({ state: 'failed', detail: 'robots.txt disallows this page' });
    expect(node(p, `s${ID.extra}`)).toMatchObject({ state: 'skipped', detail: 'over max_sources (3)' });
    expect(node(p, 'sq2')).toMatchObject({ state: 'done', detail: '3 results; brave: no answer in 10 s' });
    expect(node(p, 'sq3')).toMatchObject({ state: 'failed', detail: 'every backend failed' });
  });

  it('shows claims as done before verification', () => {
    const p = Projection.parse(upTo('synthesized'));
    expect(p.stage).toBe('synthesizing');
    expect(p.claims.map((c) => [c.id, c.check])).toEqual([
      ['c1-1', null],
      ['c1-2', null],
      ['c1-3', null],
      ['c2-1', null],
    ]);
    expect(p.graph.nodes.filter((n) => n.kind === 'claim').every((n) => n.state === 'done')).toBe(true);
  });

  it('is verifying while a verify round runs', () => {
    expect(upTo('verifying').stage).toBe('verifying');
  });

  it('ends with the report, each claim carrying the check of the last round that covered it', () => {
    const p = Projection.parse(projectResearch(REQUEST, run.events));
    expect(p.stage).toBe('done');
    expect(p.report!.cited_markdown).toBe(run.revised);
    expect(p.report!.markdown).toContain('The Rhine is about 1230 km long [1]. It crosses six countries [1]†;');
    const checks = Object.fromEntries(p.claims.map((c) => [c.id, c.check && [c.check.verdict, c.check.reason]]));
    expect(checks).toEqual({
      'c1-1': ['supported', ''],
      'c1-2': ['partial', 'six is not stated for today'],
      'c1-3': null,
      'c2-1': ['unsupported', 'the claim says 4 but no quote does'], // from round 1: round 2 no longer cites it
    });
    expect(p.graph.nodes.filter((n) => n.kind === 'claim').map((n) => [n.id, n.state, n.detail])).toEqual([
      ['c1-1', 'supported', null],
      ['c1-2', 'partial', 'six is not stated for today'],
      ['c1-3', 'uncited', null],
      ['c2-1', 'unsupported', 'the claim says 4 but no quote does'],
    ]);
    expect(node(p, 'q')!.state).toBe('done');
    expect(node(p, `s${ID.basel}`)!.state).toBe('done');
    expect(p.graph.edges).toEqual(
      expect.arrayContaining([
        { from: 'sq1', to: `s${ID.rhine}` },
        { from: 'sq1', to: `s${ID.basel}` },
        { from: 'sq2', to: `s${ID.basel}` },
        { from: 'sq2', to: `s${ID.blocked}` },
        { from: 'sq2', to: `s${ID.extra}` },
        { from: `s${ID.rhine}`, to: 'c1-1' },
        { from: `s${ID.basel}`, to: 'c2-1' },
      ]),
    );
    expect(p.graph.edges).toHaveLength(3 + 5 + 4);
  });

  it('is done at finalize, and the same in any event order', () => {
    expect(upTo('finalized').stage).toBe('done');
    const shuffled = [...run.events].reverse();
    expect(projectResearch(REQUEST, shuffled)).toEqual(projectResearch(REQUEST, run.events));
  });

  it('treats an unresolved artifact output as missing', () => {
    const log = new RunLog().created(REQUEST);
    log.started('plan', 'plan', { question: REQUEST.question }).completedAsArtifact('plan');
    const p = projectResearch(REQUEST, log.events);
    expect(p.plan).toBeNull();
    expect(p.graph.nodes).toHaveLength(1);
  });

  it('shows a failed run on the question, a read it never reached as skipped, and no pending review', () => {
    const log = new RunLog().created({ ...REQUEST });
    log.started('plan', 'plan', { question: REQUEST.question });
    log.completed('plan', 'plan', { sub_questions: ['How long is the Rhine?'] });
    log.started('plan_review', 'plan_review', { question: REQUEST.question, sub_questions: ['How long is the Rhine?'] });
    log.reviewRequested('appr-9');
    log.runFailed('the budget is spent');
    const p = Projection.parse(projectResearch(REQUEST, log.events));
    expect(p).toMatchObject({ stage: 'done', pending_review: null });
    expect(node(p, 'q')).toMatchObject({ state: 'failed', detail: 'the budget is spent' });

    const reading = new RunLog().created(REQUEST);
    reading.started('plan', 'plan', { question: 'q' }).completed('plan', 'plan', { sub_questions: ['a'] });
    reading.started('select', 'select', { found: 1 }).completed('select', 'select', { selected: [SELECTED[0]!], skipped: [] });
    reading.skipped(RESEARCH_NODES.read(ID.rhine));
    const r = Projection.parse(projectResearch(REQUEST, reading.events));
    expect(r.sources[0]).toMatchObject({ status: 'skipped', error: { code: 'skipped', message: 'the run ended before this source was read' } });
    expect(node(r, `s${ID.rhine}`)!.state).toBe('skipped');
  });

  it('ignores node events that are not research steps', () => {
    const log = new RunLog().created(REQUEST);
    log.started('classify' as 'plan', 'plan', { question: 'x' });
    expect(projectResearch(REQUEST, log.events).stage).toBe('planning');
  });
});

describe('shortLabel', () => {
  it('keeps one line of at most 80 characters', () => {
    expect(shortLabel('  a\nb  ')).toBe('a b');
    const long = shortLabel('x'.repeat(200));
    expect(Array.from(long)).toHaveLength(80);
    expect(long.endsWith('…')).toBe(true);
    expect(Array.from(shortLabel('😀'.repeat(100)))).toHaveLength(80);
  });
});
