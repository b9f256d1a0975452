import { Injectable } from '@nestjs/common';
import type { AgentRunInput, ApprovalDecisionSignal, GraphRunInput, ResearchRunInput, ResumeRunSignal } from '@omniai/contracts';
import {
  type AgentRunWorkflow,
  agentRunStart,
  approvalDecisionSignal,
  type GraphRunWorkflow,
  graphRunStart,
  type ResearchWorkflow,
  researchRunStart,
  resumeRunSignal,
} from '@omniai/workflow-api';
import { AppConfig } from '../config/app-config';
import { TemporalService } from './temporal.service';

/**
 * The API's one way to talk to run workflows: typed starts and the shared message definitions of
 * `@omniai/workflow-api` (the objects the workflow sets its handlers with), never a workflow or signal name as a string.
 * Temporal's errors (`WorkflowNotFoundError`, connection failures) pass through to the caller.
 */
@Injectable()
export class RunWorkflows {
  constructor(
    private readonly temporal: TemporalService,
    private readonly config: AppConfig,
  ) {}

  /** Starts the run's `agentRunWorkflow` (workflow id `run-<runId>`) on the configured task queue. */
  async startAgentRun(input: AgentRunInput): Promise<void> {
    await this.temporal.client.workflow.start<AgentRunWorkflow>(...agentRunStart(input, this.config.taskQueue));
  }

  /** Starts a graph run's `graphRunWorkflow` (workflow id `run-<runId>`) on the same task queue as chat runs. */
  async startGraphRun(input: GraphRunInput): Promise<void> {
    await this.temporal.client.workflow.start<GraphRunWorkflow>(...graphRunStart(input, this.config.taskQueue));
  }

  /** Starts a research run's `researchWorkflow` (workflow id `run-<runId>`) on the same task queue. */
  async startResearchRun(input: ResearchRunInput): Promise<void> {
    await this.temporal.client.workflow.start<ResearchWorkflow>(...researchRunStart(input, this.config.taskQueue));
  }

  /** Delivers a reviewer's decision to the run waiting for it. */
  async signalApprovalDecision(workflowId: string, decision: ApprovalDecisionSignal): Promise<void> {
    await this.temporal.client.workflow.getHandle(workflowId).signal(approvalDecisionSignal, decision);
  }

  /** Continues a paused run. */
  async resumeRun(workflowId: string, request: ResumeRunSignal): Promise<void> {
    await this.temporal.client.workflow.getHandle(workflowId).signal(resumeRunSignal, request);
  }

  /** Asks the run to stop; the workflow records `run_cancelled` (with any partial reply). */
  async cancelRun(workflowId: string): Promise<void> {
    await this.temporal.client.workflow.getHandle(workflowId).cancel();
  }
}
