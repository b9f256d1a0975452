import { randomUUID } from 'node:crypto';
import fastifyStatic from '@fastify/static';
import { NestFactory } from '@nestjs/core';
import { storableJson } from '@omniai/contracts/pure';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppModule } from './app.module';
import type { AppConfig } from './config/app-config';
import { OriginPolicy } from './auth/origin-policy';
import { ConsoleAssets } from './console/console-assets';
import { StructuredLogger } from './logging/structured-logger';
import { SECURITY_HEADERS } from './http/security-headers';
import { TemporalUiProxy } from './temporal/temporal-ui.proxy';

export interface RegisteredRoute {
  method: string;
  url: string;
}
const ROUTES = new WeakMap<NestFastifyApplication, RegisteredRoute[]>();

/** Every route the app registered with Fastify (for the tests that crawl them all). */
export function registeredRoutes(app: NestFastifyApplication): readonly RegisteredRoute[] {
  return ROUTES.get(app) ?? [];
}

/** Builds the API (used by main.ts and by the tests, which bind a free port). */
export async function createApiApp(config: AppConfig): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    bodyLimit: config.bodyLimitBytes,
    genReqId: () => randomUUID(),
    requestIdHeader: false,
    trustProxy: false,
    routerOptions: { ignoreTrailingSlash: false, caseSensitive: true },
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config), adapter, {
    logger: new StructuredLogger(config.logLevels, config.logFormat),
    bufferLogs: false,
  });
  const fastify = app.getHttpAdapter().getInstance();
  const routes: RegisteredRoute[] = [];
  fastify.addHook('onRoute', (r) => {
    for (const method of [r.method].flat()) routes.push({ method: String(method), url: r.url });
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
  // CORS for the configured origins on the UI lane only (never reflected, never on /v1/public).
  fastify.addHook('onRequest', app.get(OriginPolicy).corsHook);
  // The Temporal UI under /temporal/, for admins only (D45).
  await app.get(TemporalUiProxy).register(fastify);
  const assets = app.get(ConsoleAssets);
  if (assets.indexHtml && assets.dir) {
    await app.register(fastifyStatic, { root: assets.dir, prefix: '/', wildcard: false, index: ['index.html'] });
  }
  app.enableShutdownHooks();
  return app;
}
