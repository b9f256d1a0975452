import { createHash } from 'node:crypto';
import httpProxy from '@fastify/http-proxy';
import { Injectable } from '@nestjs/common';
import { roleAllows } from '@omniai/contracts';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AuthService } from '../auth/auth.service';
import { OriginPolicy } from '../auth/origin-policy';
import { parseCookies } from '../auth/cookies';
import { AppConfig } from '../config/app-config';
import { SECURITY_HEADERS } from '../http/security-headers';

/** Where the Temporal UI is served (the dev server runs it with `--ui-public-path /temporal`). */
export const TEMPORAL_UI_PREFIX = '/temporal';
const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);
/** An inline `<script>` (no `src`) and its text, as the browser hashes it. */
const INLINE_SCRIPT = /<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/gi;
const MAX_HTML_BYTES = 2 * 1024 * 1024;

/**
 * The Temporal UI behind an admin session (D45): `/temporal/*` is forwarded to the UI server (bound to 127.0.0.1,
 * where it shows ciphertext only) for requests that name this API in `Host`, carry an admin's session and, when they
 * change something, an `Origin` naming this API. The UI opens payloads through `/v1/temporal-codec/decode` on the same
 * origin. Anything else answers 404, as if there were no UI: the route exists for admins only.
 */
@Injectable()
export class TemporalUiProxy {
  constructor(
    private readonly config: AppConfig,
    private readonly auth: AuthService,
    private readonly origins: OriginPolicy,
  ) {}

  /** Registers the proxy when a Temporal UI upstream is configured; returns whether it did. */
  async register(fastify: FastifyInstance): Promise<boolean> {
    const upstream = this.config.temporalUiUrl;
    if (!upstream) return false;
    await fastify.register(async (scope) => {
      // Runs after the app-wide onSend hook: the UI's pages get a CSP that admits exactly their own inline scripts.
      scope.addHook('onSend', async (_req, reply, payload) => this.withUiCsp(reply, payload));
      await scope.register(httpProxy, {
        upstream,
        prefix: TEMPORAL_UI_PREFIX,
        rewritePrefix: TEMPORAL_UI_PREFIX,
        preHandler: (req, reply) => this.admit(req, reply),
        replyOptions: {
          // The UI server never sees the API's session cookie; its pages come back uncompressed, to be hashed.
          rewriteRequestHeaders: (_req, { 'accept-encoding': _, ...headers }) => ({
            ...headers,
            cookie: withoutCookie(headers.cookie, this.auth.sessionCookie),
          }),
        },
      });
    });
    return true;
  }

  /**
   * The console's CSP forbids inline scripts, and the UI's index page starts with one: an HTML answer gets the same
   * CSP with the SHA-256 of each inline script it carries (and nothing else) added to `script-src`.
   */
  private async withUiCsp(reply: FastifyReply, payload: unknown): Promise<unknown> {
    if (!String(reply.getHeader('content-type') ?? '').startsWith('text/html') || payload === null || payload === undefined) return payload;
    const html = typeof payload === 'string' || Buffer.isBuffer(payload) ? String(payload) : await readAll(payload as AsyncIterable<Buffer | string>);
    const hashes = [...html.matchAll(INLINE_SCRIPT)].map((m) => `'sha256-${createHash('sha256').update(m[1]!).digest('base64')}'`);
    const csp = SECURITY_HEADERS['content-security-policy']!.replace("script-src 'self'", ["script-src 'self'", ...hashes].join(' '));
    void reply.header('content-security-policy', csp).header('content-length', String(Buffer.byteLength(html)));
    return html;
  }

  private async admit(req: FastifyRequest, reply: FastifyReply): Promise<void> {
    // The app-wide Host hook (D46) already refused other names; checked again here because this route forwards to
    // a server that trusts whoever reaches it.
    const actor = this.origins.hostAllowed(req.headers.host, req.socket.localPort) ? await this.auth.sessionActor(req) : null;
    const admitted = actor !== null && roleAllows(actor.user.role, 'admin') && (SAFE.has(req.method) || this.origins.isOwn(req));
    if (!admitted) {
      await reply
        .code(404)
        .header('content-type', 'application/json')
        .send({ error: { code: 'E_NOT_FOUND', message: 'Not found.', request_id: String(req.id) } });
    }
  }
}

function withoutCookie(header: string | string[] | undefined, name: string): string {
  const kept = [...parseCookies([header ?? ''].flat().join('; '))].filter(([k]) => k !== name);
  return kept.map(([k, v]) => `${k}=${v}`).join('; ');
}

async function readAll(stream: AsyncIterable<Buffer | string>): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const b = Buffer.from(chunk);
    size += b.length;
    if (size > MAX_HTML_BYTES) throw new Error('the Temporal UI sent an HTML page over 2 MiB');
    chunks.push(b);
  }
  return Buffer.concat(chunks).toString('utf8');
}
