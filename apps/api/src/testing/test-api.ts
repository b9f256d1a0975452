import 'reflect-metadata';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createApiApp } from '../bootstrap';
import { AppConfig } from '../config/app-config';

export interface TestApi {
  app: NestFastifyApplication;
  url: string;
  post(path: string, body?: unknown): Promise<{ status: number; body: any }>;
  get(path: string): Promise<{ status: number; body: any }>;
  put(path: string, body: unknown): Promise<{ status: number; body: any }>;
  del(path: string): Promise<{ status: number; body: any }>;
  close(): Promise<void>;
}

/** The real API on a free port, against the test Postgres and Temporal. */
export async function startTestApi(env: Record<string, string>): Promise<TestApi> {
  const config = AppConfig.fromEnv({ OMNI_API_PORT: '0', OMNI_LOG_LEVEL: 'warn', OMNI_SECRETS_KEY: process.env['OMNI_TEST_SECRETS_KEY']!, TEMPORAL_ADDRESS: process.env['OMNI_TEST_TEMPORAL_ADDRESS']!, ...env });
  const app = await createApiApp(config);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.getHttpServer().address() as { port: number };
  const url = `http://127.0.0.1:${port}`;
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${url}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  };
  return {
    app,
    url,
    post: (p, b) => call('POST', p, b ?? {}),
    get: (p) => call('GET', p),
    put: (p, b) => call('PUT', p, b),
    del: (p) => call('DELETE', p),
    close: () => app.close(),
  };
}
