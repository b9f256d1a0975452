import type { Capability, Role, SessionInfo } from '@omniai/contracts';
import { PROJECT_ROLES, ROLES, roleAllows } from '@omniai/contracts/pure';

// The role table lives in the zod-free contracts (one home, shared with the API's guard).
export { PROJECT_ROLES, ROLES, roleAllows };

/** One line per role, for role pickers and the user menu. */
export const ROLE_HINT: Readonly<Record<Role, string>> = {
  admin: 'Everything, including users, providers and policy',
  operator: 'Creates projects and threads, starts and steers runs',
  reviewer: 'Approves or denies tool calls',
  viewer: 'Reads projects, runs and approvals',
};

type Who = Pick<SessionInfo, 'user' | 'memberships'>;

/**
 * Whether the signed-in user may do something, the way the API's guard decides it: an admin may do everything;
 * inside a project the role of the user's membership applies (no membership, no access); elsewhere the workspace role.
 */
export function can(who: Who | null, capability: Capability, projectId?: string | null): boolean {
  if (!who || who.user.disabled) return false;
  if (who.user.role === 'admin') return true;
  if (!projectId) return roleAllows(who.user.role, capability);
  const membership = who.memberships.find((m) => m.project_id === projectId.toLowerCase());
  return membership !== undefined && roleAllows(membership.role, capability);
}

/** Whether the user may use a capability somewhere: workspace-wide or in at least one project (e.g. to show the inbox). */
export function canAnywhere(who: Who | null, capability: Capability): boolean {
  if (!who || who.user.disabled) return false;
  return roleAllows(who.user.role, capability) || who.memberships.some((m) => roleAllows(m.role, capability));
}

/**
 * Where to go after signing in: `next` when it is a path of this console, else `/projects`. Refuses other origins
 * (`//evil`, `https://…`, `/\evil`) and the sign-in pages themselves, so a crafted link cannot bounce the user away.
 */
export function safeNext(next: string | null | undefined): string {
  const fallback = '/projects';
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return fallback;
  if (/^\/(login|invite)(?:[/?#]|$)/.test(next)) return fallback;
  return next;
}
