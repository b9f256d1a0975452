import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { API_ROUTES } from '@omniai/contracts';
import { createTestDatabase } from '@omniai/store/testing';
import { testPayloadKeys } from '@omniai/worker/testing';
import { AesGcmPayloadCodec, openHistoryPayloads } from '@omniai/workflow-api/codec';
import { createApiApp, registeredRoutes } from '../src/bootstrap';
import { AppConfig } from '../src/config/app-config';
import { TemporalService } from '../src/temporal/temporal.service';
import { type ApiClient, startTestApi, TEST_ADMIN, type TestApi } from './support/test-api';

// Routes anyone may call; every other route must refuse a request without credentials.
const PUBLIC_ROUTES = [
  'GET /healthz',
  'GET /v1/meta',
  'POST /v1/auth/login',
  'GET /v1/auth/invites/:token',
  'POST /v1/auth/invites/:token/accept',
  // Inbound webhooks: the signature is the credential (D52).
  'POST /v1/hooks/:hookId',
];
const EVIL = 'https://evil.example';
const CANARY_PASSWORD = 'canary-password-OMNI-7c1f90d2';

const codeOf = async (res: Response) => ((await res.json()) as { error: { code: string } }).error.code;

const fill = (url: string) =>
  url
    .replace(':approvalId', '00000000-0000-4000-8000-000000000000.1')
    .replace(':sha256', 'a'.repeat(64))
    .replace(':token', `inv_${'A'.repeat(43)}`)
    .replace(':toolId', 'files.read')
    .replace(/:[A-Za-z]+/g, '00000000-0000-4000-8000-000000000000');

