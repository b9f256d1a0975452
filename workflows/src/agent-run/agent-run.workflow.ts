import { isCancellation, patched, workflowInfo } from '@temporalio/workflow';
import type { AgentRunInput, AgentRunResult, RunEvent } from '@omniai/contracts';
import { RunLog } from '../run-log';
import { appender, generateReply, generateReplyKeepingPartial, toolActivities } from './activities';
import { AGENT, runCreator, SERVICE } from './actors';
import { listenForDecisions } from './approvals';
import { BudgetGuard } from './budget-guard';
import { endOnError } from './failures';
import { RejectedSignals } from './signal-payloads';
import { runToolStep } from './tool-step';

/** One chat turn: user message in, assistant message out, every step a RunEvent with a workflow-assigned seq. */
export async function agentRunWorkflow(input: AgentRunInput): Promise<AgentRunResult> {
  const log = new RunLog(input.run_id);
  const append = appender(input.run_id);
  const { runTool } = toolActivities();
  const started = Date.now();

  const created = log.event(
    'run_created',
    {
      project_id: input.project_id,
      thread_id: input.thread_id,
      pins: input.pins,
      retry_of: input.retry_of,
      ...(input.trigger ? { trigger: input.trigger } : {}),
    },
    runCreator(input),
  );
  const userMessage = log.event('user_message', { message_id: `${workflowInfo().workflowId}/user`, content: input.message }, input.requested_by, created);
  let messageId = `${workflowInfo().workflowId}/assistant`;
  try {
    await append(created, userMessage);
  } catch (err) {
    // Even the first events can be refused (E_EVENT_REJECTED): the run is recorded as failed rather than left queued.
    // A cancel this early ends the run as it always has (no new command for histories that saw one).
    if (isCancellation(err)) throw err;
    throw await endOnError(err, { input, log, append, messageId, userMessage });
  }

  // Versioning: runs started before 2026-12-02 took a signal's own fields as the decision (or resume); since then a
  // signal is a doorbell and the run reads what the API recorded (D37). Remove this patch once no such run can be
  // replayed (their histories in agent-run/histories/ are re-recorded).
  const doorbell = patched('approval-doorbell');
  const rejected = new RejectedSignals(doorbell);
  const budget = new BudgetGuard(input.budget, started, log, append, { doorbell, rejected });
  const approvals = listenForDecisions(doorbell, rejected);

  try {
    // Versioning: runs started before 2026-11-21 did not wait for the cancelled model call; remove this patch once no
    // such run can be replayed (their histories in agent-run/histories/ are re-recorded).
    const generate = patched('partial-output-on-cancel') ? generateReplyKeepingPartial : generateReply;
    let causedBy: RunEvent = userMessage;
    let callIndex = 0;
    for (let turn = 1; ; turn++) {
      // The first model call keeps the message id runs have always had; later calls (after tool results) get their own.
      if (turn > 1) messageId = `${workflowInfo().workflowId}/assistant/${turn}`;
      const currentId = messageId;
      await budget.checkBeforeStep(causedBy);
      const reply = await budget.withinWallTime(() => generate({ run_id: input.run_id, message_id: currentId, message: input.message, pins: input.pins }));
      const assistant = log.event(
        'assistant_message',
        {
          message_id: currentId,
          content: reply.content,
          model: reply.model,
          usage: reply.usage,
          ...(reply.cost_usd !== undefined ? { cost_usd: reply.cost_usd } : {}),
          finish_reason: reply.finish_reason,
        },
        AGENT,
        causedBy,
      );
      const unsaved = await budget.checkAfterReply(reply, assistant);
      const toolCalls = reply.tool_calls ?? [];
      if (toolCalls.length === 0) {
        const late = rejected.drain(log, assistant); // signals rejected while the run was not waiting for one
        const completed = log.event('run_completed', { duration_ms: Date.now() - started, usage: reply.usage }, SERVICE, assistant);
        await append(...unsaved, ...late, completed);
        return { status: 'completed', last_seq: log.lastSeq };
      }
      if (unsaved.length) await append(...unsaved);
      causedBy = assistant;
      for (const toolCall of toolCalls) {
        await budget.checkBeforeStep(causedBy);
        callIndex += 1;
        causedBy = await runToolStep({ input, log, append, approvals, runTool }, toolCall, assistant, `${input.run_id}.${callIndex}`);
      }
    }
  } catch (err) {
    throw await endOnError(err, { input, log, append, messageId, userMessage });
  }
}
