import type { User } from '@omniai/contracts';
import { durationLabel, inviteState, leavesNoAdmin, tokenState, userState, validateInvite, validateToken } from './identity-drafts';

const P1 = '00000000-0000-4000-8000-000000000001';
const NOW = Date.parse('2026-06-01T12:00:00.000Z');

describe('token form', () => {
  it('trims the name and sends scopes once each, in canonical order', () => {
    expect(validateToken('  CI  ', ['review', 'read', 'review'], 30)).toEqual({
      ok: true,
      body: { name: 'CI', scopes: ['read', 'review'], expires_in_days: 30 },
    });
  });

  it('needs a name, a scope and a lifetime of 1 to 365 days', () => {
    const r = validateToken(' ', [], 0);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(Object.keys(r.errors).sort()).toEqual(['expires_in_days', 'name', 'scopes']);
    expect(validateToken('x'.repeat(81), ['read'], 366).ok).toBe(false);
  });

  it('tells active, expired and revoked tokens apart', () => {
    expect(tokenState({ expires_at: '2026-06-02T00:00:00.000Z', revoked_at: null }, NOW)).toBe('active');
    expect(tokenState({ expires_at: '2026-05-01T00:00:00.000Z', revoked_at: null }, NOW)).toBe('expired');
    expect(tokenState({ expires_at: '2026-06-02T00:00:00.000Z', revoked_at: '2026-05-30T00:00:00.000Z' }, NOW)).toBe('revoked');
  });
});

describe('invite form', () => {
  const draft = { email: ' Rita@Example.COM ', role: 'reviewer' as const, projects: [{ project_id: P1, role: 'reviewer' as const }], expiresInHours: 72 };

  it('normalises the email and sends the memberships', () => {
    expect(validateInvite(draft)).toEqual({
      ok: true,
      body: { email: 'rita@example.com', role: 'reviewer', projects: [{ project_id: P1, role: 'reviewer' }], expires_in_hours: 72 },
    });
  });

  it('sends no memberships for an admin (they see every project)', () => {
    const r = validateInvite({ ...draft, role: 'admin' });
    expect(r.ok && r.body.projects).toEqual([]);
  });

  it('refuses a bad email, a project twice and an out-of-range lifetime', () => {
    const r = validateInvite({ ...draft, email: 'rita', projects: [draft.projects[0]!, draft.projects[0]!], expiresInHours: 721 });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(Object.keys(r.errors).sort()).toEqual(['email', 'expires_in_hours', 'projects']);
  });

  it('labels lifetimes and states', () => {
    expect(durationLabel(24)).toBe('1 day');
    expect(durationLabel(168)).toBe('7 days');
    expect(durationLabel(5)).toBe('5 hours');
    expect(inviteState({ expires_at: '2026-06-02T00:00:00.000Z', accepted_at: null }, NOW)).toBe('pending');
    expect(inviteState({ expires_at: '2026-05-02T00:00:00.000Z', accepted_at: null }, NOW)).toBe('expired');
    expect(inviteState({ expires_at: '2026-05-02T00:00:00.000Z', accepted_at: '2026-05-01T00:00:00.000Z' }, NOW)).toBe('accepted');
  });
});

describe('users', () => {
  const users: Array<Pick<User, 'id' | 'role' | 'disabled'>> = [
    { id: 'a', role: 'admin', disabled: false },
    { id: 'b', role: 'operator', disabled: false },
    { id: 'c', role: 'admin', disabled: true },
  ];

  it('sees a change that would leave no enabled admin (the API refuses it with 409)', () => {
    expect(leavesNoAdmin(users, 'a', { role: 'viewer' })).toBe(true);
    expect(leavesNoAdmin(users, 'a', { disabled: true })).toBe(true);
    expect(leavesNoAdmin(users, 'b', { role: 'admin' })).toBe(false);
    expect(leavesNoAdmin([...users, { id: 'd', role: 'admin', disabled: false }], 'a', { disabled: true })).toBe(false);
  });

  it('names the state of an account', () => {
    expect(userState({ active: true, disabled: false })).toBe('active');
    expect(userState({ active: false, disabled: false })).toBe('invited');
    expect(userState({ active: true, disabled: true })).toBe('disabled');
  });
});
