import { type Policy, Scope, type ToolManifest } from '@omniai/contracts';
import { type ApprovalState, approvalRuleFor, evaluatePolicy } from './evaluate';

// Every scope the contracts define, so that a new scope is covered without touching this table.
const SCOPES: Scope[] = Scope.options;
const SIDE_EFFECTS = ['read', 'write', 'external_write'] as const;
const APPROVALS: ApprovalState[] = ['none', 'approved', 'denied'];
const PROJECT = 'project-a';
const USER = 'user-1';

type Grant = Policy['grants'][number];
/** Grant situations, each a list of grants of the tool's scope (`S`), seen from PROJECT / USER. */
const GRANTS: Record<string, (s: Scope) => Grant[]> = {
  none: () => [],
  workspace: (s) => [{ level: 'workspace', subject: '*', scopes: [s], require_approval: false }],
  project: (s) => [{ level: 'project', subject: PROJECT, scopes: [s], require_approval: false }],
  user: (s) => [{ level: 'user', subject: USER, scopes: [s], require_approval: false }],
  other_project: (s) => [{ level: 'project', subject: 'project-b', scopes: [s], require_approval: false }],
  other_user: (s) => [{ level: 'user', subject: 'user-2', scopes: [s], require_approval: false }],
  workspace_with_approval: (s) => [{ level: 'workspace', subject: '*', scopes: [s], require_approval: true }],
  // The most specific grant wins: the user's own grant lifts the workspace's approval requirement for reads.
  user_overrides_workspace_approval: (s) => [
    { level: 'workspace', subject: '*', scopes: [s], require_approval: true },
    { level: 'user', subject: USER, scopes: [s], require_approval: false },
  ],
};

// Expected outcome per side effect × grant situation, for approval none / approved / denied (kill switch off).
// Written out by hand: this table is the specification, not a re-derivation of the code.
const ALLOW = 'allow:granted';
const NO_GRANT = 'deny:no_grant';
const WRITE = ['require_approval:write_needs_approval', 'allow:approved', 'deny:approval_denied'];
const NEVER = [NO_GRANT, NO_GRANT, NO_GRANT];
/** Any write: a grant makes it wait for a reviewer, whatever the grant's own approval setting. */
const WRITES: Record<string, string[]> = {
  none: NEVER,
  workspace: WRITE,
  project: WRITE,
  user: WRITE,
  other_project: NEVER,
  other_user: NEVER,
  workspace_with_approval: WRITE,
  user_overrides_workspace_approval: WRITE,
};
const EXPECTED: Record<(typeof SIDE_EFFECTS)[number], Record<string, string[]>> = {
  read: {
    none: NEVER,
    workspace: [ALLOW, ALLOW, ALLOW],
    project: [ALLOW, ALLOW, ALLOW],
    user: [ALLOW, ALLOW, ALLOW],
    other_project: NEVER,
    other_user: NEVER,
    workspace_with_approval: ['require_approval:grant_needs_approval', 'allow:approved', 'deny:approval_denied'],
    user_overrides_workspace_approval: [ALLOW, ALLOW, ALLOW],
  },
  write: WRITES,
  // The same as a write; only the kill switch (checked in the test) tells them apart.
  external_write: WRITES,
};

const tool = (side_effect: (typeof SIDE_EFFECTS)[number], scopes: Scope[], egress_hosts: string[] = []): Pick<ToolManifest, 'risk'> => ({
  risk: { side_effect, scopes, egress_hosts, limits: { timeout_ms: 1000, memory_mb: 64, cpus: 0.5 } },
});

const rows = SIDE_EFFECTS.flatMap((side) => Object.keys(GRANTS).map((grant) => ({ side, grant })));

describe('evaluatePolicy (pure, deny by default)', () => {
  // One test per side effect × grant situation; each checks every scope × approval state × kill switch.
  it.each(rows)('$side tool · grant $grant: every scope × approval state × kill switch', ({ side, grant }) => {
    const actual: string[] = [];
    const expected: string[] = [];
    for (const scope of SCOPES) {
      APPROVALS.forEach((approval, i) => {
        for (const kill of [false, true]) {
          const outcome = evaluatePolicy({
            tool: tool(side, [scope]),
            policy: { grants: GRANTS[grant]!(scope), kill_switch_external_writes: kill },
            subject: { project_id: PROJECT, user_id: USER },
            approval,
          });
          const key = `${scope} · approval ${approval} · kill ${kill}`;
          expect(outcome.reason.length).toBeGreaterThan(0);
          actual.push(`${key} → ${outcome.decision}:${outcome.reason_code}`);
          expected.push(`${key} → ${kill && side === 'external_write' ? 'deny:kill_switch' : EXPECTED[side][grant]![i]!}`);
        }
      });
    }
    expect(actual).toHaveLength(SCOPES.length * APPROVALS.length * 2);
    expect(actual).toEqual(expected);
  });

  it('a grant for another scope does not count, and the missing scopes are named', () => {
    const outcome = evaluatePolicy({
      tool: tool('read', ['read_web', 'read_files']),
      policy: { grants: [{ level: 'workspace', subject: '*', scopes: ['read_web'], require_approval: false }], kill_switch_external_writes: false },
      subject: { project_id: PROJECT, user_id: USER },
      approval: 'approved',
    });
    expect(outcome).toMatchObject({ decision: 'deny', reason_code: 'no_grant', missing_scopes: ['read_files'] });
  });

  it('reads that need no scope run without a grant; reaching the network still needs a reviewer', () => {
    const empty: Policy = { grants: [], kill_switch_external_writes: true };
    const subject = { project_id: PROJECT, user_id: USER };
    expect(evaluatePolicy({ tool: tool('read', []), policy: empty, subject, approval: 'none' }).reason_code).toBe('no_scope_required');
    expect(evaluatePolicy({ tool: tool('read', [], ['example.org']), policy: empty, subject, approval: 'none' })).toMatchObject({
      decision: 'require_approval',
      reason_code: 'egress_needs_approval',
    });
    // A write with no scope is still a write.
    expect(evaluatePolicy({ tool: tool('write', []), policy: empty, subject, approval: 'none' }).decision).toBe('require_approval');
  });
});

describe('approvalRuleFor', () => {
  const p1 = '00000000-0000-4000-8000-000000000001';
  const p2 = '00000000-0000-4000-8000-000000000002';
  it('defaults to one approver, self-approval allowed', () => {
    expect(approvalRuleFor({}, p1)).toEqual({ project_id: '*', min_approvers: 1, no_self_approval: false });
  });
  it("prefers the project's own rule over the workspace-wide one", () => {
    const policy = {
      approval_rules: [
        { project_id: '*' as const, min_approvers: 2, no_self_approval: false },
        { project_id: p1, min_approvers: 3, no_self_approval: true },
      ],
    };
    expect(approvalRuleFor(policy, p1)).toMatchObject({ min_approvers: 3, no_self_approval: true });
    expect(approvalRuleFor(policy, p2)).toMatchObject({ min_approvers: 2, no_self_approval: false });
  });
});
