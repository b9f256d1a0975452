// The one way the benchmark talks HTTP to the OmniAI API. Every call (JSON requests and SSE streams alike) goes
// through omniFetch, so that authentication (a session cookie, and a CSRF header on mutations) is added in one place.

import { signIn, TEST_ADMIN } from '../tools/testing/api-session.mjs';

let session = null;

/** Signs in as the admin the benchmark's API was started with (`TEST_ADMIN_ENV`); every later call carries it. */
export async function connect(apiUrl) {
  session = await signIn(apiUrl, TEST_ADMIN);
}

/** The session cookie, and the CSRF header on mutations (nothing before `connect`: only public routes work then). */
function credentials(method) {
  if (!session) return {};
  return { cookie: session.cookie, ...(method === 'GET' ? {} : { 'x-csrf-token': session.csrf }) };
}

/** fetch() against the OmniAI API at `apiUrl`; `body` (if any) is sent as JSON. Returns the Response. */
export function omniFetch(apiUrl, path, { method = 'GET', body, headers = {} } = {}) {
  return fetch(`${apiUrl}${path}`, {
    method,
    headers: { ...credentials(method), ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

/** A JSON call that must succeed: its parsed body (null for 204); throws with the status and body otherwise. */
export async function api(apiUrl, method, path, body) {
  const res = await omniFetch(apiUrl, path, { method, body });
  if (!res.ok) throw new Error(`${method} ${path} → ${res.status} ${await res.text()}`);
  return res.status === 204 ? null : res.json();
}

/**
 * Opens one of the API's SSE streams and calls `onFrame({ event, id, data })` (raw strings) for each frame as its
 * bytes arrive. Returns `{ close, done }`; `done` settles when the server ends the stream or `close()` is called.
 */
export async function omniStream(apiUrl, path, onFrame) {
  const res = await omniFetch(apiUrl, path, { headers: { accept: 'text/event-stream' } });
  if (res.status !== 200) throw new Error(`GET ${path} → ${res.status} ${await res.text()}`);
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  let frame = {};
  const done = (async () => {
    try {
      for (;;) {
        const { value, done: ended } = await reader.read();
        if (ended) return;
        buffer += decoder.decode(value, { stream: true });
        for (let nl = buffer.indexOf('\n'); nl >= 0; nl = buffer.indexOf('\n')) {
          const line = buffer.slice(0, nl);
          buffer = buffer.slice(nl + 1);
          const colon = line.indexOf(':');
          if (line === '') {
            if (frame.event || frame.id) onFrame(frame);
            frame = {};
          } else if (colon > 0) frame[line.slice(0, colon)] = line.slice(colon + 1).trimStart(); // `: …` lines are heartbeats
        }
      }
    } catch (err) {
      if (!closed) throw err;
    }
  })();
  let closed = false;
  return {
    close: () => {
      closed = true;
      return reader.cancel().catch(() => undefined);
    },
    done,
  };
}
