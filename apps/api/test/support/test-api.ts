import 'reflect-metadata';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { CSRF_HEADER } from '@omniai/contracts';
import { createApiApp } from '../../src/bootstrap';
import { AppConfig } from '../../src/config/app-config';

// The same admin as tools/testing/api-session.mjs (used by the stack tests, e2e and the benchmark).
export const TEST_ADMIN = { email: 'admin@omni.test', password: 'test-admin-password-not-secret' } as const;
const TEST_ADMIN_ENV = { OMNI_ADMIN_EMAIL: TEST_ADMIN.email, OMNI_ADMIN_PASSWORD: TEST_ADMIN.password };

type Answer = { status: number; body: any; headers: Headers };

async function request(url: string, method: string, init: { body?: unknown; headers?: Record<string, string> } = {}): Promise<Answer> {
  const res = await fetch(url, {
    method,
    headers: { ...(init.body === undefined ? {} : { 'content-type': 'application/json' }), ...init.headers },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const text = await res.text();
  let body: unknown = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = text;
  }
  // Headers are there to read, but kept out of equality checks on `{ status, body }`.
  return Object.defineProperty({ status: res.status, body } as Answer, 'headers', { value: res.headers, enumerable: false });
}

/** A client for the session that `answer` (a sign-in or accepted invite) started. */
function client(base: string, answer: Answer): ApiClient {
  if (answer.status !== 200) throw new Error(`sign-in failed: ${answer.status} ${JSON.stringify(answer.body)}`);
  const cookie = answer.headers.get('set-cookie')!.split(';')[0]!;
  const csrf = answer.body.csrf_token as string;
  const call = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    request(`${base}${path}`, method, { body, headers: { cookie, ...(method === 'GET' ? {} : { [CSRF_HEADER]: csrf }), ...headers } });
  return {
    user: answer.body.user,
    cookie,
    csrf,
    call,
    post: (p, b) => call('POST', p, b ?? {}),
    get: (p) => call('GET', p),
    put: (p, b) => call('PUT', p, b),
    del: (p) => call('DELETE', p),
  };
}

/** A signed-in user of the test API. */
export interface ApiClient {
  user: { id: string; email: string; role: string };
  cookie: string;
  csrf: string;
  post(path: string, body?: unknown): Promise<Answer>;
  get(path: string): Promise<Answer>;
  put(path: string, body: unknown): Promise<Answer>;
  del(path: string): Promise<Answer>;
  call(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Answer>;
}

/** The real API on a free port, signed in as the test admin; `as`/`newUser` give other users. */
export interface TestApi extends ApiClient {
  app: NestFastifyApplication;
  url: string;
  /** Signs in as someone else. */
  as(email: string, password: string): Promise<ApiClient>;
  /** Invites a user with `role` (and memberships), accepts the invite and answers them signed in. */
  newUser(
    role: 'admin' | 'operator' | 'reviewer' | 'viewer',
    projects?: Array<{ project_id: string; role: 'operator' | 'reviewer' | 'viewer' }>,
  ): Promise<ApiClient>;
  /** A request with no credentials at all. */
  anon(method: string, path: string, init?: { body?: unknown; headers?: Record<string, string> }): Promise<Answer>;
  close(): Promise<void>;
}

let users = 0;

/** The real API on a free port, against the test Postgres and Temporal. */
export async function startTestApi(env: Record<string, string>): Promise<TestApi> {
  const config = AppConfig.fromEnv({
    OMNI_API_PORT: '0',
    OMNI_LOG_LEVEL: 'warn',
    OMNI_SECRETS_KEY: process.env['OMNI_TEST_SECRETS_KEY']!,
    OMNI_PAYLOAD_KEYS: process.env['OMNI_TEST_PAYLOAD_KEYS']!,
    TEMPORAL_ADDRESS: process.env['OMNI_TEST_TEMPORAL_ADDRESS']!,
    // Tests point providers at scripted wire servers on 127.0.0.1 (D44: test/dev-only opt-in).
    OMNI_ALLOW_PRIVATE_PROVIDER_URLS: '1',
    ...TEST_ADMIN_ENV,
    ...env,
  });
  const app = await createApiApp(config);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.getHttpServer().address() as { port: number };
  const url = `http://127.0.0.1:${port}`;
  const as = async (email: string, password: string) => client(url, await request(`${url}/v1/auth/login`, 'POST', { body: { email, password } }));
  const admin = await as(TEST_ADMIN.email, TEST_ADMIN.password);
  return {
    ...admin,
    app,
    url,
    as,
    async newUser(role, projects = []) {
      const email = `user${++users}.${process.pid}.${Date.now()}@omni.test`;
      const invite = await admin.post('/v1/invites', { email, role, projects });
      if (invite.status !== 201) throw new Error(`invite failed: ${invite.status} ${JSON.stringify(invite.body)}`);
      const password = `password-of-${email}`;
      return client(
        url,
        await request(`${url}/v1/auth/invites/${invite.body.token}/accept`, 'POST', { body: { display_name: email.split('@')[0], password } }),
      );
    },
    anon: (method, path, init) => request(`${url}${path}`, method, init),
    close: () => app.close(),
  };
}
