import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { DeterminismViolationError } from '@temporalio/workflow';
import { Worker } from '@temporalio/worker';
import { sourceBundlerOptions } from '../testing';
import { historyFromFile, rebuildRunEvents } from '../verify/verify-run';

// Histories recorded from real runs (`npm run omni -- export-history <runId> <file>`), committed so that any change
// to workflow code that would break running workflows fails here first.
const HISTORIES_DIR = join(__dirname, '..', '..', '..', '..', 'workflows', 'src', 'agent-run', 'histories');
const histories = readdirSync(HISTORIES_DIR)
  .filter((f) => f.endsWith('.json'))
  .map((f) => ({ name: f, history: historyFromFile(JSON.parse(readFileSync(join(HISTORIES_DIR, f), 'utf8'))) }));

describe('replay of committed workflow histories', () => {
  it('has histories to replay', () => {
    expect(histories.map((h) => h.name).sort()).toEqual(['agent-run-cancelled.json', 'agent-run-completed.json', 'agent-run-paused-resumed.json']);
  });

  it('replays every committed history against the current workflow code', async () => {
    const results = Worker.runReplayHistories(
      { workflowsPath: require.resolve('@omniai/workflows'), bundlerOptions: sourceBundlerOptions as never },
      histories.map((h) => ({ workflowId: h.name, history: h.history })),
    );
    const outcomes: Array<{ id: string; error?: unknown }> = [];
    for await (const r of results) outcomes.push({ id: r.workflowId, error: r.error });
    expect(outcomes.map((o) => [o.id, o.error])).toEqual(histories.map((h) => [h.name, undefined]));
  });

  it('rebuilds the run events from history alone, seq 1..N', async () => {
    const completed = histories.find((h) => h.name === 'agent-run-completed.json')!;
    const events = await rebuildRunEvents(completed.history, 'completed', sourceBundlerOptions as never);
    expect(events.map((e) => [e.seq, e.kind])).toEqual([
      [1, 'run_created'],
      [2, 'user_message'],
      [3, 'assistant_message'],
      [4, 'run_completed'],
    ]);
    const cancelled = histories.find((h) => h.name === 'agent-run-cancelled.json')!;
    const cancelledEvents = await rebuildRunEvents(cancelled.history, 'cancelled', sourceBundlerOptions as never);
    expect(cancelledEvents.map((e) => e.kind)).toEqual(['run_created', 'user_message', 'run_cancelled']);
  });

  it('fails with DeterminismViolationError when workflow code changes incompatibly', async () => {
    const completed = histories.find((h) => h.name === 'agent-run-completed.json')!;
    await expect(
      Worker.runReplayHistory(
        { workflowsPath: require.resolve('./fixtures/changed-agent-run.workflow'), bundlerOptions: sourceBundlerOptions as never },
        completed.history,
      ),
    ).rejects.toThrow(DeterminismViolationError);
  });
});
