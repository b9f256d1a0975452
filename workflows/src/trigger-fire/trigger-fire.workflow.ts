import type { AgentRunInput, AgentRunResult, GraphRunInput, GraphRunResult, TriggerFireInput, TriggerFireResult } from '@omniai/contracts';
import { agentRunWorkflowId, WORKFLOW_TYPES } from '@omniai/contracts/pure';
import { ActivityFailure, ApplicationFailure, executeChild, ParentClosePolicy, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { TriggerActivities } from '../activity-interfaces';

const { prepareTriggeredRun } = proxyActivities<TriggerActivities>({
  startToCloseTimeout: '1 minute',
  // A refusal (graph deleted, input invalid) is final; anything else (Postgres briefly away) is retried.
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds', maximumAttempts: 20, nonRetryableErrorTypes: ['TriggerFireRefused'] },
});

/** The error type a fire fails with when its run did not complete (what a schedule's "pause on failure" reacts to). */
export const TRIGGERED_RUN_FAILED = 'TriggeredRunFailed';

/**
 * One fire of a trigger (docs/TRIGGERS.md): a schedule's action, or an accepted webhook delivery. It creates the run
 * (id derived from this workflow's id, so a retry or a webhook the API already prepared finds the same row) and runs
 * its `graphRunWorkflow` / `agentRunWorkflow` as a child under the usual `run-<runId>` id. The fire lasts as long as
 * the run: a schedule's overlap policy sees the run, cancelling the fire cancels the run, and a run that does not
 * complete fails the fire (so "pause on failure" pauses the schedule).
 */
export async function triggerFireWorkflow(input: TriggerFireInput): Promise<TriggerFireResult> {
  const info = workflowInfo();
  let prepared: Awaited<ReturnType<TriggerActivities['prepareTriggeredRun']>>;
  try {
    prepared = await prepareTriggeredRun({
      trigger_id: input.trigger_id,
      workflow_id: info.workflowId,
      fire_id: input.webhook_id ?? info.workflowId,
      ...(input.payload ? { payload: input.payload } : {}),
      fired_at: info.startTime.toISOString(),
    });
  } catch (err) {
    const cause = err instanceof ActivityFailure && err.cause instanceof ApplicationFailure ? err.cause : null;
    if (cause?.type === 'TriggerFireRefused') {
      // Nothing started: the fire fails with the reason, so the schedule's recent actions and pause-on-failure see it.
      throw ApplicationFailure.nonRetryable(cause.message, TRIGGERED_RUN_FAILED, { run_id: null, code: cause.details?.[0] ?? 'E_CONFLICT' });
    }
    throw err;
  }
  const runId = prepared.run_id;
  const child = { workflowId: agentRunWorkflowId(runId), parentClosePolicy: ParentClosePolicy.REQUEST_CANCEL } as const;
  let status: TriggerFireResult['status'];
  let output: TriggerFireResult['output'] = null;
  if (prepared.kind === 'graph') {
    const result = await executeChild<(i: GraphRunInput) => Promise<GraphRunResult>>(WORKFLOW_TYPES.graphRun, { ...child, args: [prepared.graph] });
    status = result.status;
    output = result.output;
  } else {
    const result = await executeChild<(i: AgentRunInput) => Promise<AgentRunResult>>(WORKFLOW_TYPES.agentRun, { ...child, args: [prepared.agent] });
    status = result.status;
  }
  if (status === 'failed') throw ApplicationFailure.nonRetryable(`Run ${runId} failed.`, TRIGGERED_RUN_FAILED, { run_id: runId });
  return { run_id: runId, status, output, error: null };
}
