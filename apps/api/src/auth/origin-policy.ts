import { Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppConfig } from '../config/app-config';
import { ApiException } from '../errors/api.exception';
import { toErrorEnvelope } from '../errors/error-envelope';

const PUBLIC_LANE = /^\/v1\/public(\/|$)/;
/** Liveness probes (a load balancer asks by address) learn nothing a rebinding page could use. */
const ANY_HOST = new Set(['/healthz']);

/**
 * Which hosts and browser origins may use the API. The Host header must name this deployment (the public URL's
 * host, `OMNI_ALLOWED_HOSTS`, or a loopback name on the port the API listens on): a page on a rebinding domain
 * (`evil.example` resolving to 127.0.0.1) is refused before any route runs. Browser origins on the UI lane: the
 * console's own origin and the configured allowlist (`OMNI_CORS_ORIGINS`), or an allowed host's own origin. Never a
 * reflected origin, never `*` with credentials; the public lane (bearer tokens, for servers) sends no CORS headers.
 */
@Injectable()
export class OriginPolicy {
  private readonly allowlist: ReadonlySet<string>;
  private readonly own: string;

  constructor(private readonly config: AppConfig) {
    this.allowlist = new Set(config.corsOrigins);
    this.own = new URL(config.publicUrl).origin;
  }

  /** True when `host` (a Host header or an origin's host) names this deployment; `localPort` is the socket's port. */
  hostAllowed(host: string | undefined, localPort: number | undefined): boolean {
    if (!host) return false;
    const h = host.toLowerCase();
    if (this.config.allowedHosts.has(h)) return true;
    const m = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(h);
    if (!m || !this.config.localHostNames.has(m[1]!)) return false;
    // Port 0 asks the OS for a free one (tests): the port the socket accepted on is then the API's.
    const port = this.config.port || localPort;
    return (m[2] === undefined ? 80 : Number(m[2])) === port;
  }

  /** True when the request carries no Origin (not a browser's cross-origin call) or an allowed one. */
  allows(req: FastifyRequest): boolean {
    const origin = req.headers.origin;
    if (origin === undefined) return true;
    if (origin === this.own || this.allowlist.has(origin)) return true;
    return this.isAllowedHostOrigin(origin, req);
  }

  /** True only when the request carries an Origin naming this deployment: the public URL or an allowed host's own origin. */
  isOwn(req: FastifyRequest): boolean {
    const origin = req.headers.origin;
    if (origin === undefined) return false;
    if (origin === this.own) return true;
    return this.isAllowedHostOrigin(origin, req);
  }

  private isAllowedHostOrigin(origin: string, req: FastifyRequest): boolean {
    let url: URL;
    try {
      url = new URL(origin);
    } catch {
      return false;
    }
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.origin === origin && this.hostAllowed(url.host, req.socket.localPort);
  }

  /** Fastify `onRequest` hook, first of all: a Host this deployment does not answer to gets 421 and nothing else. */
  readonly hostHook = async (req: FastifyRequest, reply: FastifyReply): Promise<void> => {
    if (ANY_HOST.has(req.url) || this.hostAllowed(req.headers.host, req.socket.localPort)) return;
    const { status, body } = toErrorEnvelope(
      new ApiException('E_HOST_NOT_ALLOWED', 'This server does not answer to that host name (see OMNI_ALLOWED_HOSTS).'),
      String(req.id),
    );
    await reply.code(status).header('connection', 'close').send(body);
  };

  /** Fastify `onRequest` hook: CORS headers for allowlisted origins on the UI lane, and their preflights. */
  readonly corsHook = async (req: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const origin = req.headers.origin;
    if (!origin || !this.allowlist.has(origin) || PUBLIC_LANE.test(req.url.toLowerCase())) return;
    void reply.header('access-control-allow-origin', origin).header('access-control-allow-credentials', 'true').header('vary', 'Origin');
    if (req.method === 'OPTIONS' && req.headers['access-control-request-method']) {
      await reply
        .header('access-control-allow-methods', 'GET, POST, PUT, PATCH, DELETE')
        .header('access-control-allow-headers', 'content-type, x-csrf-token, last-event-id')
        .header('access-control-max-age', '600')
        .code(204)
        .send();
    }
  };
}
