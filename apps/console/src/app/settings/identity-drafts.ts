import type { ApiToken, Invite, ProjectRole, Role, TokenScope, User } from '@omniai/contracts';
import { ROLES, TOKEN_SCOPES } from '@omniai/contracts/pure';

const EMAIL = /^[^\s@]+@[^\s@]+$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export { TOKEN_SCOPES };
export const SCOPE_HINT: Readonly<Record<TokenScope, string>> = {
  read: 'Read runs and their events',
  operate: 'Start runs on threads',
  review: 'Decide approvals',
};
/** Token lifetimes offered (days); tokens always expire. */
export const TOKEN_EXPIRY_DAYS: readonly number[] = [7, 30, 90, 365];
/** Invite link lifetimes offered (hours). */
export const INVITE_EXPIRY_HOURS: readonly number[] = [24, 72, 168, 720];

export function durationLabel(hours: number): string {
  if (hours % 24 !== 0) return `${hours} hours`;
  const days = hours / 24;
  return days === 1 ? '1 day' : `${days} days`;
}

export type TokenErrors = Partial<Record<'name' | 'scopes' | 'expires_in_days', string>>;

/** Client-side mirror of `CreateTokenRequest` (the API validates again). */
export function validateToken(
  name: string,
  scopes: readonly TokenScope[],
  days: number,
): { ok: true; body: { name: string; scopes: TokenScope[]; expires_in_days: number } } | { ok: false; errors: TokenErrors } {
  const errors: TokenErrors = {};
  const trimmed = name.trim();
  if (!trimmed) errors.name = 'Name the token after where it is used (e.g. “CI pipeline”).';
  else if (trimmed.length > 80) errors.name = 'At most 80 characters.';
  if (scopes.length === 0) errors.scopes = 'Give the token at least one scope.';
  if (!Number.isInteger(days) || days < 1 || days > 365) errors.expires_in_days = 'Between 1 and 365 days.';
  if (Object.keys(errors).length) return { ok: false, errors };
  // Keep the scopes in their canonical order, once each.
  return { ok: true, body: { name: trimmed, scopes: TOKEN_SCOPES.filter((s) => scopes.includes(s)), expires_in_days: days } };
}

export type TokenState = 'active' | 'expired' | 'revoked';

export function tokenState(token: Pick<ApiToken, 'expires_at' | 'revoked_at'>, now: number): TokenState {
  if (token.revoked_at) return 'revoked';
  return Date.parse(token.expires_at) <= now ? 'expired' : 'active';
}

/** What the invite form holds: projects the new user joins, each with a membership role. */
export interface InviteDraft {
  email: string;
  role: Role;
  projects: ReadonlyArray<{ project_id: string; role: ProjectRole }>;
  expiresInHours: number;
}

export type InviteErrors = Partial<Record<'email' | 'role' | 'projects' | 'expires_in_hours', string>>;

/** Client-side mirror of `CreateInviteRequest`. An admin sees every project, so their memberships are not sent. */
export function validateInvite(
  draft: InviteDraft,
):
  | { ok: true; body: { email: string; role: Role; projects: Array<{ project_id: string; role: ProjectRole }>; expires_in_hours: number } }
  | { ok: false; errors: InviteErrors } {
  const errors: InviteErrors = {};
  const email = draft.email.trim().toLowerCase();
  if (!email) errors.email = 'Enter the email address of the person you invite.';
  else if (email.length > 254 || !EMAIL.test(email)) errors.email = 'That is not an email address.';
  if (!(ROLES as readonly string[]).includes(draft.role)) errors.role = 'Pick a role.';
  const projects = draft.role === 'admin' ? [] : draft.projects.map((p) => ({ project_id: p.project_id, role: p.role }));
  if (projects.some((p) => !UUID.test(p.project_id))) errors.projects = 'Pick projects from the list.';
  else if (new Set(projects.map((p) => p.project_id)).size !== projects.length) errors.projects = 'Each project once.';
  else if (projects.length > 100) errors.projects = 'At most 100 projects.';
  if (!Number.isInteger(draft.expiresInHours) || draft.expiresInHours < 1 || draft.expiresInHours > 720)
    errors.expires_in_hours = 'Between 1 hour and 30 days.';
  if (Object.keys(errors).length) return { ok: false, errors };
  return { ok: true, body: { email, role: draft.role, projects, expires_in_hours: draft.expiresInHours } };
}

export type InviteState = 'pending' | 'accepted' | 'expired';

export function inviteState(invite: Pick<Invite, 'expires_at' | 'accepted_at'>, now: number): InviteState {
  if (invite.accepted_at) return 'accepted';
  return Date.parse(invite.expires_at) <= now ? 'expired' : 'pending';
}

export type UserState = 'active' | 'invited' | 'disabled';

export function userState(user: Pick<User, 'active' | 'disabled'>): UserState {
  if (user.disabled) return 'disabled';
  return user.active ? 'active' : 'invited';
}

/** Whether a change would leave the workspace without an enabled admin (the API refuses it with 409; say so first). */
export function leavesNoAdmin(
  users: ReadonlyArray<Pick<User, 'id' | 'role' | 'disabled'>>,
  userId: string,
  change: { role?: Role; disabled?: boolean },
): boolean {
  const after = users.map((u) => (u.id === userId ? { ...u, ...change } : u));
  return !after.some((u) => u.role === 'admin' && !u.disabled);
}
