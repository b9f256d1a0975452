// Signs in to a running API the way the console does (session cookie + CSRF header), for tests and the benchmark.
// The stacks and APIs the tests start create this admin on first start (OMNI_ADMIN_EMAIL / OMNI_ADMIN_PASSWORD).

export const TEST_ADMIN = Object.freeze({ email: 'admin@omni.test', password: 'test-admin-password-not-secret' });

/** Env that makes a fresh API create TEST_ADMIN with a password (no one-time link). */
export const TEST_ADMIN_ENV = Object.freeze({ OMNI_ADMIN_EMAIL: TEST_ADMIN.email, OMNI_ADMIN_PASSWORD: TEST_ADMIN.password });

/**
 * Signs in and answers a client whose `call(method, path, body?, headers?)` sends the session cookie and, on
 * mutations, the CSRF token; it resolves `{ status, body }` (the body parsed as JSON when there is one).
 */
export async function signIn(baseUrl, { email, password } = TEST_ADMIN) {
  const res = await fetch(`${baseUrl}/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  if (res.status !== 200) throw new Error(`sign-in as ${email} failed: ${res.status} ${await res.text()}`);
  const cookie = res.headers.get('set-cookie').split(';')[0];
  const session = await res.json();
  return sessionClient(baseUrl, cookie, session);
}

/** A client for a session already made (e.g. by accepting an invite). */
export function sessionClient(baseUrl, cookie, session) {
  const call = async (method, path, body, headers = {}) => {
    const res = await fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        cookie,
        ...(method === 'GET' || method === 'HEAD' ? {} : { 'x-csrf-token': session.csrf_token }),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    let parsed = null;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      parsed = text;
    }
    return { status: res.status, body: parsed, headers: res.headers };
  };
  return { cookie, csrf: session.csrf_token, user: session.user, session, call };
}

/** Like `call`, but throws unless the answer is 2xx, and resolves the body. */
export async function callOk(client, method, path, body) {
  const res = await client.call(method, path, body);
  if (res.status < 200 || res.status > 299) throw new Error(`${method} ${path} → ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}
