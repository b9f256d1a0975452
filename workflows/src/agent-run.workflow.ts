import {
  ActivityCancellationType,
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  CancelledFailure,
  condition,
  isCancellation,
  patched,
  proxyActivities,
  proxyLocalActivities,
  proxySinks,
  setHandler,
  sleep,
  workflowInfo,
} from '@temporalio/workflow';
import type {
  Actor,
  AgentRunInput,
  AgentRunResult,
  ApprovalDecisionSignal,
  ErrorCode,
  MessageContent,
  ModelReply as ModelReplyT,
  ResumeRunSignal,
  RunBudget,
  RunEvent,
  TokenUsage,
} from '@omniai/contracts';
import { approvalDecisionSignal, resumeRunSignal, toolTaskQueue } from '@omniai/workflow-api';
import type { RunActivities, RunLogSinks, RunToolActivities, ToolPrepActivities } from './activity-interfaces';
import { RunLog } from './run-log';

// Appending events is on the hot path of every run: a local activity (no task-queue round trip), batched per step,
// retried until Postgres answers again (the run waits, it is not lost). Measured in bench/: docs/DECISIONS.md D12.
const { appendRunEvents } = proxyLocalActivities<RunActivities>({
  startToCloseTimeout: '15 seconds',
  localRetryThreshold: '10 seconds',
  retry: { initialInterval: '200 milliseconds', backoffCoefficient: 2, maximumInterval: '30 seconds' },
});

// The model call streams for a while: a regular activity that heartbeats, so cancellation reaches it promptly.
const { generateReply } = proxyActivities<RunActivities>({
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '10 seconds',
  retry: { initialInterval: '1 second', maximumAttempts: 3, nonRetryableErrorTypes: ['ValidationError'] },
});

// Same activity, but a cancel waits for the activity to stop so that its partial reply comes back (see below).
const { generateReply: generateReplyKeepingPartial } = proxyActivities<RunActivities>({
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '10 seconds',
  cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
  retry: { initialInterval: '1 second', maximumAttempts: 3, nonRetryableErrorTypes: ['ValidationError'] },
});

// Vetting a tool call reads Postgres only: a short regular activity on the runs queue.
const { prepareToolCall } = proxyActivities<ToolPrepActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '500 milliseconds', maximumAttempts: 5 },
});

const { runLog } = proxySinks<RunLogSinks>();

const PROVIDER_CODES: ReadonlySet<string> = new Set<ErrorCode>([
  'E_PROVIDER_AUTH',
  'E_PROVIDER_RATE_LIMITED',
  'E_PROVIDER_UNAVAILABLE',
  'E_PROVIDER_TIMEOUT',
  'E_PROVIDER_MODEL_NOT_FOUND',
  'E_PROVIDER_BAD_REQUEST',
  'E_PROVIDER_STREAM_INTERRUPTED',
]);

const BUDGET_EXCEEDED = 'BudgetExceeded';

/** Model and tool calls a run may make when its budget sets no steps limit. */
const DEFAULT_MAX_STEPS = 50;

type BudgetLimit = 'tokens' | 'cost' | 'wall_time' | 'steps';
interface Overrun {
  limit: BudgetLimit;
  max: number;
  used: number;
}

const LIMIT_FIELD: Record<BudgetLimit, keyof RunBudget> = { tokens: 'max_tokens', cost: 'max_cost_usd', wall_time: 'max_wall_ms', steps: 'max_steps' };

const AGENT: Actor = { type: 'agent', id: 'omni-agent' };
const SERVICE: Actor = { type: 'service', id: 'omni-worker' };

