import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DeterminismViolationError } from '@temporalio/workflow';
import { Worker } from '@temporalio/worker';
import { projectNodeStates } from '@omniai/graphs';
import { GraphSpec } from '@omniai/contracts';
import { sourceBundlerOptions } from '../testing';
import { historyFromFile, rebuildRunEvents } from '../verify/verify-run';

// Histories of graphRunWorkflow and its map coordinator recorded from real runs (workflows/src/graph-run/histories,
// recorded by apps/worker/src/graph-run/record-graph-histories.int-spec.ts), committed so that a change to the
// interpreter that would break graph runs in flight fails here first: guard such a change with `patched()`.
const HISTORIES_DIR = join(__dirname, '..', '..', '..', '..', 'workflows', 'src', 'graph-run', 'histories');
const histories = readdirSync(HISTORIES_DIR)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => ({ name: f, history: historyFromFile(JSON.parse(readFileSync(join(HISTORIES_DIR, f), 'utf8'))) }));
const bundlerOptions = sourceBundlerOptions as never;

describe('replay of committed graph histories', () => {
  it('has the histories of a graph with approval, branch, parallel and map, of a map that continued as new, of a paused parallel run', () => {
    expect(histories.map((h) => h.name)).toEqual([
      'graph-map-continued-as-new.json',
      'graph-run-approved-parallel-map.json',
      'graph-run-denied-skipped.json',
      'graph-run-map-25.json',
      'graph-run-parallel-budget-paused.json',
    ]);
  });

  it('replays every committed history against the current interpreter', async () => {
    const results = Worker.runReplayHistories(
      { workflowsPath: require.resolve('@omniai/workflows'), bundlerOptions },
      histories.map((h) => ({ workflowId: h.name, history: h.history })),
    );
    const outcomes: Array<[string, unknown]> = [];
    for await (const r of results) outcomes.push([r.workflowId, r.error]);
    expect(outcomes).toEqual(histories.map((h) => [h.name, undefined]));
  });

  it('rebuilds the run events of the approved run from history alone: every node done, seq 1..N', async () => {
    const { history } = histories.find((h) => h.name === 'graph-run-approved-parallel-map.json')!;
    const events = await rebuildRunEvents(history, 'approved', { bundlerOptions });
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    expect(events[0]!.kind).toBe('run_created');
    const spec = GraphSpec.parse(specOf(history));
    const states = projectNodeStates(spec, events);
    expect(Object.fromEntries(states.map((s) => [s.node_id, s.status]))).toEqual({
      gate: 'completed',
      route: 'completed',
      fan: 'completed',
      each: 'completed',
      look: 'completed',
      join: 'completed',
      low: 'skipped',
    });
    expect(events.at(-1)!.kind).toBe('run_completed');
  });

  it('rebuilds the denied run: the gate leaves by denied and the rest is skipped', async () => {
    const { history } = histories.find((h) => h.name === 'graph-run-denied-skipped.json')!;
    const events = await rebuildRunEvents(history, 'denied', { bundlerOptions });
    const skipped = events.flatMap((e) => (e.kind === 'node_skipped' ? [e.payload.node_id] : []));
    expect(skipped.sort()).toEqual(['each', 'fan', 'join', 'look', 'low', 'route']);
  });

  it('fails with DeterminismViolationError on every history when the interpreter changes incompatibly', async () => {
    const results = Worker.runReplayHistories(
      { workflowsPath: require.resolve('./fixtures/changed-graph-run.workflow'), bundlerOptions },
      histories.map((h) => ({ workflowId: h.name, history: h.history })),
    );
    const failures: Array<[string, boolean]> = [];
    for await (const r of results) failures.push([r.workflowId, r.error instanceof DeterminismViolationError]);
    expect(failures).toEqual(histories.map((h) => [h.name, true]));
  });
});

/** The spec a recorded graph run was started with (its workflow input). */
function specOf(history: ReturnType<typeof historyFromFile>): unknown {
  const payload = history.events![0]!.workflowExecutionStartedEventAttributes!.input!.payloads![0]!;
  return (JSON.parse(Buffer.from(payload.data!).toString('utf8')) as { spec: unknown }).spec;
}
