// The Temporal contract of the workflows: message definitions, workflow type names, task queues and start helpers.
// The workflow sets its handlers with these objects and the API sends these same objects (never a name as a string).
// Imported by the workflow bundle too, so it holds no zod: values come from `@omniai/contracts/pure`, the rest are types.
import type {
  AgentRunInput,
  AgentRunResult,
  ApprovalDecisionSignal,
  GraphRunInput,
  GraphRunResult,
  McpCheckInput,
  McpCheckResult,
  NotifyRunEndedInput,
  NotifyRunEndedResult,
  ResearchRunInput,
  ResearchRunResult,
  ResumeRunSignal,
  TriggerFireInput,
  TriggerFireResult,
} from '@omniai/contracts';
import { agentRunWorkflowId, notifyRunEndedWorkflowId, WORKFLOW_TYPES } from '@omniai/contracts/pure';
import { defineSignal } from '@temporalio/workflow';

export { agentRunWorkflowId, mcpCheckScheduleId, notifyRunEndedWorkflowId, TASK_QUEUES, toolTaskQueue, WORKFLOW_TYPES } from '@omniai/contracts/pure';

// Message names are durable API: renaming one strands the runs waiting for it.

/** A reviewer decided an approval; the workflow's first decision per approval wins. */
export const approvalDecisionSignal = defineSignal<[ApprovalDecisionSignal]>('approvalDecision');

/** An operator continues a paused run (optionally with a new budget). */
export const resumeRunSignal = defineSignal<[ResumeRunSignal]>('resumeRun');

/** The signature of `agentRunWorkflow` (one chat turn), for typed starts without importing workflow code. */
export type AgentRunWorkflow = (input: AgentRunInput) => Promise<AgentRunResult>;

/**
 * Arguments of `client.workflow.start` for a run's `agentRunWorkflow`: its type name, the run's workflow id
 * (`run-<runId>`) and the typed input, on the given task queue.
 */
export function agentRunStart(input: AgentRunInput, taskQueue: string) {
  return [WORKFLOW_TYPES.agentRun, { taskQueue, workflowId: agentRunWorkflowId(input.run_id), args: [input] as [AgentRunInput] }] as const;
}

/** The signature of `graphRunWorkflow` (one run of a pinned graph version), for typed starts. */
export type GraphRunWorkflow = (input: GraphRunInput) => Promise<GraphRunResult>;

/**
 * Arguments of `client.workflow.start` for a graph run: `graphRunWorkflow` under the same workflow id scheme as every
 * run (`run-<runId>`), so signals, cancel and the Temporal UI link work the same for chat and graph runs.
 */
export function graphRunStart(input: GraphRunInput, taskQueue: string) {
  return [WORKFLOW_TYPES.graphRun, { taskQueue, workflowId: agentRunWorkflowId(input.run_id), args: [input] as [GraphRunInput] }] as const;
}

/** The signature of `researchWorkflow` (a research run, docs/RESEARCH.md), for typed starts. */
export type ResearchWorkflow = (input: ResearchRunInput) => Promise<ResearchRunResult>;

/** Arguments of `client.workflow.start` for a research run: `researchWorkflow` under the run's workflow id (`run-<runId>`). */
export function researchRunStart(input: ResearchRunInput, taskQueue: string) {
  return [WORKFLOW_TYPES.researchRun, { taskQueue, workflowId: agentRunWorkflowId(input.run_id), args: [input] as [ResearchRunInput] }] as const;
}

/** The signature of `triggerFireWorkflow` (one fire of a schedule or webhook), for typed starts. */
export type TriggerFireWorkflow = (input: TriggerFireInput) => Promise<TriggerFireResult>;

/**
 * Arguments of `client.workflow.start` for one webhook delivery's `triggerFireWorkflow`: the workflow id names the
 * delivery (`hook-<triggerId>-<hash of webhook-id>`), so a redelivery finds the same workflow (USE_EXISTING while it
 * runs, REJECT_DUPLICATE once it ended) and starts nothing new.
 */
export function triggerFireStart(input: TriggerFireInput, workflowId: string, taskQueue: string) {
  return [
    WORKFLOW_TYPES.triggerFire,
    { taskQueue, workflowId, args: [input] as [TriggerFireInput], workflowIdConflictPolicy: 'USE_EXISTING', workflowIdReusePolicy: 'REJECT_DUPLICATE' },
  ] as const;
}

/** The signature of `notifyRunEndedWorkflow` (one run's end told to one outgoing hook), for typed starts. */
export type NotifyRunEndedWorkflow = (input: NotifyRunEndedInput) => Promise<NotifyRunEndedResult>;

/**
 * Arguments of `client.workflow.start` for one outgoing notification: the workflow id names the hook and the run
 * (`notify-<hookId>-<runId>`), so dispatching again (an append retried) finds the same workflow (USE_EXISTING while it
 * runs, REJECT_DUPLICATE once it ended) and starts nothing new.
 */
export function notifyRunEndedStart(input: NotifyRunEndedInput, taskQueue: string) {
  return [
    WORKFLOW_TYPES.notifyRunEnded,
    {
      taskQueue,
      workflowId: notifyRunEndedWorkflowId(input.hook_id, input.run_id),
      args: [input] as [NotifyRunEndedInput],
      workflowIdConflictPolicy: 'USE_EXISTING',
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
    },
  ] as const;
}

/** The signature of `mcpCheckWorkflow` (connect to an MCP server, list it, flag drift: docs/MCP.md), for typed starts. */
export type McpCheckWorkflow = (input: McpCheckInput) => Promise<McpCheckResult>;

/** Arguments of `client.workflow.start` for one check of an MCP server, under `workflowId` (unique per check). */
export function mcpCheckStart(input: McpCheckInput, taskQueue: string, workflowId: string) {
  return [WORKFLOW_TYPES.mcpCheck, { taskQueue, workflowId, args: [input] as [McpCheckInput] }] as const;
}
