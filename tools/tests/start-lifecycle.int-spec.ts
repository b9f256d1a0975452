import { createServer, type Server } from 'node:net';
import { rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { isAlive, spawnStack, stackEnv } from '../testing/stack-process.mjs';

interface Meta {
  status: string;
  instance_id: string;
  components: Record<string, { status: string }>;
}

// Anonymous callers get statuses only; the instance id is for signed-in ones (issue 13, item 13).
const getMeta = async (url: string, cookie?: string): Promise<Meta> =>
  (await fetch(`${url}/v1/meta`, { headers: cookie ? { cookie } : {} })).json() as Promise<Meta>;

describe('npm start (tools/start.mjs as a real process)', () => {
  let env: Record<string, string>;

  beforeAll(async () => {
    // As a newcomer runs it: no admin password configured, so the first start prints a one-time sign-in link.
    env = await stackEnv();
    delete env['OMNI_ADMIN_PASSWORD'];
    delete env['OMNI_ADMIN_EMAIL'];
  });
  afterAll(() => rmSync(env['OMNI_DATA_DIR']!, { recursive: true, force: true }));

  it('comes up healthy, stops everything it started on Ctrl-C, and keeps the data for the next start', async () => {
    const first = spawnStack(env);
    await first.ready;
    const meta = await getMeta(first.apiUrl);
    expect(meta.status).toBe('healthy');
    expect(Object.values(meta.components).map((c) => c.status)).toEqual(['healthy', 'healthy', 'healthy', 'healthy']);
    expect(first.output()).toContain(`Console      ${first.apiUrl}/`);
    expect(first.output()).toContain(`Temporal UI  ${first.temporalUiUrl}`);
    expect(first.output()).toMatch(/^api\s+\| /m); // logs are prefixed per process
    // The Temporal UI answers only through the API, and only to an admin's session (D45).
    expect((await fetch(first.temporalUiUrl)).status).toBe(404);
    // The payload keyring was generated beside the data, readable by its owner only.
    expect(statSync(join(env['OMNI_DATA_DIR']!, 'payload.keys')).mode & 0o777).toBe(0o600);

    // First start: the banner carries the admin's one-time sign-in link; following it sets the password and signs in.
    const link = /Sign in\s+(\S+\/invite\/(inv_\S+))/.exec(first.output());
    expect(link?.[1]).toMatch(new RegExp(`^${first.apiUrl}/invite/inv_`));
    expect((await fetch(`${first.apiUrl}/v1/projects`)).status).toBe(401); // nothing is open without signing in
    const invite = await (await fetch(`${first.apiUrl}/v1/auth/invites/${link![2]}`)).json();
    expect(invite).toMatchObject({ email: 'admin@localhost', role: 'admin' });
    const accepted = await fetch(`${first.apiUrl}/v1/auth/invites/${link![2]}/accept`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ display_name: 'First Admin', password: 'first-admin-password' }),
    });
    expect(accepted.status).toBe(200);
    const cookie = accepted.headers.get('set-cookie')!.split(';')[0]!;
    expect((await fetch(`${first.apiUrl}/v1/projects`, { headers: { cookie } })).status).toBe(200);
    expect(meta.instance_id).toBeUndefined();
    const instanceId = (await getMeta(first.apiUrl, cookie)).instance_id;
    expect(instanceId).toMatch(/^[0-9a-f-]{36}$/);
    const ui = await fetch(`${first.temporalUiUrl}/`, { headers: { cookie } });
    expect([ui.status, ui.headers.get('content-type')]).toEqual([200, expect.stringContaining('text/html')]);
    // The real UI boots with an inline script: the CSP admits it by hash, not with 'unsafe-inline'.
    expect(ui.headers.get('content-security-policy')).toMatch(/script-src 'self' 'sha256-[A-Za-z0-9+/=]+'/);
    expect(/script-src [^;]*/.exec(ui.headers.get('content-security-policy')!)![0]).not.toContain('unsafe-inline');
    // …and opens payloads with the API's codec endpoint.
    const settings = (await (await fetch(`${first.temporalUiUrl}/api/v1/settings`, { headers: { cookie } })).json()) as { Codec: { Endpoint: string } };
    expect(settings.Codec.Endpoint).toBe(`${first.apiUrl}/v1/temporal-codec`);

    const started: number[] = first.descendants();
    expect(started.length).toBeGreaterThanOrEqual(4); // postgres, temporal, api, worker (+ their children)
    const { code } = await first.interrupt();
    expect(code).toBe(0);
    expect(first.output()).toContain('stopped.');
    expect(started.filter((pid) => isAlive(pid))).toEqual([]);

    const second = spawnStack(env);
    await second.ready;
    // The admin has a password now: no link, and the password signs in.
    expect(second.output()).not.toContain('Sign in ');
    const login = await fetch(`${second.apiUrl}/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'admin@localhost', password: 'first-admin-password' }),
    });
    expect(login.status).toBe(200);
    expect((await getMeta(second.apiUrl, login.headers.get('set-cookie')!.split(';')[0]!)).instance_id).toBe(instanceId);
    await second.interrupt();
  });

  it('refuses a port that is already taken with one line naming the setting', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((r) => blocker.listen(Number(env['OMNI_API_PORT']), '127.0.0.1', () => r()));
    try {
      const run = spawnStack(env);
      await expect(run.ready).rejects.toThrow();
      expect((await run.exited).code).toBe(1);
      expect(run.output()).toContain(`port ${env['OMNI_API_PORT']} (API) is already in use`);
      expect(run.output()).toContain('OMNI_API_PORT');
      expect(run.output()).not.toMatch(/^\s+at /m);
    } finally {
      blocker.close();
    }
  });

  it('names DATABASE_URL when it is unreachable, without echoing its password', async () => {
    const run = spawnStack({ ...env, DATABASE_URL: 'postgres://omni:hunter2@127.0.0.1:1/omniai' });
    await expect(run.ready).rejects.toThrow();
    expect((await run.exited).code).toBe(1);
    expect(run.output()).toMatch(/DATABASE_URL is unreachable \(postgres:\/\/omni:\*\*\*@127\.0\.0\.1:1\/omniai\)/);
    expect(run.output()).not.toContain('hunter2');
    expect(run.output()).not.toMatch(/^\s+at /m);
  });
});