/** One chat turn: user message in, assistant message out, every step a RunEvent with a workflow-assigned seq. */
export async function agentRunWorkflow(input: AgentRunInput): Promise<AgentRunResult> {
  const log = new RunLog(input.run_id);
  // Tool activities run on their own queue next to this one (contracts' toolTaskQueue: `<runs queue>-tools`); a
  // dead worker stops heartbeating and the call is retried, with the same idempotency key, on another.
  const { runTool } = proxyActivities<RunToolActivities>({
    taskQueue: toolTaskQueue(workflowInfo().taskQueue),
    startToCloseTimeout: '1 hour',
    heartbeatTimeout: '10 seconds',
    retry: { initialInterval: '1 second', maximumAttempts: 5 },
  });
  const started = Date.now();
  const append = async (...events: RunEvent[]) => {
    await appendRunEvents({ run_id: input.run_id, events });
    runLog.appended(events);
  };

  const created = log.event(
    'run_created',
    { project_id: input.project_id, thread_id: input.thread_id, pins: input.pins, retry_of: input.retry_of },
    SERVICE,
  );
  const userMessage = log.event('user_message', { message_id: `${workflowInfo().workflowId}/user`, content: input.message }, input.requested_by, created);
  await append(created, userMessage);

  // The budget can change while the run is paused (an operator resumes it with new limits).
  let budget: RunBudget = input.budget ?? {};
  const pausing = () => budget.on_exceed === 'pause';
  let pausedMs = 0; // time spent paused does not count against the wall-time budget
  const wallUsed = () => Date.now() - started - pausedMs;
  const usage = { tokens: 0, cost: 0, steps: 0 };
  const describe = ({ limit, max, used }: Overrun) => `The run's ${limit.replace('_', ' ')} budget (${max}) was exceeded (${used}).`;

  /** The first limit the run is over (`nextStep`: also whether one more step would exceed the steps limit). */
  const overrun = (nextStep: boolean): Overrun | null => {
    if (budget.max_tokens && usage.tokens > budget.max_tokens) return { limit: 'tokens', max: budget.max_tokens, used: usage.tokens };
    if (budget.max_cost_usd && usage.cost > budget.max_cost_usd) return { limit: 'cost', max: budget.max_cost_usd, used: usage.cost };
    if (budget.max_wall_ms && wallUsed() > budget.max_wall_ms) return { limit: 'wall_time', max: budget.max_wall_ms, used: wallUsed() };
    // Without a steps budget, a safety cap still stops a model that keeps calling tools forever.
    const maxSteps = budget.max_steps ?? DEFAULT_MAX_STEPS;
    if (nextStep && usage.steps + 1 > maxSteps) return { limit: 'steps', max: maxSteps, used: usage.steps + 1 };
    return null;
  };

  const overBudget = async (limit: BudgetLimit, max: number, used: number, causedBy?: RunEvent) => {
    const notice = log.event('system_event', { type: 'budget_exceeded', message: describe({ limit, max, used }), data: { limit, max, used } }, SERVICE, causedBy);
    await append(notice, log.event('run_failed', { code: 'E_BUDGET_EXCEEDED', message: `${limit.replace('_', ' ')} budget exceeded` }, SERVICE, notice));
    // The run ends as failed in Temporal too; the catch below passes this through untouched.
    return ApplicationFailure.nonRetryable(`run stopped: ${limit} budget exceeded`, BUDGET_EXCEEDED);
  };

  // Pausing: record why, wait for an operator's resume signal (a cancel ends the wait), record who resumed and how.
  let resumeRequest: ResumeRunSignal | null = null;
  let paused = false;
  setHandler(resumeRunSignal, (request) => {
    if (paused) resumeRequest = request; // a resume for a run that is not paused has nothing to do
  });
  const pauseOn = async (over: Overrun, causedBy?: RunEvent, pending: RunEvent[] = []) => {
    const notice = log.event('system_event', { type: 'budget_exceeded', message: describe(over), data: { ...over, action: 'pause' } }, SERVICE, causedBy);
    const pausedEvent = log.event('system_event', { type: 'paused', message: 'Paused until an operator resumes the run with a new budget, or cancels it.', data: { limit: over.limit } }, SERVICE, notice);
    await append(...pending, notice, pausedEvent);
    const since = Date.now();
    paused = true;
    resumeRequest = null;
    await condition(() => resumeRequest !== null);
    paused = false;
    pausedMs += Date.now() - since;
    const request = resumeRequest as ResumeRunSignal | null;
    if (!request) throw new Error('unreachable: resumed without a request');
    // Without a new budget, the limit that paused the run is lifted; the others stay.
    budget = request.budget ?? Object.fromEntries(Object.entries(budget).filter(([k]) => k !== LIMIT_FIELD[over.limit]));
    const who = request.resumed_by;
    await append(
      log.event(
        'system_event',
        { type: 'resumed', message: `Resumed by ${who.id}${request.reason ? `: ${request.reason}` : '.'}`, data: { budget, paused_ms: Date.now() - since } },
        who,
        pausedEvent,
      ),
    );
  };

  /** Holds the run while it is over budget and pausing is configured (pending events are appended first). */
  const holdWhileOver = async (nextStep: boolean, causedBy?: RunEvent, pending: RunEvent[] = []): Promise<RunEvent[]> => {
    let over = pausing() ? overrun(nextStep) : null;
    while (over) {
      await pauseOn(over, causedBy, pending);
      pending = [];
      over = pausing() ? overrun(nextStep) : null;
    }
    return pending;
  };

  /** One tool call: vet it, record it, ask a reviewer when the policy says so, run it, record the outcome. */
  const runToolCall = async (toolCall: NonNullable<ModelReplyT['tool_calls']>[number], assistant: RunEvent, approvalId: string): Promise<RunEvent> => {
    const prepared = await prepareToolCall({
      run_id: input.run_id,
      project_id: input.project_id,
      call: { id: toolCall.id, tool_id: toolCall.tool_id, arguments: toolCall.arguments },
      tools: input.pins.tools ?? [],
      requested_by: input.requested_by,
    });
    const callEvent = log.event(
      'tool_call',
      { call_id: prepared.call_id, tool_id: prepared.tool_id, tool_version: prepared.tool_version, manifest_hash: prepared.manifest_hash, arguments: prepared.arguments },
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
      const requested = log.event(
        'system_event',
        {
          type: 'approval_requested',
          message: `${prepared.tool_id} waits for a reviewer: ${prepared.decision.reason}`,
          data: {
            approval_id: approvalId,
            call_id: prepared.call_id,
            tool_id: prepared.tool_id,
            tool_version: prepared.tool_version,
            manifest_hash: prepared.manifest_hash,
            arguments_hash: prepared.arguments_hash,
            arguments_redacted: prepared.arguments_redacted,
            risk: prepared.risk,
            reason_code: prepared.decision.reason_code,
            requested_by: input.requested_by,
            expires_at: new Date(Date.now() + prepared.approval_timeout_s * 1000).toISOString(),
          },
        },
        SERVICE,
        callEvent,
      );
      awaiting.set(approvalId, prepared.arguments_hash);
      await append(callEvent, requested);
      // Deny on timeout: a call nobody approved never runs.
      const answered = await condition(() => decisions.has(approvalId), prepared.approval_timeout_s * 1000);
      awaiting.delete(approvalId);
      const d = decisions.get(approvalId);
      const status = !answered || !d ? 'expired' : d.decision === 'approve' ? 'approved' : 'denied';
      const decided = log.event(
        'system_event',
        {
          type: 'approval_decided',
          message:
            status === 'approved'
              ? `Approved by ${d!.decided_by.id}${d!.reason ? `: ${d!.reason}` : '.'}`
              : status === 'denied'
                ? `Denied by ${d!.decided_by.id}${d!.reason ? `: ${d!.reason}` : '.'}`
                : `Nobody decided within ${prepared.approval_timeout_s} s: denied.`,
          data: { approval_id: approvalId, status, decided_by: d?.decided_by.id ?? null, reason: d?.reason ?? null },
        },
        d?.decided_by ?? SERVICE,
        requested,
      );
      if (status !== 'approved') {
        const [notice, error] = denied(
          status === 'denied' ? `A reviewer denied ${prepared.tool_id}${d?.reason ? `: ${d.reason}` : '.'}` : `${prepared.tool_id} was not approved in time.`,
          status === 'denied' ? 'approval_denied' : 'approval_timeout',
          decided,
        );
        await append(decided, notice, error);
        return error;
      }
      await append(decided);
      approved = true;
    } else {
      await append(callEvent);
    }
    const outcome = await runTool({
      run_id: input.run_id,
      project_id: input.project_id,
      call_id: prepared.call_id,
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
  };

  // Approvals: the first decision per approval wins; a decision for other arguments than the call's is ignored (the
  // API refuses it before it gets here).
  const awaiting = new Map<string, string>(); // approval id → arguments hash
  const decisions = new Map<string, ApprovalDecisionSignal>();
  setHandler(approvalDecisionSignal, (d) => {
    if (awaiting.get(d.approval_id) === d.arguments_hash && !decisions.has(d.approval_id)) decisions.set(d.approval_id, d);
  });

  let messageId = `${workflowInfo().workflowId}/assistant`;
  try {
    // Versioning: runs started before 2026-11-21 did not wait for the cancelled model call; remove this patch once no
    // such run can be replayed (their histories in workflows/histories/ are re-recorded).
    const generate = patched('partial-output-on-cancel') ? generateReplyKeepingPartial : generateReply;
    let causedBy: RunEvent = userMessage;
    let callIndex = 0;
    for (let turn = 1; ; turn++) {
      // The first model call keeps the message id runs have always had; later calls (after tool results) get their own.
      if (turn > 1) messageId = `${workflowInfo().workflowId}/assistant/${turn}`;
      const currentId = messageId;
      const call = () => generate({ run_id: input.run_id, message_id: currentId, message: input.message, pins: input.pins });
      await holdWhileOver(true, causedBy);
      const before = overrun(true);
      if (before) throw await overBudget(before.limit, before.max, before.used, causedBy);
      usage.steps += 1;
      // When the run ends on an exhausted wall-time budget, the budget races the model call against a durable timer
      // (without one, no timer is created at all); when it pauses instead, the step in flight finishes first.
      let reply: Awaited<ReturnType<typeof call>>;
      if (budget.max_wall_ms && !pausing()) {
        const remaining = Math.max(0, budget.max_wall_ms - wallUsed());
        const scope = new CancellationScope();
        const pending = scope.run(call);
        const outcome = await Promise.race([pending.then((r) => ({ r })), sleep(remaining).then(() => null)]);
        if (!outcome) {
          scope.cancel();
          await pending.catch(() => undefined);
          throw await overBudget('wall_time', budget.max_wall_ms, wallUsed());
        }
        reply = outcome.r;
      } else {
        reply = await call();
      }
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
      usage.tokens += reply.usage.input_tokens + reply.usage.output_tokens;
      usage.cost += reply.cost_usd ?? 0;
      const unsaved = await holdWhileOver(false, assistant, [assistant]);
      const after = overrun(false);
      if (after && after.limit !== 'wall_time') {
        if (unsaved.length) await append(...unsaved);
        throw await overBudget(after.limit, after.max, after.used, assistant);
      }
      const toolCalls = reply.tool_calls ?? [];
      if (toolCalls.length === 0) {
        const completed = log.event('run_completed', { duration_ms: Date.now() - started, usage: reply.usage }, SERVICE, assistant);
        await append(...unsaved, completed);
        return { status: 'completed', last_seq: log.lastSeq };
      }
      if (unsaved.length) await append(...unsaved);
      causedBy = assistant;
      for (const toolCall of toolCalls) {
        await holdWhileOver(true, causedBy);
        const over = overrun(true);
        if (over) throw await overBudget(over.limit, over.max, over.used, causedBy);
        usage.steps += 1;
        callIndex += 1;
        causedBy = await runToolCall(toolCall, assistant, `${input.run_id}.${callIndex}`);
      }
    }
  } catch (err) {
    if (err instanceof ApplicationFailure && err.type === BUDGET_EXCEEDED) throw err;
    if (isCancellation(err)) {
      // Keep what the model had said when the cancel arrived, marked as cancelled, as exactly one message.
      const details = err instanceof ActivityFailure && err.cause instanceof CancelledFailure ? err.cause.details : [];
      const partial = details[0] as { content: MessageContent; usage: TokenUsage } | null | undefined;
      await CancellationScope.nonCancellable(async () => {
        const events: RunEvent[] = [];
        if (partial) {
          events.push(
            log.event(
              'assistant_message',
              { message_id: messageId, content: partial.content, model: input.pins.model, usage: partial.usage, finish_reason: 'cancelled' },
              AGENT,
              userMessage,
            ),
          );
        }
        events.push(log.event('run_cancelled', { reason: 'cancelled by request', partial_output: partial != null }, SERVICE));
        await append(...events);
      });
      throw err;
    }
    // Provider failures arrive as ApplicationFailures typed with their E_PROVIDER_* code and a user-safe message.
    const cause = err instanceof ActivityFailure ? err.cause : err;
    const code = cause instanceof ApplicationFailure && cause.type && PROVIDER_CODES.has(cause.type) ? (cause.type as ErrorCode) : 'E_PROVIDER_UNAVAILABLE';
    const message = cause instanceof Error ? cause.message : String(cause);
    await append(log.event('run_failed', { code, message: message.slice(0, 500) }, SERVICE));
    throw ApplicationFailure.nonRetryable(`run failed: ${message.slice(0, 200)}`, 'RunFailed');
  }
}
