import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import { OUTGOING_HOOK_ROUTES, TRIGGER_ROUTES } from '@omniai/contracts';
import { IdentityStore } from '@omniai/store';
import type { FastifyRequest } from 'fastify';
import { from, mergeMap, type Observable } from 'rxjs';
import { actorOf } from './actor';
import { routeOf } from './route-table';

// These record richer entries themselves (the role given, the email invited).
const SELF_AUDITED = new Set(['createInvite', 'revokeInvite', 'updateUser', 'putProjectMember', 'removeProjectMember']);

/** Operator changes that are audited too: every change to a trigger (who made a schedule fire, paused it, …). */
const AUDITED_OPERATIONS = new Set(
  [...TRIGGER_ROUTES, ...OUTGOING_HOOK_ROUTES].filter((r) => r.method !== 'get' && r.access !== 'public').map((r) => r.operationId),
);

/**
 * Every successful admin change (policy, providers, prices, tool registrations, …) lands in the audit log: who, which
 * operation, on what path, from where. Bodies are not recorded: they may carry secrets (a provider's API key).
 */
@Injectable()
export class AuditInterceptor implements NestInterceptor {
  constructor(private readonly identity: IdentityStore) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const req = context.switchToHttp().getRequest<FastifyRequest>();
    const route = routeOf(req);
    if (!route || route.method === 'get' || SELF_AUDITED.has(route.operationId)) return next.handle();
    const audited = route.access === 'admin' ? 'admin' : AUDITED_OPERATIONS.has(route.operationId) ? 'trigger' : null;
    if (!audited) return next.handle();
    return next.handle().pipe(
      mergeMap((result) => {
        const actor = actorOf(req);
        const entry = {
          actorUserId: actor.user.id,
          actorEmail: actor.user.email,
          action: `${audited}.${route.operationId}`,
          target: req.url.split('?')[0]!,
          ip: req.ip,
        };
        return from(this.identity.audit(entry).then(() => result));
      }),
    );
  }
}
