import type { ApprovalRule, Policy, PolicyDecision, Scope, ToolManifest } from '@omniai/contracts';

/**
 * Why the policy decided as it did. Stable: recorded in `policy_denied` / `approval_requested` events and shown to
 * reviewers, so codes are only ever added.
 */
export const POLICY_REASONS = {
  /** Reads that need no scope (pure built-ins) run without a grant. */
  no_scope_required: 'The tool only reads and needs no scope.',
  /** Every scope the tool needs is granted, and nothing about the call needs a human. */
  granted: 'Every scope the tool needs is granted.',
  /** A scope the tool needs has no grant at any level: deny by default. */
  no_grant: 'A scope the tool needs is not granted.',
  /** The kill switch denies every external write, whatever the grants and approvals say. */
  kill_switch: 'External writes are switched off for the whole workspace.',
  /** Writes always wait for a reviewer. */
  write_needs_approval: 'The tool writes: a reviewer must approve this call.',
  /** Reaching the network always waits for a reviewer. */
  egress_needs_approval: 'The tool reaches the network: a reviewer must approve this call.',
  /** The grant that applies asks for a reviewer on every call. */
  grant_needs_approval: 'The grant for a scope the tool needs requires approval.',
  /** A reviewer approved this exact call. */
  approved: 'A reviewer approved this call.',
  /** A reviewer denied this call (or the approval timed out). */
  approval_denied: 'A reviewer denied this call.',
} as const;
export type PolicyReason = keyof typeof POLICY_REASONS;

/** Who asks, and in which project: grants are matched against these. */
export interface PolicySubject {
  project_id: string;
  user_id: string;
}

/** Where this call stands with reviewers: not asked yet, approved, or denied (a timeout counts as denied). */
export type ApprovalState = 'none' | 'approved' | 'denied';

export interface PolicyInput {
  tool: Pick<ToolManifest, 'risk'>;
  policy: Policy;
  subject: PolicySubject;
  approval: ApprovalState;
}

export interface PolicyOutcome extends PolicyDecision {
  reason_code: PolicyReason;
  /** The scopes without a grant (for `no_grant`). */
  missing_scopes: Scope[];
}

const LEVEL_RANK = { user: 3, project: 2, workspace: 1 } as const;

type Grant = Policy['grants'][number];

/** The grant that applies to one scope: the most specific level wins (user → project → workspace). */
function effectiveGrant(policy: Policy, subject: PolicySubject, scope: Scope): Grant | undefined {
  const applies = (g: Grant) =>
    g.scopes.includes(scope) &&
    (g.level === 'workspace' || (g.level === 'project' && g.subject === subject.project_id) || (g.level === 'user' && g.subject === subject.user_id));
  return policy.grants.filter(applies).sort((a, b) => LEVEL_RANK[b.level] - LEVEL_RANK[a.level])[0];
}

const decide = (decision: PolicyDecision['decision'], reason_code: PolicyReason, missing_scopes: Scope[] = []): PolicyOutcome => ({
  decision,
  reason_code,
  reason: POLICY_REASONS[reason_code],
  missing_scopes,
});

/**
 * The policy engine: a pure function from a tool's risk, the grants, the caller and the approval state to
 * `allow | deny | require_approval`. Deny by default; the kill switch beats everything; writes and egress always
 * need a reviewer; a reviewer's decision settles a call that needed one.
 */
export function evaluatePolicy({ tool, policy, subject, approval }: PolicyInput): PolicyOutcome {
  const { side_effect, scopes, egress_hosts } = tool.risk;
  if (side_effect === 'external_write' && policy.kill_switch_external_writes) return decide('deny', 'kill_switch');
  const missing = scopes.filter((s) => !effectiveGrant(policy, subject, s));
  if (missing.length > 0) return decide('deny', 'no_grant', missing);

  const needsApproval: PolicyReason | null =
    side_effect !== 'read'
      ? 'write_needs_approval'
      : egress_hosts.length > 0
        ? 'egress_needs_approval'
        : scopes.some((s) => effectiveGrant(policy, subject, s)?.require_approval)
          ? 'grant_needs_approval'
          : null;
  if (!needsApproval) return decide('allow', scopes.length === 0 ? 'no_scope_required' : 'granted');
  if (approval === 'approved') return decide('allow', 'approved');
  if (approval === 'denied') return decide('deny', 'approval_denied');
  return decide('require_approval', needsApproval);
}

/** The approval rule for a project: its own, else the `"*"` rule, else one approver and self-approval allowed. */
export function approvalRuleFor(policy: Pick<Policy, 'approval_rules'>, projectId: string): ApprovalRule {
  const rules = policy.approval_rules ?? [];
  return (
    rules.find((r) => r.project_id === projectId) ?? rules.find((r) => r.project_id === '*') ?? { project_id: '*', min_approvers: 1, no_self_approval: false }
  );
}
