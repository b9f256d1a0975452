import { normalizeForMatch } from '@omniai/research';
import { shape } from '../graph-run/graph-test-kit';
import { researchRequest, ResearchKit, SAMPLE_QUESTION } from './research-kit';

// A research run end to end on the real stack (Temporal, Postgres, the worker's activities) with the offline scripted
// model: its fixtures drive the model steps; search, read, snapshots, offsets and verification are real.
describe('researchWorkflow over the sample corpus', () => {
  let kit: ResearchKit;

  beforeAll(async () => {
    kit = await ResearchKit.start('research_run');
  });
  afterAll(async () => kit?.stop());

  it('plans, searches, reads each source once, extracts anchored claims, and every citation in the report passes the check', async () => {
    const request = researchRequest(SAMPLE_QUESTION);
    const { runId, handle } = await kit.start(request);
    const result = await handle.result();
    expect(result.status).toBe('completed');

    const events = await kit.events(runId);
    const steps = shape(events).filter((s) => s.startsWith('node_completed'));
    expect(steps).toEqual(
      expect.arrayContaining([
        'node_completed:plan',
        'node_completed:search_1',
        'node_completed:search_4',
        'node_completed:select',
        'node_completed:synthesize',
        'node_completed:verify_1',
        'node_completed:finalize',
      ]),
    );
    expect(events.at(-1)!.kind).toBe('run_completed');

    const view = await kit.view(runId, request);
    expect(view.stage).toBe('done');
    expect(view.plan!.sub_questions).toHaveLength(4);
    // The four corpus documents, each read exactly once.
    expect(view.sources.map((s) => s.locator).sort()).toEqual([
      'doc:research-corpus/approvals.md',
      'doc:research-corpus/durable-runs.md',
      'doc:research-corpus/research.md',
      'doc:research-corpus/sandbox.md',
    ]);
    expect(view.sources.every((s) => s.status === 'read')).toBe(true);
    const rows = await kit.sources.list(runId);
    expect(rows.map((r) => r.fetches)).toEqual([1, 1, 1, 1]);

    // Every claim's evidence is at its offsets in the snapshot the run stored.
    for (const claim of view.claims) {
      for (const ev of claim.evidence) {
        const source = view.sources.find((s) => s.source_id === ev.source_id)!;
        const text = await kit.snapshotText(source.snapshot!.sha256);
        expect(normalizeForMatch(text.slice(ev.start, ev.end))).toBe(normalizeForMatch(ev.quote));
      }
    }
    // The planted quote that is not in approvals.md was dropped at extraction, never offered as a claim.
    expect(view.claims.some((c) => c.text.includes('on behalf of the whole workspace'))).toBe(false);

    const report = view.report!;
    expect(report.metrics.citations).toBeGreaterThanOrEqual(8);
    expect(report.metrics.citations_verified).toBe(report.metrics.citations);
    expect(report.metrics.verified_ratio).toBe(1);
    expect(report.metrics.unsupported_removed).toBe(0);
    expect(report.metrics.flagged).toBe(0);
    expect(report.metrics.sources_read).toBe(4);
    // The claim with the invented number ("3 times"; its quote says 2) exists but the report does not cite it.
    const invented = view.claims.find((c) => c.text.includes('at most 3 times'))!;
    expect(invented.id).toBe('c3-3');
    expect(report.cited_markdown).not.toContain(`[[${invented.id}]]`);
    expect(report.markdown).toMatch(/## Sources/);
    expect(report.bibliography).toHaveLength(4);
    expect(view.graph.nodes.filter((n) => n.kind === 'claim' && n.state === 'supported').length).toBe(report.metrics.citations);
  });

  it('catches planted bad citations: an unknown claim and an invented number are removed and their sentences flagged', async () => {
    const request = researchRequest(`${SAMPLE_QUESTION} (planted)`);
    const { runId, handle } = await kit.start(request);
    await handle.result();
    const view = await kit.view(runId, request);
    const report = view.report!;
    const failing = view.claims.filter((c) => c.check?.verdict === 'unsupported');
    expect(report.metrics.unsupported_removed).toBeGreaterThanOrEqual(2);
    expect(report.metrics.flagged).toBeGreaterThanOrEqual(2);
    expect(report.cited_markdown).not.toMatch(/\[\[c9-9\]\]/);
    for (const claim of failing) expect(report.cited_markdown).not.toContain(`[[${claim.id}]]`);
    expect(report.markdown).toContain('unverified');
    expect(report.metrics.verified_ratio).toBeLessThan(1);
  });
});
