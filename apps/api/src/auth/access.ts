import { type Capability, roleAllows, type TokenScope } from '@omniai/contracts';
import { ApiException } from '../errors/api.exception';
import type { Actor } from './actor';

/**
 * Whether `actor` may use `capability` in `projectId` (undefined: a route without a project): null when allowed,
 * else the refusal. A project the caller is not a member of is answered as not found, as if it did not exist. The
 * guard asks this per request, open streams again while they last.
 */
export function accessRefusal(actor: Actor, capability: Capability, projectId: string | null | undefined): ApiException | null {
  if (actor.token && !actor.token.scopes.includes(capability as TokenScope)) {
    return new ApiException('E_AUTH_FORBIDDEN', `This token lacks the ${capability} scope.`);
  }
  if (projectId === undefined || actor.projects === 'all') {
    // No project in the route (or an admin): the workspace role decides.
    return roleAllows(actor.user.role, capability) ? null : new ApiException('E_AUTH_FORBIDDEN', `Your role (${actor.user.role}) does not allow this.`);
  }
  const role = projectId === null ? undefined : actor.projects.get(projectId);
  if (!role) return new ApiException('E_NOT_FOUND', 'Not found.');
  return roleAllows(role, capability) ? null : new ApiException('E_AUTH_FORBIDDEN', `Your role in this project (${role}) does not allow this.`);
}
