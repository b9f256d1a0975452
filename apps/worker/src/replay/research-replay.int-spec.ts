import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DeterminismViolationError } from '@temporalio/workflow';
import { Worker } from '@temporalio/worker';
import { ResearchRequest } from '@omniai/contracts';
import { projectResearch } from '@omniai/research';
import { sourceBundlerOptions } from '../testing';
import { historyFromFile, rebuildRunEvents } from '../verify/verify-run';

// Histories of researchWorkflow recorded from real runs (workflows/src/research/histories, recorded by
// apps/worker/src/research-run/record-research-histories.int-spec.ts), committed so that a change to the workflow that
// would break research runs in flight fails here first: guard such a change with `patched()`.
const HISTORIES_DIR = join(__dirname, '..', '..', '..', '..', 'workflows', 'src', 'research', 'histories');
const histories = readdirSync(HISTORIES_DIR)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => ({ name: f, history: historyFromFile(JSON.parse(readFileSync(join(HISTORIES_DIR, f), 'utf8'))) }));
const bundlerOptions = sourceBundlerOptions as never;

/** The request a recorded research run was started with (its workflow input). */
function requestOf(history: ReturnType<typeof historyFromFile>): ResearchRequest {
  const payload = history.events![0]!.workflowExecutionStartedEventAttributes!.input!.payloads![0]!;
  return ResearchRequest.parse((JSON.parse(Buffer.from(payload.data!).toString('utf8')) as { request: unknown }).request);
}

describe('replay of committed research histories', () => {
  it('has the histories of a reviewed plan and of planted citations', () => {
    expect(histories.map((h) => h.name)).toEqual(['research-planted-citations.json', 'research-reviewed-plan.json']);
  });

  it('replays every committed history against the current workflow', async () => {
    const results = Worker.runReplayHistories(
      { workflowsPath: require.resolve('@omniai/workflows'), bundlerOptions },
      histories.map((h) => ({ workflowId: h.name, history: h.history })),
    );
    const outcomes: Array<[string, unknown]> = [];
    for await (const r of results) outcomes.push([r.workflowId, r.error]);
    expect(outcomes).toEqual(histories.map((h) => [h.name, undefined]));
  });

  it('rebuilds the reviewed run from history alone: the edited plan, four sources read, every citation verified', async () => {
    const { history } = histories.find((h) => h.name === 'research-reviewed-plan.json')!;
    const events = await rebuildRunEvents(history, 'reviewed', { bundlerOptions });
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    const view = projectResearch(requestOf(history), events);
    expect(view.plan!.sub_questions).toHaveLength(5);
    expect(view.sources.filter((s) => s.status === 'read')).toHaveLength(4);
    expect(events.at(-1)!.kind).toBe('run_completed');
  });

  it('fails with DeterminismViolationError on every history when the workflow changes incompatibly', async () => {
    const results = Worker.runReplayHistories(
      { workflowsPath: require.resolve('./fixtures/changed-research.workflow'), bundlerOptions },
      histories.map((h) => ({ workflowId: h.name, history: h.history })),
    );
    const failures: Array<[string, boolean]> = [];
    for await (const r of results) failures.push([r.workflowId, r.error instanceof DeterminismViolationError]);
    expect(failures).toEqual(histories.map((h) => [h.name, true]));
  });
});
