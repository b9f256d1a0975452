import type { Approval, ApprovalDecidedData, ApprovalRequestedData, ApprovalStatus, RunEvent, SystemEventData, ToolRisk } from '@omniai/contracts';
import { isTerminalKind } from '@omniai/contracts/pure';

/** A decision as the console shows it, whether it came from the run's events or from the API. */
export interface DecisionView {
  status: Exclude<ApprovalStatus, 'pending'>;
  decided_by: string | null;
  reason: string | null;
  at: string | null;
}

export const approvalRequested = (e: RunEvent): ApprovalRequestedData | null =>
  e.kind === 'system_event' && e.payload.type === 'approval_requested' ? e.payload.data : null;

export const approvalDecided = (e: RunEvent): ApprovalDecidedData | null =>
  e.kind === 'system_event' && e.payload.type === 'approval_decided' ? e.payload.data : null;

export const policyDenied = (e: RunEvent): SystemEventData<'policy_denied'> | null =>
  e.kind === 'system_event' && e.payload.type === 'policy_denied' ? e.payload.data : null;

export const isPolicyDenied = (e: RunEvent): boolean => policyDenied(e) !== null;

/** The decision the run recorded for an approval (its `approval_decided` event), if any. */
export function decisionInRun(events: readonly RunEvent[], approvalId: string): DecisionView | null {
  for (const e of events) {
    const d = approvalDecided(e);
    if (d?.approval_id === approvalId) return { status: d.status, decided_by: d.decided_by, reason: d.reason, at: e.ts };
  }
  return null;
}

/** The decision an approval row carries (null while pending). */
export function decisionOf(a: Pick<Approval, 'status' | 'decided_by' | 'decision_reason' | 'decided_at'>): DecisionView | null {
  return a.status === 'pending' ? null : { status: a.status, decided_by: a.decided_by, reason: a.decision_reason, at: a.decided_at };
}

export const runEnded = (events: readonly RunEvent[]): boolean => events.some((e) => isTerminalKind(e.kind));

/** The approvals a run still waits on: requested, not decided, and the run has not ended. */
export function waitingApprovals(events: readonly RunEvent[]): Array<{ event: RunEvent; data: ApprovalRequestedData }> {
  if (runEnded(events)) return [];
  const decided = new Set(events.map((e) => approvalDecided(e)?.approval_id).filter(Boolean));
  return events.flatMap((event) => {
    const data = approvalRequested(event);
    return data && !decided.has(data.approval_id) ? [{ event, data }] : [];
  });
}

/** Why the policy asked for a reviewer, in words (codes from libs/policy's POLICY_REASONS; unknown codes as is). */
const REASONS: Record<string, string> = {
  grant_needs_approval: 'The grant for a scope this tool needs requires approval.',
  write_needs_approval: 'The tool writes: every call needs a reviewer.',
  egress_needs_approval: 'The tool reaches the network: every call needs a reviewer.',
  no_grant: 'A scope the tool needs is not granted.',
  kill_switch: 'External writes are switched off for the whole workspace.',
  approval_denied: 'A reviewer denied this call.',
  approval_timeout: 'Nobody approved this call in time.',
};
export const reasonText = (code: string): string => REASONS[code] ?? code.replace(/_/g, ' ');

export const shortHash = (hash: string): string => hash.slice(0, 12);

/** "in 4 min 05 s", "in 23 h 59 min", "in 2 d 3 h"; "expired" at or after the deadline. */
export function expiresIn(expiresAt: string, now: number): string {
  const ms = Date.parse(expiresAt) - now;
  if (!(ms > 0)) return 'expired';
  const s = Math.floor(ms / 1000);
  const d = Math.floor(s / 86_400);
  const h = Math.floor((s % 86_400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (d > 0) return `in ${d} d ${h} h`;
  if (h > 0) return `in ${h} h ${m} min`;
  if (m > 0) return `in ${m} min ${String(s % 60).padStart(2, '0')} s`;
  return `in ${s} s`;
}

export const SIDE_EFFECT_LABEL: Record<ToolRisk['side_effect'], string> = {
  read: 'reads',
  write: 'writes',
  external_write: 'writes externally',
};

/** Words for a decision's status. */
export const STATUS_LABEL: Record<ApprovalStatus, string> = {
  pending: 'Pending',
  approved: 'Approved',
  denied: 'Denied',
  expired: 'Expired',
  cancelled: 'Cancelled',
};
