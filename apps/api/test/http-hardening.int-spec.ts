import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { ErrorEnvelope, Meta, StreamClosed } from '@omniai/contracts';
import { createTestDatabase } from '@omniai/store/testing';
import { openSse, type SseConnection } from './support/sse-client';
import { type ApiClient, startTestApi, type TestApi } from './support/test-api';

// Issue 13, items 8, 12, 13, 14 and 16 (Host allowlist): each test names the defence it holds in place.

type Raw = { status: number; headers: Record<string, string | string[] | undefined>; body: string };

/** A request with exactly these headers (fetch would not let a test choose the Host header). */
function raw(url: string, method: string, path: string, headers: Record<string, string>, body?: string): Promise<Raw> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: hostname, port, method, path, headers, setHost: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * Writes `head` (a request's header block and possibly part of its body) and never the rest; resolves with what the
 * server answered and when, or with `null` after `waitMs` without an answer.
 */
function stalled(url: string, head: string, waitMs: number): Promise<{ text: string; afterMs: number } | null> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const started = Date.now();
    const socket = connect(Number(port), hostname, () => socket.write(head));
    let text = '';
    const timer = setTimeout(() => {
      socket.destroy();
      resolve(null);
    }, waitMs);
    socket.on('data', (c) => (text += c.toString('utf8')));
    const done = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(text ? { text, afterMs: Date.now() - started } : { text: '(closed without an answer)', afterMs: Date.now() - started });
    };
    socket.on('end', done);
    socket.on('close', done);
    socket.on('error', () => undefined);
  });
}

const hostOf = (url: string) => new URL(url).host;

