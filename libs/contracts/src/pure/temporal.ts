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
} as const;

/** The workflow id of a run's `agentRunWorkflow` (durable API: the store records it, the API signals it). */
export const agentRunWorkflowId = (runId: string) => `run-${runId}`;
