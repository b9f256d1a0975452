import { Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppConfig } from '../config/app-config';

const PUBLIC_LANE = /^\/v1\/public(\/|$)/;

/**
 * Which browser origins may use the UI lane: the console's own origin (the API serves it) and the configured
 * allowlist (`OMNI_CORS_ORIGINS`). Never a reflected origin, never `*` with credentials; the public lane (bearer
 * tokens, for servers) sends no CORS headers at all.
 */
@Injectable()
export class OriginPolicy {
  private readonly allowlist: ReadonlySet<string>;
  private readonly own: string;

  constructor(config: AppConfig) {
    this.allowlist = new Set(config.corsOrigins);
    this.own = new URL(config.publicUrl).origin;
  }

  /** True when the request carries no Origin (not a browser's cross-origin call) or an allowed one. */
  allows(req: FastifyRequest): boolean {
    const origin = req.headers.origin;
    if (origin === undefined) return true;
    if (origin === this.own || this.allowlist.has(origin)) return true;
    const host = req.headers.host;
    return host !== undefined && (origin === `http://${host}` || origin === `https://${host}`);
  }

  /** True only when the request carries an Origin and it is the API's own (public URL, or the Host it was sent to). */
  isOwn(req: FastifyRequest): boolean {
    const origin = req.headers.origin;
    if (origin === undefined) return false;
    const host = req.headers.host;
    return origin === this.own || (host !== undefined && (origin === `http://${host}` || origin === `https://${host}`));
  }

  /** Fastify `onRequest` hook: CORS headers for allowlisted origins on the UI lane, and their preflights. */
  readonly corsHook = async (req: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const origin = req.headers.origin;
    if (!origin || !this.allowlist.has(origin) || PUBLIC_LANE.test(req.url.toLowerCase())) return;
    void reply.header('access-control-allow-origin', origin).header('access-control-allow-credentials', 'true').header('vary', 'Origin');
    if (req.method === 'OPTIONS' && req.headers['access-control-request-method']) {
      await reply
        .header('access-control-allow-methods', 'GET, POST, PUT, DELETE')
        .header('access-control-allow-headers', 'content-type, x-csrf-token, last-event-id')
        .header('access-control-max-age', '600')
        .code(204)
        .send();
    }
  };
}
