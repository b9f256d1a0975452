import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { ApiToken, ProjectRole, Actor as RunEventActor } from '@omniai/contracts';
import type { UserRecord } from '@omniai/store';
import type { FastifyRequest } from 'fastify';

/** Who is calling: set by the AuthGuard on every non-public route, read by handlers with `@CurrentActor()`. */
export interface Actor {
  user: Omit<UserRecord, 'passwordHash'>;
  via: 'session' | 'token';
  /** Session lane: the session's id hash and CSRF token. */
  sessionIdHash?: string;
  csrfToken?: string;
  sessionExpiresAt?: Date;
  /** Token lane: the token in use. */
  token?: ApiToken;
  /** Project roles; an admin sees every project (`'all'`). */
  projects: 'all' | ReadonlyMap<string, ProjectRole>;
}

type WithActor = FastifyRequest & { omniActor?: Actor };

export function setActor(req: FastifyRequest, actor: Actor): void {
  (req as WithActor).omniActor = actor;
}

export function actorOf(req: FastifyRequest): Actor {
  const actor = (req as WithActor).omniActor;
  // The guard runs before every handler that asks for an actor; a missing one is a wiring bug, not a client error.
  if (!actor) throw new Error('no actor on this request: is the route public?');
  return actor;
}

/** The ids of the projects the actor may see, or `'all'`. */
export function visibleProjects(actor: Actor): 'all' | string[] {
  return actor.projects === 'all' ? 'all' : [...actor.projects.keys()];
}

/** The actor as run events, signals and decisions record it: the user's email (D31). */
export function runActor(actor: Actor): RunEventActor {
  return { type: 'user', id: actor.user.email };
}

export const CurrentActor = createParamDecorator((_: unknown, ctx: ExecutionContext): Actor => actorOf(ctx.switchToHttp().getRequest<FastifyRequest>()));
