import type { SessionInfo } from '@omniai/contracts';
import { can, canAnywhere, roleAllows, safeNext } from './access';

const P1 = '00000000-0000-4000-8000-000000000001';
const P2 = '00000000-0000-4000-8000-000000000002';

function who(role: SessionInfo['user']['role'], memberships: SessionInfo['memberships'] = [], disabled = false): Pick<SessionInfo, 'user' | 'memberships'> {
  return {
    user: {
      id: '00000000-0000-4000-8000-0000000000aa',
      email: 'a@b.c',
      display_name: 'A',
      role,
      active: true,
      disabled,
      created_at: '2026-01-01T00:00:00.000Z',
    },
    memberships,
  };
}

describe('access: what the signed-in user may do', () => {
  it('grants an admin everything, in every project, member or not', () => {
    for (const cap of ['read', 'operate', 'review', 'admin'] as const) {
      expect(can(who('admin'), cap)).toBe(true);
      expect(can(who('admin'), cap, P1)).toBe(true);
    }
  });

  it('decides inside a project by the membership role, not the workspace role', () => {
    const reviewer = who('reviewer', [
      { project_id: P1, role: 'reviewer' },
      { project_id: P2, role: 'viewer' },
    ]);
    expect(can(reviewer, 'review', P1)).toBe(true);
    expect(can(reviewer, 'operate', P1)).toBe(false);
    // A reviewer workspace-wide is only a viewer in P2.
    expect(can(reviewer, 'review', P2)).toBe(false);
    expect(can(reviewer, 'read', P2)).toBe(true);
    // No membership: no access at all (the API answers 404).
    expect(can(who('operator'), 'read', P1)).toBe(false);
  });

  it('decides outside projects by the workspace role', () => {
    expect(can(who('operator'), 'operate')).toBe(true);
    expect(can(who('reviewer'), 'operate')).toBe(false);
    expect(can(who('viewer'), 'read')).toBe(true);
    expect(can(who('operator'), 'admin')).toBe(false);
  });

  it('matches project ids case-insensitively (the API lower-cases them)', () => {
    expect(can(who('viewer', [{ project_id: P1, role: 'operator' }]), 'operate', P1.toUpperCase())).toBe(true);
  });

  it('grants nothing without a session or to a disabled user', () => {
    expect(can(null, 'read')).toBe(false);
    expect(can(who('admin', [], true), 'read')).toBe(false);
    expect(canAnywhere(null, 'read')).toBe(false);
  });

  it('canAnywhere: the workspace role or any membership', () => {
    expect(canAnywhere(who('viewer', [{ project_id: P1, role: 'reviewer' }]), 'review')).toBe(true);
    expect(canAnywhere(who('reviewer'), 'review')).toBe(true);
    expect(canAnywhere(who('operator', [{ project_id: P1, role: 'operator' }]), 'review')).toBe(false);
  });

  it('roleAllows follows the table', () => {
    expect(roleAllows('operator', 'operate')).toBe(true);
    expect(roleAllows('operator', 'review')).toBe(false);
    expect(roleAllows('reviewer', 'review')).toBe(true);
  });
});

describe('safeNext: where to go after signing in', () => {
  it('keeps paths of this console, with their query', () => {
    expect(safeNext('/approvals?id=x')).toBe('/approvals?id=x');
    expect(safeNext('/projects/abc/threads/def')).toBe('/projects/abc/threads/def');
  });

  it('refuses other origins and odd schemes', () => {
    for (const bad of ['//evil.example', '/\\evil.example', 'https://evil.example/', 'javascript:alert(1)', 'projects']) {
      expect(safeNext(bad)).toBe('/projects');
    }
  });

  it('never bounces back to the sign-in pages, and defaults to projects', () => {
    expect(safeNext('/login?next=/x')).toBe('/projects');
    expect(safeNext('/invite/inv_x')).toBe('/projects');
    expect(safeNext('/login')).toBe('/projects');
    expect(safeNext('/loginhelp')).toBe('/loginhelp');
    expect(safeNext(undefined)).toBe('/projects');
    expect(safeNext('')).toBe('/projects');
  });
});
