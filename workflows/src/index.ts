// Everything exported here is registered as a workflow by the worker (Temporal's bundler entry point).
export { agentRunWorkflow } from './agent-run/agent-run.workflow';
export { systemCheckWorkflow } from './system-check.workflow';
export type {
  RecordedDecisionActivities,
  RunActivities,
  RunLogSinks,
  RunToolActivities,
  SystemCheckActivities,
  ToolPrepActivities,
} from './activity-interfaces';
