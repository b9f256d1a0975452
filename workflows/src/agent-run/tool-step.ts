import { patched } from '@temporalio/workflow';
import type { AgentRunInput, ModelReply, RunEvent, RunPins } from '@omniai/contracts';
import type { RunToolActivities } from '../activity-interfaces';
import type { RunLog } from '../run-log';
import { type Append, prepareToolCall } from './activities';
import { AGENT, SERVICE } from './actors';
import { type ApprovalBook, approvalDecided, approvalRequested, refusal, waitForDecision } from './approvals';

export type ToolCall = NonNullable<ModelReply['tool_calls']>[number];

/** What a tool step needs from its run. */
export interface ToolStepContext {
  /** The run's identity and pinned tools (a chat run's input, or a graph run's). */
  input: Pick<AgentRunInput, 'run_id' | 'project_id' | 'requested_by'> & { pins: Pick<RunPins, 'tools'> };
  log: RunLog;
  append: Append;
  approvals: ApprovalBook;
  runTool: RunToolActivities['runTool'];
}

/** One tool call: vet it, record it, ask a reviewer when the policy says so, run it, record the outcome (returned). */
export async function runToolStep(run: ToolStepContext, toolCall: ToolCall, assistant: RunEvent, approvalId: string): Promise<RunEvent> {
  const { input, log, append } = run;
  const prepared = await prepareToolCall({
    run_id: input.run_id,
    project_id: input.project_id,
    call: { id: toolCall.id, tool_id: toolCall.tool_id, arguments: toolCall.arguments },
    tools: input.pins.tools ?? [],
    requested_by: input.requested_by,
  });
  const callEvent = log.event(
    'tool_call',
    {
      call_id: prepared.call_id,
      tool_id: prepared.tool_id,
      tool_version: prepared.tool_version,
      manifest_hash: prepared.manifest_hash,
      arguments: prepared.arguments,
    },
    AGENT,
    assistant,
  );
  const toolError = (code: string, message: string, cause: RunEvent) => log.event('tool_error', { call_id: prepared.call_id, code, message }, SERVICE, cause);
  if (prepared.invalid) {
    const error = toolError(prepared.invalid.code, prepared.invalid.message, callEvent);
    await append(callEvent, error);
    return error;
  }
  const denied = (message: string, reasonCode: string, cause: RunEvent) => {
    const notice = log.event(
      'system_event',
      { type: 'policy_denied', message, data: { call_id: prepared.call_id, tool_id: prepared.tool_id, reason_code: reasonCode } },
      SERVICE,
      cause,
    );
    return [notice, toolError('E_POLICY_DENIED', message, notice)] as const;
  };
  if (prepared.decision.decision === 'deny') {
    const [notice, error] = denied(`${prepared.tool_id} was denied: ${prepared.decision.reason}`, prepared.decision.reason_code, callEvent);
    await append(callEvent, notice, error);
    return error;
  }
  let approved = false;
  if (prepared.decision.decision === 'require_approval') {
    const requested = log.event('system_event', approvalRequested(prepared, approvalId, input.requested_by, Date.now()), SERVICE, callEvent);
    run.approvals.expect(approvalId, prepared.arguments_hash);
    await append(callEvent, requested);
    const { status, decision } = await waitForDecision(run.approvals, approvalId, prepared.approval_timeout_s, () =>
      run.approvals.rejected.record(log, append, requested),
    );
    const decided = log.event(
      'system_event',
      approvalDecided(approvalId, status, decision, prepared.approval_timeout_s),
      decision?.decided_by ?? SERVICE,
      requested,
    );
    if (status !== 'approved') {
      const why = refusal(status, prepared.tool_id, decision);
      const [notice, error] = denied(why.message, why.reasonCode, decided);
      await append(decided, notice, error);
      return error;
    }
    await append(decided);
    approved = true;
  } else {
    await append(callEvent);
  }
  // Versioning: runs started before 2026-12-02 keyed a tool call by the model's call_id, which a model may repeat
  // (the second call was then skipped as a retry of the first). Remove once no such run can be replayed (their
  // histories in agent-run/histories/ are re-recorded).
  const keyedBySeq = patched('tool-key-from-event-seq');
  const outcome = await run.runTool({
    run_id: input.run_id,
    project_id: input.project_id,
    call_id: prepared.call_id,
    ...(keyedBySeq ? { call_seq: callEvent.seq } : {}),
    tool_id: prepared.tool_id,
    tool_version: prepared.tool_version,
    arguments: prepared.arguments,
    approved,
    requested_by: input.requested_by,
  });
  const done = outcome.ok
    ? log.event('tool_result', { call_id: prepared.call_id, result: outcome.result, duration_ms: outcome.duration_ms }, SERVICE, callEvent)
    : toolError(outcome.code, outcome.message, callEvent);
  await append(done);
  return done;
}
