import 'reflect-metadata';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { ErrorEnvelope, Meta } from '@omniai/contracts';
import { createDataSource, EngineReportStore } from '@omniai/store';
import { createTestDatabase } from '@omniai/store/testing';
import { reportEngine } from '@omniai/worker/testing';
import Docker from 'dockerode';
import type { DataSource } from 'typeorm';
import { createApiApp } from '../src/bootstrap';
import { AppConfig } from '../src/config/app-config';

const ADMIN = { email: 'meta-admin@omni.test', password: 'meta-admin-password-not-secret' };

/** The API, signed in: versions and component details are for signed-in callers (issue 13, item 13). */
async function startApi(env: Record<string, string>): Promise<{ app: NestFastifyApplication; url: string; meta(): Promise<Response> }> {
  const config = AppConfig.fromEnv({
    OMNI_API_PORT: '0',
    OMNI_LOG_LEVEL: 'warn',
    OMNI_SECRETS_KEY: process.env['OMNI_TEST_SECRETS_KEY']!,
    OMNI_PAYLOAD_KEYS: process.env['OMNI_TEST_PAYLOAD_KEYS']!,
    OMNI_ADMIN_EMAIL: ADMIN.email,
    OMNI_ADMIN_PASSWORD: ADMIN.password,
    // Each request probes afresh here: these tests change what the probes see between requests.
    OMNI_META_CACHE_MS: '0',
    ...env,
  });
  const app = await createApiApp(config);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.getHttpServer().address() as { port: number };
  const url = `http://127.0.0.1:${address.port}`;
  const login = await fetch(`${url}/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(ADMIN) });
  const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
  return { app, url, meta: () => fetch(`${url}/v1/meta`, { headers: { cookie } }) };
}

describe('API health and errors (real Postgres, Temporal and Docker)', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let api: Awaited<ReturnType<typeof startApi>>;
  let ds: DataSource;
  const consoleDir = mkdtempSync(join(tmpdir(), 'omniai-console-'));

  beforeAll(async () => {
    writeFileSync(join(consoleDir, 'index.html'), '<!doctype html><omni-root></omni-root>');
    db = await createTestDatabase('api');
    api = await startApi({
      DATABASE_URL: db.url,
      TEMPORAL_ADDRESS: process.env['OMNI_TEST_TEMPORAL_ADDRESS']!,
      TEMPORAL_UI_URL: 'http://127.0.0.1:1/ui',
      OMNI_CONSOLE_DIR: consoleDir,
    });
    ds = createDataSource({ url: db.url, applicationName: 'meta-test' });
    await ds.initialize();
  });

  afterAll(async () => {
    await ds.destroy();
    await api.app.close();
    await db.drop();
  });

  it('GET /healthz answers without touching dependencies', async () => {
    const res = await fetch(`${api.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('GET /v1/meta reports the Docker engine only as a worker saw it: the API holds no Docker socket (D39)', async () => {
    const before = Meta.parse(await (await api.meta()).json());
    expect(before.components.docker).toMatchObject({ status: 'unhealthy', detail: expect.stringMatching(/no worker has reported/) });
    const store = new EngineReportStore(ds);
    const refused = { engine_version: '20.10.0', runc_version: '1.1.11', seccomp_profile: 'default', waived: [] };
    await store.record({ worker_id: 'old-host/1', ...refused, problems: ['runc 1.1.11 is older than 1.1.12 and open to CVE-2024-21626'] });
    const old = Meta.parse(await (await api.meta()).json());
    expect(old.components.docker).toMatchObject({ status: 'unhealthy', detail: expect.stringMatching(/CVE-2024-21626/) });
  });

  it('GET /v1/meta reports each real component with its latency, in the contract shape', async () => {
    // What the worker does at start and on its heartbeat, against the real engine.
    await reportEngine({ docker: new Docker(), store: new EngineReportStore(ds), allowUnpatchedRunc: false, workerId: 'meta-test/1' });
    const res = await api.meta();
    expect(res.status).toBe(200);
    const meta = Meta.parse(await res.json());
    expect(meta.components.temporal).toMatchObject({ status: 'healthy', detail: expect.stringMatching(/^Temporal server \d/) });
    expect(meta.components.postgres).toMatchObject({ status: 'healthy', detail: expect.stringMatching(/^PostgreSQL \d/) });
    expect(meta.components.docker).toMatchObject({ status: 'healthy', detail: expect.stringMatching(/^Docker engine .*runc .*seccomp /) });
    // No worker polls the product's task queue in this test, and the API must say so rather than pretend.
    expect(meta.components.worker.status).toBe('unhealthy');
    expect(meta.status).toBe('degraded');
    expect(meta.instance_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(meta.links?.temporal_ui).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/temporal$/);
    for (const c of Object.values(meta.components)) expect(c.latency_ms).toBeGreaterThanOrEqual(0);
  });

  it('reports an unreachable Temporal as unhealthy instead of failing the request', async () => {
    const other = await createTestDatabase('api_down');
    const down = await startApi({ DATABASE_URL: other.url, TEMPORAL_ADDRESS: '127.0.0.1:1' });
    try {
      const res = await down.meta();
      expect(res.status).toBe(200);
      const meta = Meta.parse(await res.json());
      expect(meta.components.temporal.status).toBe('unhealthy');
      expect(meta.components.temporal.detail?.length).toBeGreaterThan(0);
      expect(meta.components.postgres.status).toBe('healthy');
    } finally {
      await down.app.close();
      await other.drop();
    }
  });

  it('answers unknown API routes with the 404 envelope, never HTML', async () => {
    const res = await fetch(`${api.url}/v1/does-not-exist`);
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
    const body = ErrorEnvelope.parse(await res.json());
    expect(body.error.code).toBe('E_NOT_FOUND');
    expect(body.error.request_id).toBe(res.headers.get('x-request-id'));
  });

  it('serves the console with index.html as the fallback for deep links, with security headers', async () => {
    const res = await fetch(`${api.url}/projects/p1/threads`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('<omni-root>');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    const asset = await fetch(`${api.url}/missing.js`);
    expect(asset.status).toBe(404);
  });

  it('refuses to start with a one-line error when its configuration is invalid', () => {
    expect(() => AppConfig.fromEnv({ DATABASE_URL: 'postgres://x', OMNI_SECRETS_KEY: 'k', OMNI_API_PORT: 'eighty' })).toThrow(/OMNI_API_PORT/);
    expect(() => AppConfig.fromEnv({})).toThrow(/DATABASE_URL/);
  });
});
