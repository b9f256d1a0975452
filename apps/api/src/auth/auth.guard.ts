import { timingSafeEqual } from 'node:crypto';
import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { type Capability, CSRF_HEADER } from '@omniai/contracts';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppConfig } from '../config/app-config';
import { ApiException } from '../errors/api.exception';
import { featureOn } from '../config/features';
import { accessRefusal } from './access';
import { type Actor, setActor } from './actor';
import { AuthService, bearerOf } from './auth.service';
import { OriginPolicy } from './origin-policy';
import { ProjectScopes } from './project-scopes';
import { RateLimiter } from './rate-limiter';
import { routeOf } from './route-table';

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
export const PUBLIC_LANE_PREFIX = '/v1/public/';

/**
 * The one global guard (D31), deny by default: a route answers only if `API_ROUTES` lists it; `public` routes need
 * nothing; every other route needs a live session (UI lane) or bearer token (`/v1/public/*`), the CSRF header on UI
 * mutations, a same-origin or allowlisted Origin when one is sent, the route's feature flag, and the route's
 * capability in the route's project (a project the caller is not a member of answers 404, as if it did not exist).
 */
@Injectable()
export class AuthGuard implements CanActivate {
  private readonly uiLimiter: RateLimiter;
  private readonly publicLimiter: RateLimiter;

  constructor(
    private readonly auth: AuthService,
    private readonly scopes: ProjectScopes,
    private readonly origins: OriginPolicy,
    private readonly config: AppConfig,
  ) {
    this.uiLimiter = new RateLimiter(config.rateLimits.ui);
    this.publicLimiter = new RateLimiter(config.rateLimits.public);
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<FastifyRequest>();
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    const route = routeOf(req);
    if (!route) throw new ApiException('E_AUTH_FORBIDDEN', 'This route is not open to anyone.');
    if (route.feature && !featureOn(this.config, route.feature)) {
      throw new ApiException('E_CAPABILITY_DISABLED', `The ${route.feature} capability is disabled on this deployment.`);
    }
    if (route.access === 'public') return true;

    const tokenLane = route.path.startsWith(PUBLIC_LANE_PREFIX);
    const actor = tokenLane ? await this.tokenLane(req) : await this.uiLane(req, route.csrf ?? 'token');
    const retryAfter = (tokenLane ? this.publicLimiter : this.uiLimiter).hit(actor.token?.id ?? actor.user.id);
    if (retryAfter > 0) {
      void reply.header('retry-after', String(retryAfter));
      throw new ApiException('E_RATE_LIMITED', `Too many requests; retry in ${retryAfter} s.`);
    }
    await this.authorize(actor, route.access, req.params as Record<string, string>);
    setActor(req, actor);
    return true;
  }

  private async uiLane(req: FastifyRequest, csrf: 'token' | 'origin'): Promise<Actor> {
    if (bearerOf(req) !== null)
      throw new ApiException('E_AUTH_REQUIRED', `Bearer tokens are accepted only under ${PUBLIC_LANE_PREFIX}; sign in for this route.`);
    const actor = await this.auth.sessionActor(req);
    if (!actor) throw new ApiException('E_AUTH_REQUIRED', 'Sign in first.');
    if (!this.origins.allows(req)) throw new ApiException('E_AUTH_FORBIDDEN', 'Requests from this origin are not allowed.');
    if (MUTATING.has(req.method) && csrf === 'origin') {
      // Pages that cannot send our token (the Temporal UI's codec calls) prove they are ours by a required Origin.
      if (!this.origins.isOwn(req)) throw new ApiException('E_AUTH_FORBIDDEN', 'This route needs an Origin header naming this API.');
    } else if (MUTATING.has(req.method) && !sameSecret(req.headers[CSRF_HEADER], actor.csrfToken)) {
      throw new ApiException('E_AUTH_CSRF', `Missing or wrong ${CSRF_HEADER} header.`);
    }
    return actor;
  }

  private async tokenLane(req: FastifyRequest): Promise<Actor> {
    // Cookies are ignored here: only the bearer token counts.
    const actor = await this.auth.tokenActor(req);
    if (!actor) throw new ApiException('E_AUTH_REQUIRED', 'A valid bearer token is required (Authorization: Bearer omni_pat_…).');
    return actor;
  }

  private async authorize(actor: Actor, capability: Capability, params: Record<string, string>): Promise<void> {
    const refusal = accessRefusal(actor, capability, await this.scopes.projectOf(params));
    if (refusal) throw refusal;
  }
}

function sameSecret(given: string | string[] | undefined, expected: string | undefined): boolean {
  if (typeof given !== 'string' || !expected) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
