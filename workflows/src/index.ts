// Everything exported here is registered as a workflow by the worker (Temporal's bundler entry point).
export { agentRunWorkflow } from './agent-run/agent-run.workflow';
export { graphRunWorkflow } from './graph-run/graph-run.workflow';
export { graphMapBatchWorkflow, graphMapWorkflow } from './graph-run/map.workflow';
export { mcpCheckWorkflow } from './mcp-check/mcp-check.workflow';
export { notifyRunEndedWorkflow } from './notify-run-ended/notify-run-ended.workflow';
export { researchSearchWorkflow, researchWorkflow } from './research/research.workflow';
export { systemCheckWorkflow } from './system-check.workflow';
export { triggerFireWorkflow } from './trigger-fire/trigger-fire.workflow';
export type {
  ChildRunRow,
  GraphActivities,
  McpCheckActivities,
  OutgoingActivities,
  RecordedDecisionActivities,
  ResearchActivities,
  ResearchPromptInput,
  RunActivities,
  RunLogSinks,
  RunToolActivities,
  StoredNodeValue,
  SystemCheckActivities,
  ToolPrepActivities,
  TriggerActivities,
} from './activity-interfaces';
