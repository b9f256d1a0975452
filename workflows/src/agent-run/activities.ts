import { ActivityCancellationType, proxyActivities, proxyLocalActivities, proxySinks, workflowInfo } from '@temporalio/workflow';
import type { RunEvent } from '@omniai/contracts';
import { toolTaskQueue } from '@omniai/workflow-api';
import type { RecordedDecisionActivities, RunActivities, RunLogSinks, RunToolActivities, ToolPrepActivities } from '../activity-interfaces';

// Appending events is on the hot path of every run: a local activity (no task-queue round trip), batched per step,
// retried until Postgres answers again (the run waits, it is not lost). Measured in bench/: docs/DECISIONS.md D12.
const { appendRunEvents } = proxyLocalActivities<RunActivities>({
  startToCloseTimeout: '15 seconds',
  localRetryThreshold: '10 seconds',
  retry: { initialInterval: '200 milliseconds', backoffCoefficient: 2, maximumInterval: '30 seconds' },
});

// The model call streams for a while: a regular activity that heartbeats, so cancellation reaches it promptly.
export const { generateReply } = proxyActivities<RunActivities>({
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '10 seconds',
  retry: { initialInterval: '1 second', maximumAttempts: 3, nonRetryableErrorTypes: ['ValidationError'] },
});

// Same activity, but a cancel waits for the activity to stop so that its partial reply comes back (see failures.ts).
export const { generateReply: generateReplyKeepingPartial } = proxyActivities<RunActivities>({
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '10 seconds',
  cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
  retry: { initialInterval: '1 second', maximumAttempts: 3, nonRetryableErrorTypes: ['ValidationError'] },
});

// Vetting a tool call reads Postgres only: a short regular activity on the runs queue.
export const { prepareToolCall } = proxyActivities<ToolPrepActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '500 milliseconds', maximumAttempts: 5 },
});

// Reading what the API recorded when a signal rings: a short read of Postgres on the runs queue.
export const { readApprovalDecision, readRunResume } = proxyActivities<RecordedDecisionActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '500 milliseconds', maximumInterval: '30 seconds' },
});

/**
 * Tool activities run on their own queue next to this one (`toolTaskQueue`: `<runs queue>-tools`); a dead
 * worker stops heartbeating and the call is retried, with the same idempotency key, on another.
 */
export const toolActivities = () =>
  proxyActivities<RunToolActivities>({
    taskQueue: toolTaskQueue(workflowInfo().taskQueue),
    startToCloseTimeout: '1 hour',
    heartbeatTimeout: '10 seconds',
    retry: { initialInterval: '1 second', maximumAttempts: 5 },
  });

const { runLog } = proxySinks<RunLogSinks>();

/** Records events: one local activity per batch, then the `runLog` sink (which `verify-run` replays through). */
export type Append = (...events: RunEvent[]) => Promise<void>;

export const appender =
  (runId: string): Append =>
  async (...events) => {
    await appendRunEvents({ run_id: runId, events });
    runLog.appended(events);
  };

// The same append as a regular activity (see `committedAppender`).
const { appendRunEvents: appendRunEventsCommitted } = proxyActivities<RunActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '200 milliseconds', backoffCoefficient: 2, maximumInterval: '30 seconds' },
});

/**
 * Records events through a regular activity: it is scheduled only when the workflow task that created the events
 * completes, so an event is never written from a workflow task that a worker crash then loses. A local activity
 * writes during the task: if the worker dies before the task completes, the task runs again with a later workflow
 * clock (and, with concurrent steps, completions in another order), and Postgres keeps the lost task's version of
 * the events while history holds the new one (found by verify-run after a SIGKILL, D55). Worth a task-queue round
 * trip per append where steps take seconds anyway (research runs).
 */
export const committedAppender =
  (runId: string): Append =>
  async (...events) => {
    await appendRunEventsCommitted({ run_id: runId, events });
    runLog.appended(events);
  };
