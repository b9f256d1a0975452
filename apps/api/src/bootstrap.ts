import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import fastifyStatic from '@fastify/static';
import { NestFactory } from '@nestjs/core';
import { storableJson } from '@omniai/contracts/pure';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { API_ROUTES } from '@omniai/contracts';
import { AppModule } from './app.module';
import type { AppConfig } from './config/app-config';
import { EarlyAuth } from './auth/early-auth';
import { OriginPolicy } from './auth/origin-policy';
import { routeKey } from './auth/route-table';
import { ConsoleAssets } from './console/console-assets';
import { StructuredLogger } from './logging/structured-logger';
import { SECURITY_HEADERS } from './http/security-headers';
import { TemporalUiProxy } from './temporal/temporal-ui.proxy';

export interface RegisteredRoute {
  method: string;
  url: string;
}
const ROUTES = new WeakMap<NestFastifyApplication, RegisteredRoute[]>();
/** Per-route body limits declared in the route table, by `METHOD /path/:param`. */
const BODY_LIMITS = new Map(API_ROUTES.filter((r) => r.bodyLimit !== undefined).map((r) => [routeKey(r.method, r.path), r.bodyLimit!]));

/** The route whose JSON body stays raw bytes (its signature covers them). */
const WEBHOOK_ROUTE = '/v1/hooks/:hookId';

/** Every route the app registered with Fastify (for the tests that crawl them all). */
export function registeredRoutes(app: NestFastifyApplication): readonly RegisteredRoute[] {
  return ROUTES.get(app) ?? [];
}

function trustHops(hops: number): (address: string, hop: number) => boolean {
  return (_address, hop) => hop < hops;
}

/** Builds the API (used by main.ts and by the tests, which bind a free port). */
export async function createApiApp(config: AppConfig): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    bodyLimit: config.bodyLimitBytes,
    genReqId: () => randomUUID(),
    requestIdHeader: false,
    // A hop count trusts that many proxies in front (what proxy-addr does for a number; Fastify's types lack it).
    trustProxy: typeof config.trustProxy === 'number' ? trustHops(config.trustProxy) : config.trustProxy,
    // Slow-body and idle connections are cut: a whole request within requestTimeout (then 408), no socket idle past
    // connectionTimeout (SSE heartbeats keep streams alive), keep-alive sockets closed after keepAliveTimeout.
    requestTimeout: config.timeouts.requestMs,
    connectionTimeout: config.timeouts.connectionMs,
    keepAliveTimeout: config.timeouts.keepAliveMs,
    // Node enforces requestTimeout only when the server is created with it (Fastify sets it afterwards, which Node 24
    // ignores: measured), and checks it every connectionsCheckingInterval (30 s by default).
    http: {
      requestTimeout: config.timeouts.requestMs,
      connectionsCheckingInterval: Math.min(5_000, Math.max(100, Math.floor(config.timeouts.requestMs / 4))),
    },
    routerOptions: { ignoreTrailingSlash: false, caseSensitive: true },
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config), adapter, {
    logger: new StructuredLogger(config.logLevels, config.logFormat),
    bufferLogs: false,
  });
  const fastify = app.getHttpAdapter().getInstance();
  const routes: RegisteredRoute[] = [];
  fastify.addHook('onRoute', (r) => {
    for (const method of [r.method].flat()) {
      routes.push({ method: String(method), url: r.url });
      // A route that takes more than the server-wide body limit declares it in the route table (e.g. graph specs).
      const declared = BODY_LIMITS.get(routeKey(String(method), r.url));
      if (declared !== undefined) r.bodyLimit = Math.max(declared, config.bodyLimitBytes);
    }
  });
  ROUTES.set(app, routes);
  fastify.addHook('onSend', async (request, reply) => {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) reply.header(name, value);
    reply.header('x-request-id', String(request.id));
  });
  // Every string a client sends is made storable before any route sees it: NUL and lone surrogates become U+FFFD, so
  // Postgres never refuses a name or a message for them (D38).
  fastify.addHook('preValidation', async (request) => {
    request.body = storableJson(request.body);
    request.query = storableJson(request.query);
    request.params = storableJson(request.params);
  });
  // Before anything else: a Host this deployment does not answer to is refused (DNS rebinding), then a route that
  // needs credentials and got none is answered 401 before its body is read; the AuthGuard still runs in full later.
  const origins = app.get(OriginPolicy);
  // CORS for the configured origins on the UI lane only (never reflected, never on /v1/public); before the early 401
  // so that an allowed origin can read it.
  fastify.addHook('onRequest', origins.hostHook);
  fastify.addHook('onRequest', origins.corsHook);
  fastify.addHook('onRequest', app.get(EarlyAuth).hook);
  // The Temporal UI under /temporal/, for admins only (D45).
  await app.get(TemporalUiProxy).register(fastify);
  const assets = app.get(ConsoleAssets);
  if (assets.indexHtml && assets.dir) {
    await app.register(fastifyStatic, { root: assets.dir, prefix: '/', wildcard: false, index: ['index.html'] });
  }
  // An inbound webhook's signature covers the exact bytes sent: that route gets its JSON body unparsed (a Buffer, parsed
  // after the signature verified); every other route gets Fastify's JSON parser with the settings Nest's default uses.
  // Registered after the plugins (the Temporal UI proxy parses JSON in its own context, which would inherit this one and
  // refuse its own) and before Nest's init, which then leaves application/json to it.
  const json = fastify.getDefaultJsonParser('error', 'error');
  app.useBodyParser<Server>('application/json', { bodyLimit: config.bodyLimitBytes }, (request, body, done) => {
    if (request.routeOptions.url === WEBHOOK_ROUTE) done(null, body);
    // Fastify's JSON parser reads a Buffer as well as a string (its types name only the string).
    else void json(request, body as unknown as string, done);
  });
  app.enableShutdownHooks();
  return app;
}
