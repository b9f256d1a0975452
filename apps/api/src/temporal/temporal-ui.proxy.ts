import httpProxy from '@fastify/http-proxy';
import { Injectable } from '@nestjs/common';
import { roleAllows } from '@omniai/contracts';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AuthService } from '../auth/auth.service';
import { OriginPolicy } from '../auth/origin-policy';
import { AppConfig } from '../config/app-config';

/** Where the Temporal UI is served (the dev server runs it with `--ui-public-path /temporal`). */
export const TEMPORAL_UI_PREFIX = '/temporal';
const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

/**
 * The Temporal UI behind an admin session (D42): `/temporal/*` is forwarded to the UI server (bound to 127.0.0.1,
 * where it shows ciphertext only) for requests that name this API in `Host`, carry an admin's session and, when they
 * change something, an `Origin` naming this API. The UI opens payloads through `/v1/temporal-codec/decode` on the same
 * origin. Anything else answers 404, as if there were no UI: the route exists for admins only.
 */
@Injectable()
export class TemporalUiProxy {
  private readonly hosts: ReadonlySet<string>;

  constructor(
    private readonly config: AppConfig,
    private readonly auth: AuthService,
    private readonly origins: OriginPolicy,
  ) {
    this.hosts = new Set([new URL(config.publicUrl).host, ...config.temporalUiHosts]);
  }

  /** Registers the proxy when a Temporal UI upstream is configured; returns whether it did. */
  async register(fastify: FastifyInstance): Promise<boolean> {
    const upstream = this.config.temporalUiUrl;
    if (!upstream) return false;
    // The UI server's own Content-Security-Policy (its inline scripts) must reach the browser rather than the
    // console's, which the app-wide onSend hook sets; this context's hook runs after it.
    const upstreamCsp = new WeakMap<object, string>();
    await fastify.register(async (scope) => {
      scope.addHook('onSend', async (req, reply) => {
        const csp = upstreamCsp.get(req.raw);
        if (csp) void reply.header('content-security-policy', csp);
      });
      await scope.register(httpProxy, {
        upstream,
        prefix: TEMPORAL_UI_PREFIX,
        rewritePrefix: TEMPORAL_UI_PREFIX,
        preHandler: (req, reply) => this.admit(req, reply),
        replyOptions: {
          rewriteHeaders: (headers, req) => {
            const csp = headers['content-security-policy'];
            if (req && typeof csp === 'string') upstreamCsp.set(req.raw, csp);
            return headers;
          },
        },
      });
    });
    return true;
  }

  /**
   * The request's `Host` is one of the API's own names: the public URL's, `OMNI_TEMPORAL_UI_HOSTS`, or the listen
   * address (with `localhost` for a loopback one) on the port the request came in on. A DNS-rebound name never
   * reaches the UI server.
   */
  hostAllowed(req: FastifyRequest): boolean {
    const host = req.headers.host?.toLowerCase();
    if (host === undefined) return false;
    if (this.hosts.has(host)) return true;
    const port = req.raw.socket.localPort;
    const names = LOOPBACK.has(this.config.host) ? [this.config.host, 'localhost'] : [this.config.host];
    return names.some((name) => host === `${name}:${port}`);
  }

  private async admit(req: FastifyRequest, reply: FastifyReply): Promise<void> {
    const actor = this.hostAllowed(req) ? await this.auth.sessionActor(req) : null;
    const admitted = actor !== null && roleAllows(actor.user.role, 'admin') && (SAFE.has(req.method) || this.origins.isOwn(req));
    if (!admitted) {
      await reply.code(404).header('content-type', 'application/json').send({ error: { code: 'E_NOT_FOUND', message: 'Not found.', request_id: String(req.id) } });
    }
  }
}
