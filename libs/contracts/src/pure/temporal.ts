/**
 * Task queues are durable API: workers and the API meet on these names, and renaming one strands running work.
 */
export const TASK_QUEUES = {
  /** Workflows and the activities that need Postgres or Docker. */
  runs: 'omni-runs',
} as const;

/** Tool activities run on their own task queue, next to the runs queue they serve. */
export const toolTaskQueue = (runsQueue: string) => `${runsQueue}-tools`;

/** Workflow type names: durable API, used by the API to start workflows without importing their code. */
export const WORKFLOW_TYPES = {
  agentRun: 'agentRunWorkflow',
  systemCheck: 'systemCheckWorkflow',
  graphRun: 'graphRunWorkflow',
  triggerFire: 'triggerFireWorkflow',
  notifyRunEnded: 'notifyRunEndedWorkflow',
  researchRun: 'researchWorkflow',
  mcpCheck: 'mcpCheckWorkflow',
} as const;

/** The workflow id of a run's `agentRunWorkflow` (durable API: the store records it, the API signals it). */
export const agentRunWorkflowId = (runId: string) => `run-${runId}`;

/** The Temporal Schedule id of an MCP server's periodic check (durable API: Temporal owns the schedule under this id). */
export const mcpCheckScheduleId = (serverId: string) => `mcp-check-${serverId}`;

/** The Temporal Schedule id of a schedule trigger (durable API: Temporal owns the schedule under this id). */
export const triggerScheduleId = (triggerId: string) => `trigger-${triggerId}`;

/** The workflow id a schedule's action starts; Temporal appends the fire time (`<id>-<RFC 3339 time>`) per fire. */
export const scheduleFireWorkflowIdPrefix = (triggerId: string) => `sched-${triggerId}`;

/**
 * The workflow id of one outgoing notification (durable API): one per hook and run, so a run's end is reported to
 * each hook once however often it is dispatched.
 */
export const notifyRunEndedWorkflowId = (hookId: string, runId: string) => `notify-${hookId}-${runId}`;

/** The actor recorded for a run a trigger started: `{ type: 'service', id: 'schedule:<id>' | 'webhook:<id>' }`. */
export function triggerActor(trigger: { kind: 'schedule' | 'webhook'; trigger_id: string }): { type: 'service'; id: string } {
  return { type: 'service', id: `${trigger.kind}:${trigger.trigger_id}` };
}