describe('HTTP hardening: hosts, timeouts, early 401, meta, sign-in throttling, streams (real API and Postgres)', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let api: TestApi;
  let periodic: TestApi;

  beforeAll(async () => {
    db = await createTestDatabase('http_hardening');
    api = await startTestApi({
      DATABASE_URL: db.url,
      OMNI_TASK_QUEUE: `hardening-no-worker-${process.pid}`,
      OMNI_REQUEST_TIMEOUT_MS: '1500',
      OMNI_TRUST_PROXY: 'true',
      OMNI_RATE_LIMIT_META: '30',
      OMNI_RATE_LIMIT_LOGIN: '12',
      OMNI_SSE_MAX_PER_USER: '2',
      // Long enough that only an identity notification can close a stream within these tests…
      OMNI_SSE_RECHECK_MS: '60000',
      OMNI_ALLOWED_HOSTS: 'omni.example.internal:8443',
    });
    // …while this second API process on the same database re-checks on its timer alone.
    periodic = await startTestApi({ DATABASE_URL: db.url, OMNI_TASK_QUEUE: `hardening-no-worker-${process.pid}`, OMNI_SSE_RECHECK_MS: '300' });
  });

  afterAll(async () => {
    await periodic.close();
    await api.close();
    await db.drop();
  });

  // ── item 16: Host allowlist (DNS rebinding) ─────────────────────────────────────────────────────────────────────
  it('refuses a Host it does not answer to with 421 before any route runs; loopback names on its port and configured hosts pass', async () => {
    const port = new URL(api.url).port;
    const rebound = await raw(api.url, 'GET', '/v1/meta', { host: `rebound.evil.example:${port}` });
    expect(rebound.status).toBe(421);
    expect(ErrorEnvelope.parse(JSON.parse(rebound.body)).error.code).toBe('E_HOST_NOT_ALLOWED');
    // A signed-in browser on a rebinding page sends the session cookie with the foreign Host: still refused.
    const withCookie = await raw(api.url, 'GET', '/v1/projects', { host: `rebound.evil.example:${port}`, cookie: api.cookie });
    expect(withCookie.status).toBe(421);
    expect((await raw(api.url, 'GET', '/v1/meta', { host: `localhost:${port}` })).status).toBe(200);
    expect((await raw(api.url, 'GET', '/v1/meta', { host: `127.0.0.1:${port}` })).status).toBe(200);
    expect((await raw(api.url, 'GET', '/v1/meta', { host: 'localhost:1' })).status).toBe(421); // another port is another origin
    expect((await raw(api.url, 'GET', '/v1/meta', { host: 'omni.example.internal:8443' })).status).toBe(200); // OMNI_ALLOWED_HOSTS
    // Liveness answers load balancers that ask by address.
    expect((await raw(api.url, 'GET', '/healthz', { host: '10.1.2.3' })).status).toBe(200);
  });

  it('the Origin check compares against the allowed hosts, not against whatever Host the request names', async () => {
    const body = JSON.stringify({ name: 'origin check' });
    const headers = { 'content-type': 'application/json', cookie: api.cookie, 'x-csrf-token': api.csrf };
    const own = await raw(api.url, 'POST', '/v1/projects', { ...headers, host: hostOf(api.url), origin: api.url }, body);
    expect(own.status).toBe(201);
    const foreign = await raw(api.url, 'POST', '/v1/projects', { ...headers, host: hostOf(api.url), origin: 'http://rebound.evil.example' }, body);
    expect([foreign.status, JSON.parse(foreign.body).error.code]).toEqual([403, 'E_AUTH_FORBIDDEN']);
  });

  // ── item 12: early 401, request timeouts ─────────────────────────────────────────────────────────────────────────
  it('answers 401 to a credential-less request for a guarded route before its body arrives', async () => {
    const head = `POST /v1/projects HTTP/1.1\r\nHost: ${hostOf(api.url)}\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{"name":`;
    const answer = await stalled(api.url, head, 1_000);
    expect(answer?.text).toMatch(/^HTTP\/1\.1 401 /);
    expect(answer?.text).toContain('"E_AUTH_REQUIRED"');
    // A cookie of the wrong shape is no credential either; the bearer lane wants an omni_pat_ token.
    const badCookie = `POST /v1/projects HTTP/1.1\r\nHost: ${hostOf(api.url)}\r\nCookie: omni_session=x\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n`;
    expect((await stalled(api.url, badCookie, 1_000))?.text).toMatch(/^HTTP\/1\.1 401 /);
    const badBearer = `POST /v1/public/threads/00000000-0000-4000-8000-000000000000/runs HTTP/1.1\r\nHost: ${hostOf(api.url)}\r\nAuthorization: Bearer nope\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n`;
    expect((await stalled(api.url, badBearer, 1_000))?.text).toMatch(/^HTTP\/1\.1 401 /);
  });

  it('cuts a client that sends its body too slowly (OMNI_REQUEST_TIMEOUT_MS)', async () => {
    // Sign-in is public: the body must be read, and a slow one must not hold the connection.
    const head = `POST /v1/auth/login HTTP/1.1\r\nHost: ${hostOf(api.url)}\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n{"email":`;
    const answer = await stalled(api.url, head, 8_000);
    expect(answer).not.toBeNull();
    expect(answer!.afterMs).toBeLessThan(7_000);
    expect(answer!.text).toMatch(/^HTTP\/1\.1 408 |closed without an answer/);
  });

  // ── item 13: /v1/meta ────────────────────────────────────────────────────────────────────────────────────────────
  it('/v1/meta shows versions and details to signed-in callers only', async () => {
    const anon = Meta.parse((await api.anon('GET', '/v1/meta')).body);
    expect(anon.version).toBeUndefined();
    expect(anon.instance_id).toBeUndefined();
    expect(anon.links).toBeUndefined();
    for (const c of Object.values(anon.components)) expect(c).toEqual({ status: expect.any(String), latency_ms: expect.any(Number) });
    expect(JSON.stringify(anon)).not.toMatch(/PostgreSQL|Temporal server/);
    const member = Meta.parse((await api.get('/v1/meta')).body);
    expect(member.version).toBe('0.1.0');
    expect(member.components.postgres.detail).toMatch(/^PostgreSQL \d/);
  });

  it('/v1/meta probes once per few seconds, however many callers ask at once', async () => {
    const answers = await Promise.all(Array.from({ length: 6 }, () => api.get('/v1/meta')));
    const later = await api.get('/v1/meta');
    const checked = new Set([...answers, later].map((a) => (a.body as Meta).checked_at));
    expect(checked.size).toBe(1);
  });

  it('/v1/meta is limited per address (429 with Retry-After)', async () => {
    const from = { 'x-forwarded-for': '198.51.100.7' };
    const statuses: number[] = [];
    for (let i = 0; i < 31; i++) statuses.push((await api.anon('GET', '/v1/meta', { headers: from })).status);
    expect(statuses.slice(0, 30).every((s) => s === 200)).toBe(true);
    const limited = await api.anon('GET', '/v1/meta', { headers: from });
    expect([limited.status, limited.body.error.code]).toEqual([429, 'E_RATE_LIMITED']);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    // Another address is not held back by that one.
    expect((await api.anon('GET', '/v1/meta', { headers: { 'x-forwarded-for': '198.51.100.8' } })).status).toBe(200);
  });

  // ── item 14: per-account sign-in backoff, trustProxy, audited 429s ─────────────────────────────────────────────
  it('backs off sign-ins per account whatever address they come from, with Retry-After, and audits each 429', async () => {
    const victim = await api.newUser('viewer');
    const password = `password-of-${victim.user.email}`;
    const attempt = (pw: string, i: number) =>
      api.anon('POST', '/v1/auth/login', { body: { email: victim.user.email.toUpperCase(), password: pw }, headers: { 'x-forwarded-for': `203.0.113.${i}` } });
    // Five guesses from five addresses: each a plain refusal.
    for (let i = 1; i <= 5; i++) expect((await attempt('wrong-guess', i)).status).toBe(401);
    // The sixth, from yet another address and even with the right password, waits.
    const held = await attempt(password, 6);
    expect([held.status, held.body.error.code]).toEqual([429, 'E_RATE_LIMITED']);
    const wait = Number(held.headers.get('retry-after'));
    expect(wait).toBeGreaterThanOrEqual(1);
    const audit = await api.get('/v1/audit?action=auth.rate_limited&limit=50');
    expect(audit.body.items).toContainEqual(
      expect.objectContaining({ actor_email: victim.user.email, ip: '203.0.113.6', detail: { scope: 'account', retry_after_s: wait } }),
    );
    // After the wait the right password signs in, and the count starts again.
    await new Promise((r) => setTimeout(r, wait * 1000 + 100));
    expect((await attempt(password, 7)).status).toBe(200);
    expect((await attempt('wrong-guess', 8)).status).toBe(401);
  });

  it('limits sign-in per address (X-Forwarded-For believed only because OMNI_TRUST_PROXY is set) and audits those 429s', async () => {
    const from = { 'x-forwarded-for': '192.0.2.44' };
    let last = await api.anon('POST', '/v1/auth/login', { body: { email: 'nobody-1@omni.test', password: 'x' }, headers: from });
    // 12 per minute per address here: different accounts, one address.
    for (let i = 2; i <= 13 && last.status !== 429; i++) {
      last = await api.anon('POST', '/v1/auth/login', { body: { email: `nobody-${i}@omni.test`, password: 'x' }, headers: from });
    }
    expect([last.status, last.body.error.code]).toEqual([429, 'E_RATE_LIMITED']);
    const audit = await api.get('/v1/audit?action=auth.rate_limited&limit=50');
    expect(audit.body.items).toContainEqual(expect.objectContaining({ ip: '192.0.2.44', detail: expect.objectContaining({ scope: 'address' }) }));
    // Another client behind the same proxy is not held back.
    expect(
      (await api.anon('POST', '/v1/auth/login', { body: { email: 'nobody-0@omni.test', password: 'x' }, headers: { 'x-forwarded-for': '192.0.2.45' } })).status,
    ).toBe(401);
  });

  // ── item 8: streams follow access ────────────────────────────────────────────────────────────────────────────────
  it('caps concurrent streams per user (429), and frees the slot when a stream ends', async () => {
    const project = (await api.post('/v1/projects', { name: 'stream cap' })).body;
    const viewer = await api.newUser('viewer', [{ project_id: project.id, role: 'viewer' }]);
    const url = `${api.url}/v1/projects/${project.id}/stream`;
    const a = await openSse(url, { cookie: viewer.cookie });
    const b = await openSse(url, { cookie: viewer.cookie });
    const c = await fetch(url, { headers: { cookie: viewer.cookie, accept: 'text/event-stream' } });
    expect([a.status, b.status, c.status]).toEqual([200, 200, 429]);
    expect(ErrorEnvelope.parse(await c.json()).error.code).toBe('E_RATE_LIMITED');
    a.close();
    await a.closed;
    await waitUntil(async () => (await openAndKeep(url, viewer)) === 200);
    b.close();
  });

  it('closes an open stream with a terminal frame at once when the membership goes or the user signs out (identity NOTIFY)', async () => {
    const { project, viewer, stream } = await viewerStream(api, 'stream revoke');
    expect((await api.del(`/v1/projects/${project.id}/members/${viewer.user.id}`)).status).toBe(204);
    const closed = await closedFrame(stream);
    expect(closed).toMatchObject({ reason: 'access_revoked', code: 'E_NOT_FOUND' });
    await stream.closed;

    const own = await openSse(`${api.url}/v1/projects/${project.id}/stream`, { cookie: api.cookie });
    const admin2 = await api.newUser('admin');
    const adminStream = await openSse(`${api.url}/v1/projects/${project.id}/stream`, { cookie: admin2.cookie });
    expect((await admin2.post('/v1/auth/logout')).status).toBe(204);
    expect(await closedFrame(adminStream)).toMatchObject({
      reason: 'access_revoked',
      code: 'E_AUTH_REQUIRED',
    });
    // Disabling an account (an admin's change through the API) closes its streams as well.
    const admin3 = await api.newUser('admin');
    const disabledStream = await openSse(`${api.url}/v1/projects/${project.id}/stream`, { cookie: admin3.cookie });
    expect((await api.put(`/v1/users/${admin3.user.id}`, { disabled: true })).status).toBe(200);
    expect(await closedFrame(disabledStream)).toMatchObject({
      reason: 'access_revoked',
      code: 'E_AUTH_REQUIRED',
    });
    // Someone else's change leaves this stream alone.
    expect(own.frames.some((f) => f.event === 'closed')).toBe(false);
    own.close();
  });

  it('re-checks open streams on a timer too: a role change made behind the API (no notification) still closes them', async () => {
    const { viewer, stream } = await viewerStream(periodic, 'stream periodic');
    // Straight in the database: no NOTIFY, only the periodic re-check can see it.
    const { Client } = await import('pg');
    const pg = new Client({ connectionString: db.url });
    await pg.connect();
    try {
      await pg.query(`update users set disabled_at = now() where id = $1`, [viewer.user.id]);
    } finally {
      await pg.end();
    }
    expect(await closedFrame(stream)).toMatchObject({
      reason: 'access_revoked',
      code: 'E_AUTH_REQUIRED',
    });
  });

  /** A new project, a viewer of it, and the viewer's open event stream of the project. */
  async function viewerStream(client: TestApi, name: string) {
    const project = (await client.post('/v1/projects', { name })).body;
    const viewer = await client.newUser('viewer', [{ project_id: project.id, role: 'viewer' }]);
    const stream = await openSse(`${client.url}/v1/projects/${project.id}/stream`, { cookie: viewer.cookie });
    expect(stream.status).toBe(200);
    return { project, viewer, stream };
  }

  /** The terminal `closed` frame the API sends on a stream it ends (within 5 s). */
  async function closedFrame(stream: SseConnection) {
    return StreamClosed.parse((await stream.waitFor((f) => f.event === 'closed', 5_000)).data);
  }

  async function openAndKeep(url: string, who: ApiClient): Promise<number> {
    const s = await openSse(url, { cookie: who.cookie });
    s.close();
    return s.status;
  }
});

async function waitUntil(check: () => Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}
