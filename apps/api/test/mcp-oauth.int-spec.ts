import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import type { McpCatalogTool } from '@omniai/contracts';
import { createTestDatabase } from '@omniai/store/testing';
import { startTestWorker, type TestWorker } from '@omniai/worker/testing';
import { runDriver } from './support/run-driver';
import { startTestApi, type TestApi } from './support/test-api';

/**
 * The hub with an OAuth-protected MCP server, as an admin sets one up: a real authorization server (oidc-provider)
 * and the MCP server it guards, on 127.0.0.1 (tools/testing/oauth-mcp-fixture.mjs, plain-http mode: OAuth allows
 * loopback http), reached through `allow_private` egress entries. The server is added (it waits for authorization),
 * the admin authorizes OmniAI in the browser (PKCE, dynamic registration), the callback seals the tokens, the first
 * listing is approved, a Try runs with the token, and the worker refreshes it once it expires.
 */
const ACCESS_TTL_S = 2;

describe('MCP hub: OAuth 2.1 with PKCE', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let api: TestApi;
  let worker: TestWorker;
  let fixture: ChildProcess;
  let ports: { as_port: number; mcp_port: number };
  let projectId: string;

  beforeAll(async () => {
    fixture = spawn(process.execPath, [resolve(__dirname, '../../../tools/testing/oauth-mcp-fixture.mjs'), '-', '-', String(ACCESS_TTL_S)], {
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    ports = JSON.parse(
      await new Promise<string>((done, fail) => {
        createInterface({ input: fixture.stdout! }).once('line', done);
        fixture.once('exit', (code) => fail(new Error(`the OAuth fixture exited with ${code}`)));
      }),
    );
    db = await createTestDatabase('mcpoauth');
    const taskQueue = `test-${randomUUID()}`;
    // A public URL the authorization server accepts in a redirect URI (the test API listens on a port chosen later).
    api = await startTestApi({ DATABASE_URL: db.url, OMNI_TASK_QUEUE: taskQueue, OMNI_MCP_CHECK_WAIT_MS: '60000', OMNI_PUBLIC_URL: 'http://127.0.0.1:8787' });
    worker = await startTestWorker(db.url, { taskQueue });
    projectId = (await api.post('/v1/projects', { name: 'OAuth' })).body.id;
    const policy = await api.put('/v1/policy', {
      grants: [{ level: 'workspace', subject: '*', scopes: ['read_web', 'write_web'], require_approval: false }],
      kill_switch_external_writes: false,
      egress_allow: [
        { host: `127.0.0.1:${ports.mcp_port}`, allow_private: true, note: 'the MCP server' },
        { host: `127.0.0.1:${ports.as_port}`, allow_private: true, note: 'its authorization server' },
      ],
    });
    expect(policy.status).toBe(200);
  }, 300_000);

  afterAll(async () => {
    fixture?.kill('SIGTERM');
    await api?.close();
    await worker?.stop();
    await db?.drop();
  });

  /** The admin's browser: from the authorization URL through login and consent to OmniAI's callback. */
  async function browse(start: string, callback: string): Promise<URL> {
    const cookies = new Map<string, string>();
    let at = new URL(start);
    for (let hop = 0; hop < 12; hop += 1) {
      if (at.href.startsWith(callback)) return at;
      const res = await fetch(at, { redirect: 'manual', headers: { cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join('; ') } });
      for (const c of res.headers.getSetCookie()) {
        const pair = c.split(';')[0]!;
        cookies.set(pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1));
      }
      const location = res.headers.get('location');
      if (!location)
        throw new Error(
          `the authorization server answered ${res.status} at ${at.pathname} without a redirect: ${(await res.text())
            .replace(/<[^>]*>/g, ' ')
            .replace(/\s+/g, ' ')
            .slice(-500)}`,
        );
      at = new URL(location, at);
    }
    throw new Error('too many redirects');
  }

  it('adds the server waiting for authorization, authorizes with PKCE, calls with the token and refreshes it', async () => {
    const url = `http://127.0.0.1:${ports.mcp_port}/mcp`;
    const added = await api.post('/v1/mcp/servers', { id: 'guarded', transport: { type: 'streamable_http', url }, auth: { type: 'oauth' } });
    expect([added.status, added.body.error]).toEqual([201, undefined]);
    expect(added.body.server.health).toMatchObject({ status: 'error', auth_state: 'needs_authorization', error: { code: 'E_AUTH_REQUIRED' } });
    expect(added.body.server.auth).toEqual({ type: 'oauth', client_id: null, scopes: [], authorized: false, expires_at: null });
    expect(added.body.catalog.tools).toEqual([]);

    const start = await api.post('/v1/mcp/servers/guarded/oauth/authorize');
    expect(start.status).toBe(200);
    // OmniAI's public URL names the callback (the test API's is configured with port 0: only its path is checked).
    const callback = start.body.redirect_uri as string;
    expect(new URL(callback).pathname).toBe('/v1/mcp/servers/guarded/oauth/callback');
    const authorization = new URL(start.body.authorization_url);
    expect(authorization.origin).toBe(`http://127.0.0.1:${ports.as_port}`);
    expect(authorization.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorization.searchParams.get('resource')).toBe(url);

    const back = await browse(start.body.authorization_url, callback);
    // A forged state exchanges nothing.
    const forged = await api.get(`/v1/mcp/servers/guarded/oauth/callback?code=${back.searchParams.get('code')}&state=forged`);
    expect([forged.status, forged.body.error.code]).toEqual([400, 'E_VALIDATION']);
    const done = await api.get(`/v1/mcp/servers/guarded/oauth/callback${back.search}`);
    expect(done.status).toBe(200);
    expect(done.headers.get('content-type')).toContain('text/html');
    expect(done.body).toContain('now authorized');

    const server = await api.get('/v1/mcp/servers/guarded');
    expect(server.body.auth).toMatchObject({ type: 'oauth', authorized: true, expires_at: expect.any(String) });
    expect(server.body.health).toMatchObject({ status: 'ok', auth_state: 'ok' });
    expect(JSON.stringify(server.body)).not.toMatch(/access_token|refresh_token|code_verifier/);
    const catalog = await api.get('/v1/mcp/servers/guarded/catalog');
    const whoami = catalog.body.tools.find((t: McpCatalogTool) => t.definition.name === 'whoami') as McpCatalogTool;
    expect(whoami).toMatchObject({ status: 'approved', tool_id: 'mcp.guarded.whoami' });

    // The access token expires; the worker refreshes it on the server's 401 and keeps the new one.
    await new Promise((r) => setTimeout(r, (ACCESS_TTL_S + 1) * 1000));
    const tried = await api.post('/v1/mcp/servers/guarded/tools/whoami/try', { project_id: projectId, input: {} });
    expect(tried.status).toBe(202);
    const events = await runDriver(
      () => api,
      () => '',
    ).approveUntilDone(tried.body.run.id);
    const result = events.find((e) => e.kind === 'tool_result');
    expect(result?.kind === 'tool_result' && JSON.stringify(result.payload.result)).toContain('you are alice');
    expect(events.at(-1)?.kind).toBe('run_completed');
    expect(JSON.stringify(events)).not.toMatch(/access_token|refresh_token|Bearer /);
    const after = await api.get('/v1/mcp/servers/guarded');
    expect(Date.parse(after.body.auth.expires_at)).toBeGreaterThan(Date.parse(server.body.auth.expires_at));
  }, 180_000);

  it('refuses to start OAuth for a server that does not use it', async () => {
    const res = await api.post('/v1/mcp/servers/nope/oauth/authorize');
    expect([res.status, res.body.error.code]).toEqual([404, 'E_NOT_FOUND']);
  });
});
