import { condition, setHandler } from '@temporalio/workflow';
import type { Actor, ApprovalDecidedData, ApprovalDecisionSignal, PreparedToolCall, RunEventPayload } from '@omniai/contracts';
import { approvalDecisionSignal } from '@omniai/workflow-api';

/** How an approval ended, as its `approval_decided` event records it. */
export type ApprovalStatus = ApprovalDecidedData['status'];

/**
 * Approvals the run waits for and the decisions that arrived. The first decision per approval wins; a decision for
 * other arguments than the call's is ignored (the API refuses it before it gets here).
 */
export class ApprovalBook {
  private readonly awaiting = new Map<string, string>(); // approval id → arguments hash
  private readonly decisions = new Map<string, ApprovalDecisionSignal>();

  /** The decision signal's handler. */
  offer(d: ApprovalDecisionSignal): void {
    if (this.awaiting.get(d.approval_id) === d.arguments_hash && !this.decisions.has(d.approval_id)) this.decisions.set(d.approval_id, d);
  }

  expect(approvalId: string, argumentsHash: string): void {
    this.awaiting.set(approvalId, argumentsHash);
  }

  isDecided(approvalId: string): boolean {
    return this.decisions.has(approvalId);
  }

  /** Stops waiting for the approval; its decision, if one arrived. */
  settle(approvalId: string): ApprovalDecisionSignal | undefined {
    this.awaiting.delete(approvalId);
    return this.decisions.get(approvalId);
  }
}

/** Sets the decision signal's handler; the returned book collects what reviewers decide. */
export function listenForDecisions(): ApprovalBook {
  const book = new ApprovalBook();
  setHandler(approvalDecisionSignal, (d) => book.offer(d));
  return book;
}

/** Waits for a reviewer; deny on timeout: a call nobody approved never runs. */
export async function waitForDecision(
  book: ApprovalBook,
  approvalId: string,
  timeoutS: number,
): Promise<{ status: ApprovalStatus; decision?: ApprovalDecisionSignal }> {
  const answered = await condition(() => book.isDecided(approvalId), timeoutS * 1000);
  const decision = book.settle(approvalId);
  return { status: approvalStatus(answered, decision), decision };
}

export function approvalStatus(answered: boolean, d: ApprovalDecisionSignal | undefined): ApprovalStatus {
  return !answered || !d ? 'expired' : d.decision === 'approve' ? 'approved' : 'denied';
}

/** The `approval_requested` system event: what the reviewer sees, and until when they may decide. */
export function approvalRequested(prepared: PreparedToolCall, approvalId: string, requestedBy: Actor, now: number): RunEventPayload<'system_event'> {
  return {
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
      requested_by: requestedBy,
      expires_at: new Date(now + prepared.approval_timeout_s * 1000).toISOString(),
    },
  };
}

/** The `approval_decided` system event (an expiry included). */
export function approvalDecided(
  approvalId: string,
  status: ApprovalStatus,
  d: ApprovalDecisionSignal | undefined,
  timeoutS: number,
): RunEventPayload<'system_event'> {
  const by = d ? `${d.decided_by.id}${d.reason ? `: ${d.reason}` : '.'}` : '';
  return {
    type: 'approval_decided',
    message: status === 'approved' ? `Approved by ${by}` : status === 'denied' ? `Denied by ${by}` : `Nobody decided within ${timeoutS} s: denied.`,
    data: { approval_id: approvalId, status, decided_by: d?.decided_by.id ?? null, reason: d?.reason ?? null },
  };
}

/** Why a call that was not approved does not run: the `policy_denied` message and reason code. */
export function refusal(
  status: Exclude<ApprovalStatus, 'approved'>,
  toolId: string,
  d: ApprovalDecisionSignal | undefined,
): { message: string; reasonCode: string } {
  return status === 'denied'
    ? { message: `A reviewer denied ${toolId}${d?.reason ? `: ${d.reason}` : '.'}`, reasonCode: 'approval_denied' }
    : { message: `${toolId} was not approved in time.`, reasonCode: 'approval_timeout' };
}
