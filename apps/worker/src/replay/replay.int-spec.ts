import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { DeterminismViolationError } from '@temporalio/workflow';
import { Worker } from '@temporalio/worker';
import { AesGcmPayloadCodec, sealHistoryPayloads } from '@omniai/workflow-api/codec';
import { sourceBundlerOptions, testDataConverter, testPayloadKeys } from '../testing';
import { historyFromFile, rebuildRunEvents } from '../verify/verify-run';

// Histories recorded from real runs (see workflows/src/agent-run/histories/README.md), committed so that any change to
// workflow code that would break running workflows fails here first.
const HISTORIES_DIR = join(__dirname, '..', '..', '..', '..', 'workflows', 'src', 'agent-run', 'histories');
const histories = readdirSync(HISTORIES_DIR)
  .filter((f) => f.endsWith('.json'))
  .map((f) => ({ name: f, history: historyFromFile(JSON.parse(readFileSync(join(HISTORIES_DIR, f), 'utf8'))) }));

describe('replay of committed workflow histories', () => {
  it('has histories to replay', () => {
    expect(histories.map((h) => h.name).sort()).toEqual([
      'agent-run-cancelled.json',
      'agent-run-completed.json',
      'agent-run-doorbell-approved.json',
      'agent-run-doorbell-denied.json',
      'agent-run-doorbell-paused-resumed.json',
      'agent-run-paused-resumed.json',
      'agent-run-tool-approval-expired.json',
      'agent-run-tool-approved.json',
      'agent-run-tool-denied.json',
      'agent-run-tool-steps-paused-resumed.json',
    ]);
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
    const events = await rebuildRunEvents(completed.history, 'completed', { bundlerOptions: sourceBundlerOptions as never });
    expect(events.map((e) => [e.seq, e.kind])).toEqual([
      [1, 'run_created'],
      [2, 'user_message'],
      [3, 'assistant_message'],
      [4, 'run_completed'],
    ]);
    const cancelled = histories.find((h) => h.name === 'agent-run-cancelled.json')!;
    const cancelledEvents = await rebuildRunEvents(cancelled.history, 'cancelled', { bundlerOptions: sourceBundlerOptions as never });
    expect(cancelledEvents.map((e) => e.kind)).toEqual(['run_created', 'user_message', 'run_cancelled']);
  });

  it.each([
    ['agent-run-tool-approved.json', ['approval_requested', 'approval_decided', 'tool_result']],
    ['agent-run-tool-denied.json', ['approval_requested', 'approval_decided', 'policy_denied', 'tool_error']],
    ['agent-run-tool-approval-expired.json', ['approval_requested', 'approval_decided', 'policy_denied', 'tool_error']],
    ['agent-run-tool-steps-paused-resumed.json', ['budget_exceeded', 'paused', 'resumed', 'tool_call', 'tool_result']],
    ['agent-run-doorbell-approved.json', ['approval_requested', 'signal_rejected', 'approval_decided', 'tool_result']],
    ['agent-run-doorbell-denied.json', ['approval_requested', 'approval_decided', 'policy_denied', 'tool_error']],
    ['agent-run-doorbell-paused-resumed.json', ['budget_exceeded', 'paused', 'signal_rejected', 'resumed', 'tool_call', 'tool_result']],
  ])('rebuilds %s with its tool, approval and budget steps', async (name, steps) => {
    const { history } = histories.find((h) => h.name === name)!;
    const events = await rebuildRunEvents(history, name, { bundlerOptions: sourceBundlerOptions as never });
    const shape = events.map((e) => (e.kind === 'system_event' ? e.payload.type : e.kind));
    expect(events.map((e) => e.seq)).toEqual(shape.map((_, i) => i + 1));
    expect(shape.filter((s) => steps.includes(s))).toEqual(steps);
    expect(shape.at(-1)).toBe('run_completed');
  });

  it('replays a sealed history through the payload codec (D45), and needs the key to', async () => {
    const { history } = histories.find((h) => h.name === 'agent-run-tool-approved.json')!;
    const sealed = await sealHistoryPayloads(history, new AesGcmPayloadCodec(testPayloadKeys()));
    expect(JSON.stringify(sealed)).not.toContain(Buffer.from('[h] compute').toString('base64'));
    const plain = await rebuildRunEvents(history, 'tool-approved', { bundlerOptions: sourceBundlerOptions as never, dataConverter: testDataConverter() });
    const opened = await rebuildRunEvents(sealed, 'tool-approved', { bundlerOptions: sourceBundlerOptions as never, dataConverter: testDataConverter() });
    expect(opened.length).toBeGreaterThan(5);
    expect(opened).toEqual(plain);
    await expect(rebuildRunEvents(sealed, 'no-key', { bundlerOptions: sourceBundlerOptions as never })).rejects.toThrow();
  });

  it('fails with DeterminismViolationError on every history when workflow code changes incompatibly', async () => {
    const results = Worker.runReplayHistories(
      { workflowsPath: require.resolve('./fixtures/changed-agent-run.workflow'), bundlerOptions: sourceBundlerOptions as never },
      histories.map((h) => ({ workflowId: h.name, history: h.history })),
    );
    const failures: Array<[string, boolean]> = [];
    for await (const r of results) failures.push([r.workflowId, r.error instanceof DeterminismViolationError]);
    expect(failures).toEqual(histories.map((h) => [h.name, true]));
  });
});
