import { condition, setHandler } from '@temporalio/workflow';
import type { Actor, ApprovalDecidedData, ApprovalDecisionSignal, PreparedToolCall, RunEventPayload } from '@omniai/contracts';
import { approvalDecisionSignal } from '@omniai/workflow-api';
import { readApprovalDecision } from './activities';
import { checkApprovalDecision, type RejectedSignals } from './signal-payloads';

/** How an approval ended, as its `approval_decided` event records it. */
export type ApprovalStatus = ApprovalDecidedData['status'];

/** Who decided and why, as the `approval_decided` event shows it. */
export interface Decision {
  decided_by: Actor;
  reason?: string | null;
}

/**
 * Approvals the run waits for, and the decision signals that arrived. Since the `approval-doorbell` patch a signal is
 * only a doorbell: it says "read what the API recorded" (D37). Before it, the first signal per approval naming the
 * call's arguments hash was the decision.
 */
export class ApprovalBook {
  private readonly awaiting = new Map<string, string>(); // approval id → arguments hash
  private readonly decisions = new Map<string, ApprovalDecisionSignal>(); // before the patch
  private readonly rung = new Set<string>();

  constructor(
    readonly doorbell: boolean,
    readonly rejected: RejectedSignals,
  ) {}

  /** The decision signal's handler: checks the payload and never throws (a throw would fail the workflow task). */
  offer(payload: unknown): void {
    const checked = checkApprovalDecision(payload);
    if (!checked.ok) return this.rejected.add({ signal: 'approvalDecision', reason: 'malformed', problem: checked.problem });
    const d = checked.value;
    if (!this.awaiting.has(d.approval_id)) return this.rejected.add({ signal: 'approvalDecision', reason: 'unexpected', approvalId: d.approval_id });
    if (this.doorbell) this.rung.add(d.approval_id);
    else if (this.awaiting.get(d.approval_id) === d.arguments_hash && !this.decisions.has(d.approval_id)) this.decisions.set(d.approval_id, d);
  }

  expect(approvalId: string, argumentsHash: string): void {
    this.awaiting.set(approvalId, argumentsHash);
  }

  /** The arguments hash the approval is bound to, while the run waits for it. */
  expected(approvalId: string): string | undefined {
    return this.awaiting.get(approvalId);
  }

  isDecided(approvalId: string): boolean {
    return this.decisions.has(approvalId);
  }

  hasRung(approvalId: string): boolean {
    return this.rung.has(approvalId);
  }

  /** Answers the doorbell: true when it had rung for this approval. */
  takeRing(approvalId: string): boolean {
    return this.rung.delete(approvalId);
  }

  /** Stops waiting for the approval; its decision signal, if one arrived (before the patch). */
  settle(approvalId: string): ApprovalDecisionSignal | undefined {
    this.awaiting.delete(approvalId);
    this.rung.delete(approvalId);
    return this.decisions.get(approvalId);
  }
}

/** Sets the decision signal's handler; the returned book collects the doorbells. */
export function listenForDecisions(doorbell: boolean, rejected: RejectedSignals): ApprovalBook {
  const book = new ApprovalBook(doorbell, rejected);
  setHandler(approvalDecisionSignal, (d: unknown) => book.offer(d));
  return book;
}

/**
 * Waits for a reviewer; deny on timeout: a call nobody approved never runs. Each doorbell reads the decision the API
 * recorded; one with nothing recorded (or for other arguments) is rejected, and the wait goes on until the deadline.
 * `recordRejections` appends the signals rejected meanwhile.
 */
export async function waitForDecision(
  book: ApprovalBook,
  approvalId: string,
  timeoutS: number,
  recordRejections: () => Promise<void>,
): Promise<{ status: ApprovalStatus; decision?: Decision }> {
  if (!book.doorbell) {
    const answered = await condition(() => book.isDecided(approvalId), timeoutS * 1000);
    const decision = book.settle(approvalId);
    return { status: approvalStatus(answered, decision), decision };
  }
  const deadline = Date.now() + timeoutS * 1000;
  for (;;) {
    const left = deadline - Date.now();
    const woke = left > 0 && (await condition(() => book.hasRung(approvalId) || book.rejected.pending, left));
    await recordRejections();
    if (!woke) {
      book.settle(approvalId);
      return { status: 'expired' };
    }
    if (!book.takeRing(approvalId)) continue;
    const recorded = await readApprovalDecision({ approval_id: approvalId });
    if (recorded && recorded.arguments_hash === book.expected(approvalId)) {
      book.settle(approvalId);
      return { status: recorded.status, decision: recorded };
    }
    book.rejected.add({ signal: 'approvalDecision', reason: 'unrecorded', approvalId });
  }
}

/** How a decision signal ended the wait, before the `approval-doorbell` patch. */
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
export function approvalDecided(approvalId: string, status: ApprovalStatus, d: Decision | undefined, timeoutS: number): RunEventPayload<'system_event'> {
  const by = d ? `${d.decided_by.id}${d.reason ? `: ${d.reason}` : '.'}` : '';
  return {
    type: 'approval_decided',
    message: status === 'approved' ? `Approved by ${by}` : status === 'denied' ? `Denied by ${by}` : `Nobody decided within ${timeoutS} s: denied.`,
    data: { approval_id: approvalId, status, decided_by: d?.decided_by.id ?? null, reason: d?.reason ?? null },
  };
}

/** Why a call that was not approved does not run: the `policy_denied` message and reason code. */
export function refusal(status: Exclude<ApprovalStatus, 'approved'>, toolId: string, d: Decision | undefined): { message: string; reasonCode: string } {
  return status === 'denied'
    ? { message: `A reviewer denied ${toolId}${d?.reason ? `: ${d.reason}` : '.'}`, reasonCode: 'approval_denied' }
    : { message: `${toolId} was not approved in time.`, reasonCode: 'approval_timeout' };
}
