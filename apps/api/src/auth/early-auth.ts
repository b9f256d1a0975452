import { Injectable } from '@nestjs/common';
import { isTokenLanePath } from '@omniai/contracts';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiException } from '../errors/api.exception';
import { toErrorEnvelope } from '../errors/error-envelope';
import { AuthService, bearerOf, TOKEN_PREFIX } from './auth.service';
import { parseCookies } from './cookies';
import { routeOf } from './route-table';

/** What a session id or token secret looks like (base64url); a value of another shape cannot be live. */
const SECRET_SHAPE = /^[A-Za-z0-9_-]{16,200}$/;

/**
 * A Fastify `onRequest` hook (before the body is read): a request to a route that needs credentials and carries
 * none in a plausible shape is answered 401 at once, so an anonymous client cannot make the API buffer and parse its
 * body. Presence and shape only; the AuthGuard still checks everything later.
 */
@Injectable()
export class EarlyAuth {
  constructor(private readonly auth: AuthService) {}

  readonly hook = async (req: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const route = routeOf(req);
    // Unknown routes (404) and public ones are not ours to refuse here.
    if (!route || route.access === 'public' || this.hasCredential(req, isTokenLanePath(route.path))) return;
    const { status, body } = toErrorEnvelope(new ApiException('E_AUTH_REQUIRED', 'Sign in first.'), String(req.id));
    // The unread body stays on the socket: close it rather than read it for a keep-alive.
    await reply.code(status).header('connection', 'close').send(body);
  };

  private hasCredential(req: FastifyRequest, tokenLane: boolean): boolean {
    if (tokenLane) {
      const secret = bearerOf(req);
      return secret !== null && secret.startsWith(TOKEN_PREFIX) && SECRET_SHAPE.test(secret.slice(TOKEN_PREFIX.length));
    }
    const id = parseCookies(req.headers.cookie).get(this.auth.sessionCookie);
    return id !== undefined && SECRET_SHAPE.test(id);
  }
}
