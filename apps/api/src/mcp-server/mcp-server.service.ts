import { Readable } from 'node:stream';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { type AuthInfo, createMcpHandler, type McpHttpHandler } from '@modelcontextprotocol/server';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { actorOf } from '../auth/actor';
import { AppConfig } from '../config/app-config';
import { McpCatalog, type McpCaller } from './mcp-catalog';

/** Where the caller rides from the HTTP request to the per-request server factory: the SDK's pass-through `authInfo`. */
const CALLER = 'omniai.caller';

/**
 * `/mcp` over the official SDK's HTTP entry (`createMcpHandler`): stateless, one fresh `McpServer` per request for the
 * caller the AuthGuard already authenticated (bearer token, scopes, Origin), both protocol eras (2026-07-28 and the
 * 2025 stateless fallback). Fastify has parsed and size-limited the body; the answer (JSON or SSE) streams back as is.
 */
@Injectable()
export class McpServerService implements OnModuleDestroy {
  private readonly logger = new Logger('mcp-server');
  private readonly handler: McpHttpHandler;

  constructor(
    private readonly catalog: McpCatalog,
    config: AppConfig,
  ) {
    this.handler = createMcpHandler((ctx) => this.catalog.build(ctx.authInfo!.extra![CALLER] as McpCaller), {
      maxRequestBodySize: config.bodyLimitBytes,
      onerror: (err) => this.logger.warn(`MCP request refused or failed: ${err.message}`),
    });
  }

  async handle(req: FastifyRequest, reply: FastifyReply): Promise<void> {
    const actor = actorOf(req);
    const body = req.method === 'POST' ? req.body : undefined;
    const caller: McpCaller = { actor, taskAsked: asksForTask(body) };
    const authInfo: AuthInfo = { token: actor.token!.id, clientId: actor.token!.id, scopes: [...actor.token!.scopes], extra: { [CALLER]: caller } };
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
    const request = new Request(new URL(req.url, `http://${req.headers.host ?? 'localhost'}`), {
      method: req.method,
      headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const response = await this.handler.fetch(request, { authInfo, ...(body === undefined ? {} : { parsedBody: body }) });
    void reply.code(response.status);
    response.headers.forEach((value, name) => void reply.header(name, value));
    await reply.send(response.body ? Readable.fromWeb(response.body as unknown as NodeReadableStream) : undefined);
  }

  async onModuleDestroy(): Promise<void> {
    await this.handler.close();
  }
}

/** Whether a POSTed message is a `tools/call` asking for a task (2025-11-25: `params.task`). */
function asksForTask(body: unknown): boolean {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return false;
  const { method, params } = body as { method?: unknown; params?: { task?: unknown } };
  return method === 'tools/call' && typeof params?.task === 'object' && params.task !== null;
}
