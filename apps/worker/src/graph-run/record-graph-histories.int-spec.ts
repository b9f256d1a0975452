import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunEvent } from '@omniai/contracts';
import { resumeRunSignal } from '@omniai/workflow-api';
import { AesGcmPayloadCodec, openHistoryPayloads } from '@omniai/workflow-api/codec';
import { testPayloadKeys } from '../testing';
import { GraphKit, shape } from './graph-test-kit';

// Records the committed replay histories of graphRunWorkflow (workflows/src/graph-run/histories/) from real runs on the
// real worker, Postgres and Temporal dev server. Opt-in, because a recording replaces committed files:
//   OMNI_RECORD_HISTORIES=1 node node_modules/jest/bin/jest.js apps/worker/src/graph-run/record-graph-histories
const HISTORIES_DIR = join(__dirname, '..', '..', '..', '..', 'workflows', 'src', 'graph-run', 'histories');
const recording = process.env['OMNI_RECORD_HISTORIES'] === '1' ? describe : describe.skip;

/** A graph with an approval, a branch, a parallel fan-out joined at the end, and a map (the replay tests' subject). */
export const TRIAGE_GRAPH = {
  schema: 'omni.graph/v1',
  name: 'triage with approval, branch, parallel and map',
  nodes: [
    { id: 'gate', kind: 'approval', title: 'Triage {{ input.ticket }}?', show: { ticket: '{{ input.ticket }}' }, timeout_s: 3600 },
    { id: 'route', kind: 'branch', cases: [{ id: 'urgent', when: { '==': [{ var: 'input.priority' }, 'high'] } }] },
    { id: 'fan', kind: 'parallel', join: 'all', join_at: 'join' },
    {
      id: 'each',
      kind: 'map',
      items: { var: 'input.items' },
      body: { kind: 'tool', tool: { id: 'documents.search' }, arguments: { query: '{{ item }}' } },
      batch_size: 2,
      concurrency: 2,
    },
    { id: 'look', kind: 'tool', tool: { id: 'documents.search' }, arguments: { query: '{{ input.ticket }}' } },
    {
      id: 'join',
      kind: 'output',
      value: { searched: { $logic: { reduce: [{ var: 'nodes.each.output' }, { '+': [{ var: 'accumulator' }, 1] }, 0] } }, looked: '{{ nodes.look.status }}' },
    },
    { id: 'low', kind: 'output', value: 'low priority' },
  ],
  edges: [
    { from: 'gate', to: 'route' },
    { from: 'route', to: 'fan', port: 'urgent' },
    { from: 'route', to: 'low', port: 'else' },
    { from: 'fan', to: 'each' },
    { from: 'fan', to: 'look' },
    { from: 'each', to: 'join' },
    { from: 'look', to: 'join' },
  ],
};

recording('recording the committed graphRunWorkflow histories', () => {
  let kit: GraphKit;
  const codec = () => new AesGcmPayloadCodec(testPayloadKeys());
  const save = async (history: unknown, file: string) => {
    // Committed opened (D45): replay tests must not need the recording run's payload key.
    writeFileSync(join(HISTORIES_DIR, file), `${JSON.stringify(await openHistoryPayloads(history, codec()), null, 1)}\n`);
  };

  beforeAll(async () => {
    kit = await GraphKit.start('histories');
  }, 120_000);
  afterAll(() => kit?.stop());

  it('approved, urgent: approval → branch → parallel (map of 5 items, tool) → join', async () => {
    const started = await kit.start(TRIAGE_GRAPH, { ticket: 'T-1', priority: 'high', items: ['a', 'b', 'c', 'd', 'e'] });
    await kit.decide(started.runId, 'approve');
    await started.handle.result();
    const events: RunEvent[] = await kit.events(started.runId);
    expect(shape(events)).toContain('node_completed:join');
    await save(await started.handle.fetchHistory(), 'graph-run-approved-parallel-map.json');
  });

  it('denied: the gate leaves by `denied`, which has no edge: everything after it is skipped', async () => {
    const started = await kit.start(TRIAGE_GRAPH, { ticket: 'T-2', priority: 'high', items: ['a'] });
    await kit.decide(started.runId, 'deny', 'not now');
    await started.handle.result();
    expect(shape(await kit.events(started.runId))).toContain('node_skipped:route:not_taken');
    await save(await started.handle.fetchHistory(), 'graph-run-denied-skipped.json');
  });

  it('a map coordinator that continues as new after 20 batches (its first run)', async () => {
    const spec = {
      schema: 'omni.graph/v1',
      name: 'map of 25',
      nodes: [
        {
          id: 'each',
          kind: 'map',
          items: { var: 'input.items' },
          body: { kind: 'tool', tool: { id: 'documents.search' }, arguments: { query: '{{ item }}' } },
          batch_size: 1,
          concurrency: 4,
        },
      ],
      edges: [],
    };
    const started = await kit.start(spec, { items: Array.from({ length: 25 }, (_, i) => `q${i}`) });
    await started.handle.result();
    const parent = await started.handle.fetchHistory();
    const startedChild = parent.events!.find((e) => e.childWorkflowExecutionStartedEventAttributes?.workflowExecution?.workflowId?.endsWith('/map/each/1'))!;
    const firstRun = startedChild.childWorkflowExecutionStartedEventAttributes!.workflowExecution!;
    const coordinator = kit.env.client.workflow.getHandle(firstRun.workflowId!, firstRun.runId!);
    const history = await coordinator.fetchHistory();
    expect(history.events!.some((e) => e.workflowExecutionContinuedAsNewEventAttributes)).toBe(true);
    await save(history, 'graph-map-continued-as-new.json');
    await save(parent, 'graph-run-map-25.json');
  });

  it('since graph-serial-budget: two parallel branches over budget pause the run once, a resume lets both finish', async () => {
    const search = (id: string) => ({ id, kind: 'tool', tool: { id: 'documents.search' }, arguments: { query: id } });
    const started = await kit.start(
      {
        schema: 'omni.graph/v1',
        name: 'parallel over budget',
        nodes: [{ id: 'fan', kind: 'parallel', join_at: 'join' }, search('a'), search('b'), { id: 'join', kind: 'output', value: 'both' }],
        edges: [
          { from: 'fan', to: 'a' },
          { from: 'fan', to: 'b' },
          { from: 'a', to: 'join' },
          { from: 'b', to: 'join' },
        ],
      },
      {},
      { budget: { max_steps: 1, on_exceed: 'pause' } },
    );
    const paused = await kit.until('the pause', async () =>
      (await kit.events(started.runId)).find((e) => e.kind === 'system_event' && e.payload.type === 'paused'),
    );
    await kit.runs.recordResume(started.runId, paused.seq, {
      resumed_by: { type: 'user', id: 'ops@example.test' },
      budget: { max_steps: 10, on_exceed: 'pause' },
    });
    await started.handle.signal(resumeRunSignal, { resumed_by: { type: 'user', id: 'ops@example.test' } });
    await started.handle.result();
    expect(shape(await kit.events(started.runId)).filter((x) => x === 'paused')).toEqual(['paused']);
    await save(await started.handle.fetchHistory(), 'graph-run-parallel-budget-paused.json');
  });
});
