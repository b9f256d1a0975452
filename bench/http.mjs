// The one way the benchmark talks HTTP to the OmniAI API. Every call (JSON requests and SSE streams alike) goes
// through omniFetch, so that authentication (a session cookie, and a CSRF header on mutations) is added in one place.

/** fetch() against the OmniAI API at `apiUrl`; `body` (if any) is sent as JSON. Returns the Response. */
export function omniFetch(apiUrl, path, { method = 'GET', body, headers = {} } = {}) {
  return fetch(`${apiUrl}${path}`, {
    method,
    headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

/** A JSON call that must succeed: its parsed body (null for 204); throws with the status and body otherwise. */
export async function api(apiUrl, method, path, body) {
  const res = await omniFetch(apiUrl, path, { method, body });
  if (!res.ok) throw new Error(`${method} ${path} → ${res.status} ${await res.text()}`);
  return res.status === 204 ? null : res.json();
}
