import { Injectable } from '@nestjs/common';
import {
  type Actor,
  type Approval,
  type ApprovalDecisionSignal,
  type ApprovalDetail,
  type ApprovalsQuery,
  type DecideApprovalRequest,
  type DecideApprovalResponse,
} from '@omniai/contracts';
import { approvalRuleFor } from '@omniai/policy';
import { ApprovalStore, PolicyStore, RunStore } from '@omniai/store';
import { WorkflowNotFoundError } from '@temporalio/client';
import { ApiException } from '../errors/api.exception';
import { GraphsService } from '../graphs/graphs.service';
import { RunWorkflows } from '../temporal/run-workflows';

@Injectable()
export class ApprovalsService {
  constructor(
    private readonly approvals: ApprovalStore,
    private readonly runs: RunStore,
    private readonly workflows: RunWorkflows,
    private readonly policies: PolicyStore,
    private readonly graphs: GraphsService,
  ) {}

  list(query: ApprovalsQuery, visible: 'all' | string[]): Promise<Approval[]> {
    return this.approvals.list(query, visible);
  }

  async get(id: string): Promise<ApprovalDetail> {
    const approval = await this.approvals.get(id);
    if (!approval) throw new ApiException('E_NOT_FOUND', `No approval ${id}.`);
    const [decisions, args] = await Promise.all([this.approvals.decisions(id), this.approvals.reviewedArguments(id)]);
    return { ...approval, decisions, arguments: args };
  }

  /**
   * The first valid decision wins (an atomic claim on the pending row), then the workflow is signalled: the signal is
   * only a doorbell, the workflow reads the claimed decision back from the store (D37). A repeat is a
   * recorded no-op; a decision naming other arguments than the call's is refused. Every call is logged.
   */
  async decide(id: string, body: DecideApprovalRequest, decider: Actor): Promise<DecideApprovalResponse> {
    const approval = await this.approvals.get(id);
    if (!approval) throw new ApiException('E_NOT_FOUND', `No approval ${id}.`);
    const entry = { approvalId: id, decision: body.decision, reason: body.reason ?? null, decidedBy: decider.id, argumentsHash: body.arguments_hash };
    if (body.arguments_hash !== approval.arguments_hash) {
      await this.approvals.record({ ...entry, outcome: 'refused' });
      throw new ApiException(
        'E_APPROVAL_MISMATCH',
        'This decision names other arguments than the call waiting for approval; reload the approval and decide again.',
      );
    }
    // An approval node's gate: the reviewer's form must match the node's form_schema (422 with the field).
    if (approval.status === 'pending') {
      await this.graphs.checkGateForm(approval, body.decision, body.form).catch(async (err: unknown) => {
        await this.approvals.record({ ...entry, outcome: 'refused' });
        throw err;
      });
    }
    if (approval.status === 'pending') {
      const rule = approvalRuleFor(await this.policies.get(), approval.project_id);
      const requester = approval.requested_by;
      if (rule.no_self_approval && requester.type === 'user' && requester.id === decider.id) {
        await this.approvals.record({ ...entry, outcome: 'refused' });
        throw new ApiException('E_AUTH_FORBIDDEN', 'You started this run, and this project needs another reviewer to decide its tool calls.');
      }
      if (body.decision === 'approve' && rule.min_approvers > 1) {
        const before = await this.approvals.countedApprovers(id);
        if (before.includes(decider.id)) {
          await this.approvals.record({ ...entry, outcome: 'no_op' });
          return { outcome: 'no_op', approval, approvers: { have: before.length, need: rule.min_approvers } };
        }
        await this.approvals.record({ ...entry, outcome: 'counted' });
        const have = (await this.approvals.countedApprovers(id)).length;
        // Not enough reviewers yet: the call keeps waiting (one deny still ends it).
        if (have < rule.min_approvers) return { outcome: 'counted', approval, approvers: { have, need: rule.min_approvers } };
      }
    }
    const form = body.decision === 'approve' ? body.form : undefined;
    const claimed = await this.approvals.claim(id, body.decision === 'approve' ? 'approved' : 'denied', decider.id, body.reason ?? null, form);
    if (!claimed) {
      await this.approvals.record({ ...entry, outcome: 'no_op' });
      return { outcome: 'no_op', approval: (await this.approvals.get(id))! };
    }
    const run = await this.runs.getRun(approval.run_id);
    const signal: ApprovalDecisionSignal = {
      approval_id: id,
      decision: body.decision,
      arguments_hash: body.arguments_hash,
      decided_by: decider,
      ...(body.reason ? { reason: body.reason } : {}),
    };
    try {
      await this.workflows.signalApprovalDecision(run!.workflow_id, signal);
    } catch (err) {
      // Not delivered: give the decision back so that it can be made again.
      await this.approvals.unclaim(id);
      if (err instanceof WorkflowNotFoundError) throw new ApiException('E_CONFLICT', `The run of approval ${id} has already ended.`);
      throw new ApiException('E_DEPENDENCY_UNAVAILABLE', 'Temporal is unavailable; the decision was not recorded. Try again.');
    }
    await this.approvals.record({ ...entry, outcome: 'applied' });
    return { outcome: 'applied', approval: claimed };
  }
}
