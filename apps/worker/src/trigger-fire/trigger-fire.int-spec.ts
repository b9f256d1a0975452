import { randomUUID } from 'node:crypto';
import { type TriggerFireInput, type TriggerFireResult, WORKFLOW_TYPES } from '@omniai/contracts';
import { TriggerStore, triggeredRunId } from '@omniai/store';
import { WorkflowFailedError } from '@temporalio/client';
import { GraphKit, REQUESTER } from '../graph-run/graph-test-kit';

// triggerFireWorkflow (D52) on the real dev server with the real worker: one fire creates one run (id derived from the
// fire's workflow id), records the trigger and its actor, runs the graph as a child and answers its output.

const ECHO = {
  schema: 'omni.graph/v1',
  name: 'Echo',
  input_schema: { type: 'object', required: ['n'], properties: { n: { type: 'number' } } },
  nodes: [{ id: 'done', kind: 'output', value: { got: '{{ input.n }}', by: 'trigger' } }],
  edges: [],
};

describe('triggerFireWorkflow', () => {
  let kit: GraphKit;
  beforeAll(async () => {
    kit = await GraphKit.start('trigger-fire');
  }, 240_000);
  afterAll(async () => kit?.stop());

  async function trigger(input: unknown) {
    const graph = await kit.saveGraph(ECHO);
    return new TriggerStore(kit.ds).create({
      id: randomUUID(),
      projectId: kit.projectId,
      name: 'every minute',
      kind: 'schedule',
      target: { kind: 'graph', graph_id: graph.graph_id, version: null, input: input as never },
      schedule: { cron: ['* * * * *'], intervals: [], calendars: [], timezone: 'UTC', jitter_ms: 0, start_at: null, end_at: null },
      policies: { overlap: 'skip', catchup_window_ms: 300_000, pause_on_failure: false },
      webhook: null,
      secretId: null,
      paused: false,
      createdBy: REQUESTER.id,
    });
  }

  const fire = (triggerId: string, workflowId: string) =>
    kit.env.client.workflow.execute<(i: TriggerFireInput) => Promise<TriggerFireResult>>(WORKFLOW_TYPES.triggerFire, {
      taskQueue: kit.taskQueue,
      workflowId,
      args: [{ trigger_id: triggerId, kind: 'schedule' }],
    });

  it('creates the run under the derived id, records the trigger and its actor, and answers the output', async () => {
    const t = await trigger({ n: 7 });
    const workflowId = `sched-${t.id}-2026-12-03T10:00:00Z`;
    const result = await fire(t.id, workflowId);
    const runId = triggeredRunId(workflowId);
    expect(result).toEqual({ run_id: runId, status: 'completed', output: { inline: { got: 7, by: 'trigger' } }, error: null });
    const run = await kit.runs.getRun(runId);
    expect(run).toMatchObject({ status: 'completed', trigger: { trigger_id: t.id, kind: 'schedule', fire_id: workflowId } });
    const [created] = await kit.events(runId);
    expect(created).toMatchObject({ kind: 'run_created', actor: { type: 'service', id: `schedule:${t.id}` } });
    expect(created!.payload).toMatchObject({ trigger: { trigger_id: t.id, kind: 'schedule' } });
    expect((await kit.runs.listTriggerRuns(t.id)).map((r) => r.id)).toEqual([runId]);
  });

  it('fails the fire, and creates no run, when the rendered input does not match the graph input schema', async () => {
    const t = await trigger({ n: 'not a number' });
    const workflowId = `sched-${t.id}-2026-12-03T11:00:00Z`;
    const failed = await fire(t.id, workflowId).catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(WorkflowFailedError);
    expect(String((failed as WorkflowFailedError).cause?.message)).toMatch(/input schema/);
    expect(await kit.runs.getRun(triggeredRunId(workflowId))).toBeNull();
  });

  it('starts nothing once the trigger is deleted', async () => {
    const t = await trigger({ n: 1 });
    await new TriggerStore(kit.ds).softDelete(t.id);
    const failed = await fire(t.id, `sched-${t.id}-x`).catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(WorkflowFailedError);
    expect(String((failed as WorkflowFailedError).cause?.message)).toMatch(/deleted/);
  });
});
