import { GRAPH_GATE_TOOL_ID, type GraphSpec, type RunPins } from '@omniai/contracts';
import type { DataSource } from 'typeorm';
import { ApprovalStore } from './approval-store';
import { GraphStore, GraphStoreError, graphSpecHash } from './graph-store';
import { GraphGoneError, RunStore } from './run-store';
import { createTestProjects, openTestDataSource } from './testing';

const spec = (name: string, value = '{{ input.x }}'): GraphSpec => ({
  schema: 'omni.graph/v1',
  name,
  description: `about ${name}`,
  input_schema: { type: 'object', properties: { x: { type: 'string' } } },
  nodes: [{ id: 'out', kind: 'output', value }],
  edges: [],
});
const PINS: RunPins = { provider: 'offline', model: 'offline-scripted-1', params: {}, seed: 0, prompt_version: 'graph-v1', tools: [] };
const BY = 'admin@omni.test';

describe('GraphStore and graph runs (real Postgres)', () => {
  let ds: DataSource;
  let close: () => Promise<void>;
  let graphs: GraphStore;
  let runs: RunStore;
  let projectA: string;
  let projectB: string;

  beforeAll(async () => {
    ({ ds, close } = await openTestDataSource('graphs'));
    graphs = new GraphStore(ds);
    runs = new RunStore(ds);
    [projectA, projectB] = await createTestProjects(ds, 'A', 'B');
  });
  afterAll(() => close());

  const startRun = (graphId: string, version: number, specHash: string, projectId = projectA) =>
    runs.createGraphRun({
      projectId,
      graph: { graph_id: graphId, version, spec_hash: specHash },
      pins: PINS,
      input: { inline: { x: 'hi' } },
      retryOf: null,
      budget: null,
    });

  it('creates a graph at version 1 with the content hash of the canonical spec', async () => {
    const { graph, version } = await graphs.create(projectA, { spec: spec('first'), note: 'initial', createdBy: BY });
    expect(graph).toMatchObject({ project_id: projectA, name: 'first', description: 'about first', latest_version: 1, created_by: BY, last_run: null });
    expect(version).toMatchObject({ graph_id: graph.id, version: 1, note: 'initial', spec: spec('first') });
    expect(version.spec_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(version.spec_hash).toBe(graphSpecHash(spec('first')));
    // Key order does not change the hash (canonical JSON); content does.
    const reordered = Object.fromEntries(Object.entries(spec('first')).reverse()) as GraphSpec;
    expect(Object.keys(reordered)[0]).toBe('edges');
    expect(graphSpecHash(reordered)).toBe(version.spec_hash);
    expect(graphSpecHash(spec('other'))).not.toBe(version.spec_hash);
    expect(await graphs.get(graph.id)).toEqual(graph);
  });

  it('adds version n+1 per changed spec, answers the latest for an identical one, and keeps versions immutable', async () => {
    const { graph } = await graphs.create(projectA, { spec: spec('versions'), note: '', createdBy: BY });
    const v2 = await graphs.addVersion(graph.id, { spec: spec('versions', 'changed'), note: 'two', createdBy: BY });
    expect(v2).toMatchObject({ created: true, version: { version: 2, note: 'two' } });
    const same = await graphs.addVersion(graph.id, { spec: spec('versions', 'changed'), note: 'again', createdBy: BY });
    expect(same).toEqual({ created: false, version: v2.version });
    // Saving an older spec again is an edit: a new version, history stays linear.
    const v3 = await graphs.addVersion(graph.id, { spec: spec('versions'), note: 'revert', createdBy: BY });
    expect(v3.version.version).toBe(3);
    expect(v3.version.spec_hash).toBe((await graphs.getVersion(graph.id, 1))!.spec_hash);
    expect((await graphs.versions(graph.id)).map((v) => [v.version, v.note])).toEqual([
      [3, 'revert'],
      [2, 'two'],
      [1, ''],
    ]);
    expect(await graphs.get(graph.id)).toMatchObject({ latest_version: 3 });
    expect(await graphs.getVersion(graph.id, 4)).toBeNull();
    await expect(ds.query(`update graph_versions set note = 'x' where graph_id = $1`, [graph.id])).rejects.toThrow(/immutable/);
  });

  it('numbers concurrent saves of one graph without gaps or duplicates', async () => {
    const { graph } = await graphs.create(projectA, { spec: spec('race'), note: '', createdBy: BY });
    const saved = await Promise.all([1, 2, 3, 4, 5].map((i) => graphs.addVersion(graph.id, { spec: spec('race', `v${i}`), note: '', createdBy: BY })));
    expect(saved.map((s) => s.version.version).sort()).toEqual([2, 3, 4, 5, 6]);
  });

  it('creates graph runs pinned to a version, lists them under the graph and in its last_run', async () => {
    const { graph, version } = await graphs.create(projectB, { spec: spec('runs'), note: '', createdBy: BY });
    const first = await startRun(graph.id, 1, version.spec_hash, projectB);
    expect(first).toMatchObject({
      project_id: projectB,
      kind: 'graph',
      thread_id: null,
      graph: { graph_id: graph.id, version: 1, spec_hash: version.spec_hash },
      parent: null,
      status: 'queued',
      pins: PINS,
      workflow_id: `run-${first.id}`,
    });
    const second = await startRun(graph.id, 1, version.spec_hash, projectB);
    expect((await runs.listGraphRuns(graph.id)).map((r) => r.id)).toEqual([second.id, first.id]);
    expect((await graphs.list(projectB)).find((g) => g.id === graph.id)!.last_run).toEqual({ id: second.id, status: 'queued', created_at: second.created_at });
    expect((await graphs.list(projectA)).some((g) => g.id === graph.id)).toBe(false);

    const pinned = await runs.pinnedGraphRun(second.id);
    expect(pinned).toEqual({ run: second, input: { inline: { x: 'hi' } }, spec: spec('runs'), graphDeleted: false });
    // A graph of another project cannot be started in this one.
    await expect(startRun(graph.id, 1, version.spec_hash, projectA)).rejects.toBeInstanceOf(GraphGoneError);
  });

  it('refuses to delete a graph while a run is active, then hides it; runs stay readable, no new run starts', async () => {
    const { graph, version } = await graphs.create(projectA, { spec: spec('deleting'), note: '', createdBy: BY });
    const run = await startRun(graph.id, 1, version.spec_hash);
    const refused = await graphs.delete(graph.id).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(GraphStoreError);
    expect(refused).toMatchObject({ kind: 'active_runs' });
    await ds.query(`update runs set status = 'completed' where id = $1`, [run.id]);
    await graphs.delete(graph.id);
    expect(await graphs.get(graph.id)).toBeNull();
    expect((await graphs.list(projectA)).some((g) => g.id === graph.id)).toBe(false);
    await expect(graphs.delete(graph.id)).rejects.toMatchObject({ kind: 'not_found' });
    await expect(graphs.addVersion(graph.id, { spec: spec('deleting', 'x'), note: '', createdBy: BY })).rejects.toMatchObject({ kind: 'not_found' });
    await expect(startRun(graph.id, 1, version.spec_hash)).rejects.toBeInstanceOf(GraphGoneError);
    expect(await runs.getRun(run.id)).toMatchObject({ status: 'completed' });
    expect(await runs.pinnedGraphRun(run.id)).toMatchObject({ graphDeleted: true });
  });

  it('answers no pinned graph input for a chat run', async () => {
    const thread = await runs.createThread(projectA, 'chat');
    const chat = await runs.createRun({ projectId: projectA, threadId: thread.id, pins: PINS, input: { text: 'hi' }, retryOf: null, budget: null });
    expect(chat.kind).toBe('chat');
    expect(await runs.pinnedGraphRun(chat.id)).toBeNull();
  });

  it("keeps a reviewer's form with the claimed decision, and forgets it when the claim is given back", async () => {
    const approvals = new ApprovalStore(ds);
    const { graph, version } = await graphs.create(projectA, { spec: spec('gate'), note: '', createdBy: BY });
    const run = await startRun(graph.id, 1, version.spec_hash);
    const insert = (id: string) =>
      ds.query(
        `insert into approvals (id, run_id, project_id, call_id, tool_id, tool_version, manifest_hash, arguments_hash, risk, reason_code,
           requested_by, status, requested_at, expires_at)
         values ($1, $2, $3, 'gate#1', $4, '1.0.0', 'm', $5, '{}', 'graph_gate', '{"type":"user","id":"x"}', 'pending', now(), now() + interval '1 hour')`,
        [id, run.id, projectA, GRAPH_GATE_TOOL_ID, 'a'.repeat(64)],
      );
    await insert(`${run.id}.1`);
    await approvals.claim(`${run.id}.1`, 'approved', BY, null, { priority: 'high', notes: 'ok' });
    expect(await approvals.recordedDecision(`${run.id}.1`)).toEqual({
      status: 'approved',
      decided_by: { type: 'user', id: BY },
      reason: null,
      arguments_hash: 'a'.repeat(64),
      form: { priority: 'high', notes: 'ok' },
    });
    await approvals.unclaim(`${run.id}.1`);
    await approvals.claim(`${run.id}.1`, 'denied', BY, 'no');
    expect(await approvals.recordedDecision(`${run.id}.1`)).not.toHaveProperty('form');
  });
});