describe('identity: lanes, guard, sessions, tokens and project isolation (real API and Postgres)', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let api: TestApi;
  const consoleDir = mkdtempSync(join(tmpdir(), 'omni-console-'));
  const queue = `auth-no-worker-${process.pid}`;

  beforeAll(async () => {
    // A console index.html is served for deep links: a path trick must not turn into a 200 from it either.
    writeFileSync(join(consoleDir, 'index.html'), '<!doctype html><title>console</title>');
    db = await createTestDatabase('auth');
    // No worker polls this queue: runs stay queued, which is all the access checks need.
    api = await startTestApi({ DATABASE_URL: db.url, OMNI_TASK_QUEUE: queue, OMNI_CONSOLE_DIR: consoleDir });
  });

  afterAll(async () => {
    await api.close();
    await db.drop();
    rmSync(consoleDir, { recursive: true, force: true });
  });

  it('every registered route answers 401/403 without credentials, except the explicit public allowlist', async () => {
    const routes = registeredRoutes(api.app).filter((r) => r.method !== 'HEAD' && (r.url.startsWith('/v1') || r.url === '/healthz' || r.url === '/mcp'));
    const contract = new Set(API_ROUTES.map((r) => `${r.method.toUpperCase()} ${r.path.replace(/\{(\w+)\}/g, ':$1')}`));
    expect(routes.length).toBeGreaterThanOrEqual(API_ROUTES.length);
    const seen: string[] = [];
    for (const r of routes) {
      const key = `${r.method} ${r.url}`;
      expect([key, contract.has(key)]).toEqual([key, true]); // a served route is a documented one
      const res = await api.anon(r.method, fill(r.url), r.method === 'GET' ? {} : { body: {} });
      if (PUBLIC_ROUTES.includes(key)) {
        expect([key, res.status]).not.toEqual([key, 401]);
      } else {
        expect([key, [401, 403].includes(res.status)]).toEqual([key, true]);
        expect(res.body.error.code).toMatch(/^E_AUTH_/);
      }
      seen.push(key);
    }
    expect(seen).toEqual(expect.arrayContaining(PUBLIC_ROUTES));
  });

  it('path tricks and other methods do not get past the guard', async () => {
    const project = (await api.post('/v1/projects', { name: 'Tricks' })).body;
    const tricks = [
      '/V1/projects',
      '/v1/Projects',
      '//v1/projects',
      '/v1//projects',
      '/v1/projects/',
      '/v1/./projects',
      '/v1/x/../projects',
      '/v1/%2e%2e/v1/projects',
      '/v1/%70rojects',
      '/%76%31/projects',
      `/v1/projects/${project.id}/`,
      `/v1/projects/${project.id.toUpperCase()}`,
      '/v1/projects;x=1',
      '/v1/projects%00',
      '/v1/public/../projects',
      '/v1/public/%2e%2e/projects',
    ];
    for (const path of tricks) {
      for (const method of ['GET', 'HEAD', 'OPTIONS']) {
        const res = await fetch(`${api.url}${path}`, { method, headers: { origin: EVIL } });
        const body = method === 'GET' ? await res.text() : '';
        // Never a 2xx with data: a refusal, a not-found, or a redirect; never the project list.
        expect([method, path, res.status >= 200 && res.status < 300]).toEqual([method, path, false]);
        expect(body).not.toContain(project.id);
      }
    }
  });

  it('UI lane: a cross-origin or CSRF-less mutation is 403, a bearer token is 401; public lane ignores cookies', async () => {
    const headers = { cookie: api.cookie, 'content-type': 'application/json' };
    // The session cookie alone (as a cross-site form or fetch would send it) is not enough.
    const noCsrf = await fetch(`${api.url}/v1/projects`, { method: 'POST', headers: { ...headers, origin: EVIL }, body: '{"name":"x"}' });
    expect([noCsrf.status, await codeOf(noCsrf)]).toEqual([403, 'E_AUTH_FORBIDDEN']);
    const sameOriginNoCsrf = await fetch(`${api.url}/v1/projects`, { method: 'POST', headers, body: '{"name":"x"}' });
    expect([sameOriginNoCsrf.status, await codeOf(sameOriginNoCsrf)]).toEqual([403, 'E_AUTH_CSRF']);
    const wrongCsrf = await fetch(`${api.url}/v1/projects`, {
      method: 'POST',
      headers: { ...headers, 'x-csrf-token': 'x'.repeat(api.csrf.length) },
      body: '{"name":"x"}',
    });
    expect(wrongCsrf.status).toBe(403);
    // With the token but from another origin: refused too (and no CORS headers for it).
    const crossWithCsrf = await fetch(`${api.url}/v1/projects`, {
      method: 'POST',
      headers: { ...headers, 'x-csrf-token': api.csrf, origin: EVIL },
      body: '{"name":"x"}',
    });
    expect(crossWithCsrf.status).toBe(403);
    expect(crossWithCsrf.headers.get('access-control-allow-origin')).toBeNull();
    // SSE checks Origin as well.
    const run = await startRun(api, 'sse origin');
    const sse = await fetch(`${api.url}/v1/runs/${run.id}/stream`, { headers: { cookie: api.cookie, origin: EVIL } });
    expect(sse.status).toBe(403);
    // Same origin, with the token: fine.
    expect(
      (await fetch(`${api.url}/v1/projects`, { method: 'POST', headers: { ...headers, 'x-csrf-token': api.csrf, origin: api.url }, body: '{"name":"ok"}' }))
        .status,
    ).toBe(201);

    const token = (await api.post('/v1/tokens', { name: 'ci', scopes: ['read'] })).body;
    expect(token.secret).toMatch(/^omni_pat_/);
    const bearerOnUi = await api.anon('GET', '/v1/projects', { headers: { authorization: `Bearer ${token.secret}` } });
    expect([bearerOnUi.status, bearerOnUi.body.error.code]).toEqual([401, 'E_AUTH_REQUIRED']);
    const cookieOnPublic = await api.anon('GET', '/v1/public/whoami', { headers: { cookie: api.cookie } });
    expect([cookieOnPublic.status, cookieOnPublic.body.error.code]).toEqual([401, 'E_AUTH_REQUIRED']);
    const whoami = await api.anon('GET', '/v1/public/whoami', { headers: { authorization: `Bearer ${token.secret}` } });
    expect(whoami.status).toBe(200);
    expect(whoami.body.user.email).toBe(TEST_ADMIN.email);
    expect(whoami.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('the session id changes at login; a cookie replayed after logout, a revoked or an expired token is refused', async () => {
    const first = await api.as(TEST_ADMIN.email, TEST_ADMIN.password);
    // Signing in again from the same browser (sending the old cookie) ends the old session and starts a new one.
    const again = await fetch(`${api.url}/v1/auth/login`, {
      method: 'POST',
      headers: { cookie: first.cookie, 'content-type': 'application/json' },
      body: JSON.stringify(TEST_ADMIN),
    });
    const rotated = again.headers.get('set-cookie')!.split(';')[0]!;
    expect(rotated).not.toBe(first.cookie);
    expect(again.headers.get('set-cookie')).toMatch(/HttpOnly/);
    expect(again.headers.get('set-cookie')).toMatch(/SameSite=Lax/);
    expect((await api.anon('GET', '/v1/auth/session', { headers: { cookie: first.cookie } })).status).toBe(401);
    const session = await api.anon('GET', '/v1/auth/session', { headers: { cookie: rotated } });
    expect(session.status).toBe(200);
    // A request reads the session; it writes last_seen_at only when that is over a minute old.
    const seen = () => rowsOf(`select last_seen_at::text as t from sessions where revoked_at is null order by created_at desc limit 1`);
    const before = await seen();
    expect((await api.anon('GET', '/v1/projects', { headers: { cookie: rotated } })).status).toBe(200);
    expect(await seen()).toEqual(before);
    await sql(`update sessions set last_seen_at = now() - interval '5 minutes' where revoked_at is null`);
    expect((await api.anon('GET', '/v1/projects', { headers: { cookie: rotated } })).status).toBe(200);
    expect(await seen()).not.toEqual(before);

    const out = await api.anon('POST', '/v1/auth/logout', { headers: { cookie: rotated, 'x-csrf-token': session.body.csrf_token } });
    expect(out.status).toBe(204);
    expect((await api.anon('GET', '/v1/projects', { headers: { cookie: rotated } })).status).toBe(401);

    const revoked = (await api.post('/v1/tokens', { name: 'to revoke', scopes: ['read'] })).body;
    const bearer = { authorization: `Bearer ${revoked.secret}` };
    expect((await api.anon('GET', '/v1/public/whoami', { headers: bearer })).status).toBe(200);
    expect((await api.del(`/v1/tokens/${revoked.token.id}`)).status).toBe(204);
    expect((await api.anon('GET', '/v1/public/whoami', { headers: bearer })).status).toBe(401);

    const expiring = (await api.post('/v1/tokens', { name: 'to expire', scopes: ['read'], expires_in_days: 1 })).body;
    await sql(`update api_tokens set expires_at = now() - interval '1 second' where id = $1`, [expiring.token.id]);
    expect((await api.anon('GET', '/v1/public/whoami', { headers: { authorization: `Bearer ${expiring.secret}` } })).status).toBe(401);
    expect((await api.anon('GET', '/v1/public/whoami', { headers: { authorization: 'Bearer omni_pat_made-up' } })).status).toBe(401);

    const wrong = await api.anon('POST', '/v1/auth/login', { body: { email: TEST_ADMIN.email, password: 'not the password' } });
    const unknown = await api.anon('POST', '/v1/auth/login', { body: { email: 'nobody@omni.test', password: 'not the password' } });
    expect([wrong.status, wrong.body.error]).toEqual([401, expect.objectContaining({ code: 'E_AUTH_REQUIRED', message: 'Wrong email or password.' })]);
    expect(unknown.body.error.message).toBe(wrong.body.error.message);
  });

  it('user A cannot read, stream, approve, cancel or otherwise touch project B (404 or 403 every time)', async () => {
    const projectA = (await api.post('/v1/projects', { name: 'A' })).body;
    const projectB = (await api.post('/v1/projects', { name: 'B' })).body;
    const runA = await startRun(api, 'in A', projectA.id);
    const runB = await startRun(api, 'in B', projectB.id);
    const userA = await api.newUser('operator', [{ project_id: projectA.id, role: 'operator' }]);
    const token = (await userA.post('/v1/tokens', { name: 'a', scopes: ['read', 'operate', 'review'] })).body.secret as string;

    // What A may do in A works.
    expect((await userA.get(`/v1/runs/${runA.id}`)).status).toBe(200);
    expect((await userA.get('/v1/projects')).body.items.map((p: { id: string }) => p.id)).toEqual([projectA.id]);
    expect((await userA.post(`/v1/projects/${projectA.id}/threads`, { title: 'mine' })).status).toBe(201);

    const b = { project: projectB.id, thread: runB.thread_id, run: runB.id, approval: `${runB.id}.1` };
    const attempts: Array<[string, string, unknown?]> = [
      ['GET', `/v1/projects/${b.project}`],
      ['GET', `/v1/projects/${b.project.toUpperCase()}`],
      ['GET', `/v1/projects/${b.project}/threads`],
      ['POST', `/v1/projects/${b.project}/threads`, { title: 'x' }],
      ['GET', `/v1/projects/${b.project}/runs`],
      ['GET', `/v1/projects/${b.project}/stream`],
      ['GET', `/v1/projects/${b.project}/members`],
      ['GET', `/v1/projects/${b.project}/tools`],
      ['PUT', `/v1/projects/${b.project}/tools/files.read`, { version: '1.0.0' }],
      ['GET', `/v1/threads/${b.thread}/runs`],
      ['POST', `/v1/threads/${b.thread}/runs`, { message: 'x' }],
      ['GET', `/v1/runs/${b.run}`],
      ['GET', `/v1/runs/${b.run}/events`],
      ['GET', `/v1/runs/${b.run}/stream`],
      ['GET', `/v1/runs/${b.run}/artifacts/${'a'.repeat(64)}`],
      ['POST', `/v1/runs/${b.run}/cancel`, {}],
      ['POST', `/v1/runs/${b.run}/resume`, {}],
      ['POST', `/v1/runs/${b.run}/retry`, {}],
      ['GET', `/v1/approvals/${b.approval}`],
      ['POST', `/v1/approvals/${b.approval}/decide`, { decision: 'approve', arguments_hash: 'a'.repeat(64) }],
    ];
    for (const [method, path, body] of attempts) {
      const res = await userA.call(method, path, body);
      expect([method, path, [403, 404].includes(res.status)]).toEqual([method, path, true]);
    }
    for (const [method, path, body] of [
      ['GET', `/v1/public/runs/${b.run}`],
      ['GET', `/v1/public/runs/${b.run}/events`],
      ['POST', `/v1/public/threads/${b.thread}/runs`, { message: 'x' }],
      ['POST', `/v1/public/approvals/${b.approval}/decide`, { decision: 'approve', arguments_hash: 'a'.repeat(64) }],
    ] as Array<[string, string, unknown?]>) {
      const res = await api.anon(method, path, { body, headers: { authorization: `Bearer ${token}` } });
      expect([method, path, [403, 404].includes(res.status)]).toEqual([method, path, true]);
    }
    // Lists leave B out.
    const approvals = (await userA.get('/v1/approvals')).body.items as Array<{ project_id: string }>;
    expect(approvals.every((x) => x.project_id === projectA.id)).toBe(true);
    // And B's run is untouched.
    expect((await api.get(`/v1/runs/${runB.id}`)).body.status).toBe('queued');
  });

  it('roles: a viewer cannot start runs, an operator cannot decide approvals, only admins administer', async () => {
    const project = (await api.post('/v1/projects', { name: 'Roles' })).body;
    const run = await startRun(api, 'roles', project.id);
    const viewer = await api.newUser('viewer', [{ project_id: project.id, role: 'viewer' }]);
    const operator = await api.newUser('operator', [{ project_id: project.id, role: 'operator' }]);
    const reviewer = await api.newUser('reviewer', [{ project_id: project.id, role: 'reviewer' }]);

    expect((await viewer.get(`/v1/runs/${run.id}`)).status).toBe(200);
    expect((await viewer.post(`/v1/threads/${run.thread_id}/runs`, { message: 'x' })).body.error.code).toBe('E_AUTH_FORBIDDEN');
    expect((await viewer.post('/v1/projects', { name: 'x' })).status).toBe(403);
    const decide = { decision: 'approve', arguments_hash: 'a'.repeat(64) };
    expect((await operator.post(`/v1/approvals/${run.id}.1/decide`, decide)).status).toBe(403);
    // A reviewer gets past the guard (there is no such approval, so: 404 from the handler).
    expect((await reviewer.post(`/v1/approvals/${run.id}.1/decide`, decide)).status).toBe(404);
    for (const who of [viewer, operator, reviewer]) {
      for (const [method, path, body] of [
        ['GET', '/v1/users'],
        ['PUT', '/v1/policy', { grants: [], kill_switch_external_writes: false }],
        ['POST', '/v1/invites', { email: 'x@omni.test', role: 'admin' }],
        ['GET', '/v1/audit'],
        ['PUT', `/v1/projects/${project.id}/members/${who.user.id}`, { role: 'operator' }],
      ] as Array<[string, string, unknown?]>) {
        expect([who.user.role, method, path, (await who.call(method, path, body)).status]).toEqual([who.user.role, method, path, 403]);
      }
    }
    // An operator who creates a project becomes its operator; it is theirs to see.
    const own = (await operator.post('/v1/projects', { name: 'Mine' })).body;
    expect((await operator.get(`/v1/projects/${own.id}`)).status).toBe(200);
    expect((await viewer.get(`/v1/projects/${own.id}`)).status).toBe(404);

    // Disabling a user ends their sessions at once; the last admin cannot be demoted.
    expect((await api.put(`/v1/users/${viewer.user.id}`, { disabled: true })).status).toBe(200);
    expect((await viewer.get(`/v1/runs/${run.id}`)).status).toBe(401);
    const admin = (await api.get('/v1/auth/session')).body.user;
    expect((await api.put(`/v1/users/${admin.id}`, { role: 'viewer' })).body.error.code).toBe('E_CONFLICT');
  });

  it('invites work once; the audit log records sign-ins and admin changes and cannot be rewritten', async () => {
    const invite = (await api.post('/v1/invites', { email: 'Once@Omni.Test', role: 'reviewer' })).body;
    expect(invite.path).toBe(`/invite/${invite.token}`);
    expect((await api.anon('GET', `/v1/auth/invites/${invite.token}`)).body).toMatchObject({ email: 'once@omni.test', role: 'reviewer' });
    const short = await api.anon('POST', `/v1/auth/invites/${invite.token}/accept`, { body: { display_name: 'Once', password: 'short' } });
    expect([short.status, short.body.error.code]).toEqual([400, 'E_VALIDATION']);
    const accepted = await api.anon('POST', `/v1/auth/invites/${invite.token}/accept`, { body: { display_name: 'Once', password: CANARY_PASSWORD } });
    expect(accepted.status).toBe(200);
    expect(accepted.body.user).toMatchObject({ email: 'once@omni.test', role: 'reviewer', active: true });
    expect((await api.anon('POST', `/v1/auth/invites/${invite.token}/accept`, { body: { display_name: 'Twice', password: CANARY_PASSWORD } })).status).toBe(
      404,
    );
    expect((await api.post('/v1/invites', { email: 'once@omni.test', role: 'admin' })).status).toBe(409);
    // A revoked invite's link stops working at once.
    const revoked = (await api.post('/v1/invites', { email: 'revoked@omni.test', role: 'viewer' })).body;
    expect((await api.del(`/v1/invites/${revoked.invite.id}`)).status).toBe(204);
    expect((await api.del(`/v1/invites/${revoked.invite.id}`)).status).toBe(404);
    expect((await api.anon('GET', `/v1/auth/invites/${revoked.token}`)).status).toBe(404);
    expect((await api.anon('POST', `/v1/auth/invites/${revoked.token}/accept`, { body: { display_name: 'Late', password: CANARY_PASSWORD } })).status).toBe(
      404,
    );
    await api.anon('POST', '/v1/auth/login', { body: { email: 'once@omni.test', password: 'wrong password!' } });
    const reviewer = await api.as('once@omni.test', CANARY_PASSWORD);
    expect(reviewer.user.role).toBe('reviewer');

    const audit = (await api.get('/v1/audit?limit=200')).body.items as Array<{ action: string; actor_email: string | null; ip: string | null }>;
    const actions = audit.map((a) => a.action);
    expect(actions).toEqual(
      expect.arrayContaining([
        'user.bootstrap_admin',
        'auth.login',
        'auth.login_failed',
        'auth.logout',
        'user.invited',
        'user.invite_accepted',
        'user.invite_revoked',
        'token.created',
        'token.revoked',
        'user.updated',
      ]),
    );
    await api.put('/v1/prices', { items: [{ provider: 'offline', model: 'audited', input_per_mtok_usd: 1, output_per_mtok_usd: 1 }] });
    const latest = (await api.get('/v1/audit?limit=1')).body.items[0];
    expect(latest).toMatchObject({ action: 'admin.putPrices', target: '/v1/prices', actor_email: TEST_ADMIN.email, ip: '127.0.0.1' });
    expect(audit.find((a) => a.action === 'auth.login_failed')!.ip).toBe('127.0.0.1');
    await expect(sql(`update audit_log set action = 'x'`)).rejects.toThrow(/append-only/);
    await expect(sql(`delete from audit_log`)).rejects.toThrow(/append-only/);
  });

  it('secrets never leave as plain text: passwords, session ids and tokens are absent from Postgres, logs and history', async () => {
    const output: string[] = [];
    const spies = [process.stdout, process.stderr].map((stream) => {
      const original = stream.write.bind(stream);
      return jest.spyOn(stream, 'write').mockImplementation(((chunk: string | Uint8Array, ...rest: unknown[]) => {
        output.push(String(chunk));
        return (original as (...a: unknown[]) => boolean)(chunk, ...rest);
      }) as typeof stream.write);
    });
    try {
      const user = await api.newUser('operator');
      const sessionId = user.cookie.split('=')[1]!;
      const project = (await user.post('/v1/projects', { name: 'Canary' })).body;
      const thread = (await user.post(`/v1/projects/${project.id}/threads`, {})).body;
      const token = (await user.post('/v1/tokens', { name: 'canary', scopes: ['read', 'operate'] })).body.secret as string;
      const run = await api.anon('POST', `/v1/public/threads/${thread.id}/runs`, {
        body: { message: 'started by a token' },
        headers: { authorization: `Bearer ${token}` },
      });
      expect(run.status).toBe(201);
      expect((await api.anon('GET', `/v1/public/runs/${run.body.id}`, { headers: { authorization: `Bearer ${token}` } })).body.id).toBe(run.body.id);
      await api.anon('POST', '/v1/auth/login', { body: { email: user.user.email, password: CANARY_PASSWORD } }); // a failed attempt with a canary

      // Opened with the payload keys (D45): the secrets must be absent from what the payloads say, not only from ciphertext.
      const sealed = await api.app.get(TemporalService).client.workflow.getHandle(run.body.workflow_id).fetchHistory();
      const history = await openHistoryPayloads(sealed, new AesGcmPayloadCodec(testPayloadKeys()));
      const historyText = JSON.stringify(history) + Buffer.from(JSON.stringify(history)).toString('base64');
      const pg = new Client({ connectionString: db.url });
      await pg.connect();
      const tables = (await pg.query(`select tablename from pg_tables where schemaname = 'public'`)).rows.map((r) => r.tablename as string);
      const dump: string[] = [];
      for (const t of tables) dump.push(...(await pg.query(`select t::text as row from "${t}" t`)).rows.map((r) => r.row as string));
      await pg.end();
      expect(tables).toEqual(expect.arrayContaining(['users', 'sessions', 'api_tokens', 'invites', 'audit_log']));
      const decodedHistory = JSON.stringify(
        history.events?.map((e) => e.workflowExecutionStartedEventAttributes?.input?.payloads?.map((p) => Buffer.from(p.data!).toString('utf8'))),
      );
      expect(decodedHistory).toContain(user.user.email); // the run records who started it, by email
      const sinks = { postgres: dump.join('\n'), logs: output.join(''), temporal_history: historyText + decodedHistory };
      for (const [sink, text] of Object.entries(sinks)) {
        for (const [what, secret] of Object.entries({ password: `password-of-${user.user.email}`, canary: CANARY_PASSWORD, token, session: sessionId })) {
          expect([sink, what, text.includes(secret)]).toEqual([sink, what, false]);
        }
      }
    } finally {
      spies.forEach((s) => s.mockRestore());
    }
  });

  it('rate limits sign-in attempts per address, and a disabled feature answers E_CAPABILITY_DISABLED', async () => {
    const limited = await startTestApi({ DATABASE_URL: db.url, OMNI_TASK_QUEUE: queue, OMNI_RATE_LIMIT_LOGIN: '3', OMNI_DISABLED_FEATURES: 'approvals' });
    try {
      // startTestApi signed in once already: two more attempts are allowed, then 429.
      const statuses: number[] = [];
      for (let i = 0; i < 3; i++) statuses.push((await limited.anon('POST', '/v1/auth/login', { body: { email: 'x@omni.test', password: 'nope' } })).status);
      expect(statuses).toEqual([401, 401, 429]);
      const refused = await limited.anon('POST', '/v1/auth/login', { body: TEST_ADMIN });
      expect([refused.status, refused.body.error.code, Number(refused.headers.get('retry-after')) > 0]).toEqual([429, 'E_RATE_LIMITED', true]);

      expect((await limited.anon('GET', '/v1/meta')).body.features).toMatchObject({ runs: true, approvals: false });
      const off = await limited.get('/v1/approvals');
      expect([off.status, off.body.error.code]).toEqual([403, 'E_CAPABILITY_DISABLED']);
    } finally {
      await limited.close();
    }
  });

  it('over https the cookie is __Host- and Secure; CORS answers only allowlisted origins, never on the public lane', async () => {
    const allowed = 'https://console.example';
    const https = await startTestApi({
      DATABASE_URL: db.url,
      OMNI_TASK_QUEUE: queue,
      OMNI_PUBLIC_URL: 'https://omni.example',
      OMNI_CORS_ORIGINS: allowed,
      OMNI_RATE_LIMIT_PUBLIC: '2',
    });
    try {
      const login = await https.anon('POST', '/v1/auth/login', { body: TEST_ADMIN });
      expect(login.headers.get('set-cookie')).toMatch(/^__Host-omni_session=[^;]+; Path=\/; SameSite=Lax; Max-Age=\d+; HttpOnly; Secure$/);
      expect(https.cookie).toMatch(/^__Host-omni_session=/);

      const preflight = (origin: string, path: string) =>
        https.anon('OPTIONS', path, {
          headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,x-csrf-token' },
        });
      const ok = await preflight(allowed, '/v1/projects');
      expect([ok.status, ok.headers.get('access-control-allow-origin'), ok.headers.get('access-control-allow-credentials')]).toEqual([204, allowed, 'true']);
      expect(ok.headers.get('access-control-allow-headers')).toContain('x-csrf-token');
      const evil = await preflight(EVIL, '/v1/projects');
      expect(evil.headers.get('access-control-allow-origin')).toBeNull();
      expect(evil.status).not.toBe(204);
      const publicLane = await preflight(allowed, '/v1/public/whoami');
      expect(publicLane.headers.get('access-control-allow-origin')).toBeNull();
      // A real cross-origin call from the allowlisted console works, with the CSRF token.
      const created = await https.call('POST', '/v1/projects', { name: 'From the allowed origin' }, { origin: allowed });
      expect([created.status, created.headers.get('access-control-allow-origin')]).toEqual([201, allowed]);

      // The public lane has its own limit (2 per minute here).
      const secret = (await https.post('/v1/tokens', { name: 'limited', scopes: ['read'] })).body.secret as string;
      const statuses: number[] = [];
      for (let i = 0; i < 3; i++) statuses.push((await https.anon('GET', '/v1/public/whoami', { headers: { authorization: `Bearer ${secret}` } })).status);
      expect(statuses).toEqual([200, 200, 429]);
      expect((await https.get('/v1/projects')).status).toBe(200); // the UI lane is not affected
    } finally {
      await https.close();
    }
  });

  it('first start without a password prints a one-time link; a password configured later completes the admin', async () => {
    const fresh = await createTestDatabase('auth-first');
    const lines: string[] = [];
    const spy = jest.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void lines.push(args.join(' ')));
    const boot = async (extra: Record<string, string>) => {
      const config = AppConfig.fromEnv({
        DATABASE_URL: fresh.url,
        OMNI_API_PORT: '0',
        OMNI_LOG_LEVEL: 'error',
        OMNI_SECRETS_KEY: process.env['OMNI_TEST_SECRETS_KEY']!,
        OMNI_PAYLOAD_KEYS: process.env['OMNI_TEST_PAYLOAD_KEYS']!,
        TEMPORAL_ADDRESS: process.env['OMNI_TEST_TEMPORAL_ADDRESS']!,
        OMNI_TASK_QUEUE: queue,
        OMNI_ADMIN_EMAIL: 'first@omni.test',
        ...extra,
      });
      const app = await createApiApp(config);
      await app.listen({ host: '127.0.0.1', port: 0 });
      return { app, url: `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}` };
    };
    try {
      const first = await boot({});
      const link = lines.map((l) => /one-time admin sign-in link[^:]*: \S+\/invite\/(inv_\S+)/.exec(l)?.[1]).find(Boolean)!;
      expect(link).toMatch(/^inv_/);
      expect((await fetch(`${first.url}/v1/auth/invites/${link}`)).status).toBe(200);
      await first.app.close();

      const second = await boot({ OMNI_ADMIN_PASSWORD: 'configured-later-password' });
      const login = await fetch(`${second.url}/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'first@omni.test', password: 'configured-later-password' }),
      });
      expect(login.status).toBe(200);
      expect((await fetch(`${second.url}/v1/auth/invites/${link}`)).status).toBe(404); // the printed link lapsed
      await second.app.close();
    } finally {
      spy.mockRestore();
      await fresh.drop();
    }
  });

  async function startRun(client: ApiClient, message: string, projectId?: string): Promise<{ id: string; thread_id: string; workflow_id: string }> {
    const project = projectId ?? (await client.post('/v1/projects', { name: message })).body.id;
    const thread = (await client.post(`/v1/projects/${project}/threads`, {})).body;
    const run = await client.post(`/v1/threads/${thread.id}/runs`, { message });
    expect(run.status).toBe(201);
    return run.body;
  }

  async function rowsOf(text: string): Promise<unknown[]> {
    const pg = new Client({ connectionString: db.url });
    await pg.connect();
    try {
      return (await pg.query(text)).rows;
    } finally {
      await pg.end();
    }
  }

  async function sql(text: string, params: unknown[] = []): Promise<void> {
    const pg = new Client({ connectionString: db.url });
    await pg.connect();
    try {
      await pg.query(text, params);
    } finally {
      await pg.end();
    }
  }
});
