import { execFileSync } from 'node:child_process';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTestDatabase } from '@omniai/store/testing';
import { startTestWorker, testPayloadKeys, type TestWorker } from '@omniai/worker/testing';
import { AesGcmPayloadCodec, ENCRYPTED_ENCODING, openHistoryPayloads } from '@omniai/workflow-api/codec';
import { Client, Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { runDriver } from './support/run-driver';
import { type ApiClient, startTestApi, type TestApi } from './support/test-api';

// Issue 13, item 2 (D45): Temporal holds ciphertext only; admins read plaintext through the API.
const CANARY = `canary-${randomBytes(6).toString('hex')}`;
const FIXTURES = [
  {
    match: '[codec] search',
    reply: `Searching for ${CANARY}-reply.`,
    tool_calls: [{ id: 'c1', name: 'documents__search', arguments: JSON.stringify({ query: `${CANARY}-tool-args`, limit: 1 }) }],
    after_tools: `Found nothing about ${CANARY}-final.`,
  },
];
const b64 = (s: string) => Buffer.from(s).toString('base64');

/** The Temporal UI's index page starts the app with an inline script, as the real one does. */
const UI_SCRIPT = '\n  import("/temporal/_app/start.js");\n';
const UI_PAGE = `<!doctype html><title>Temporal</title><script src="/temporal/_app/x.js"></script><script>${UI_SCRIPT}</script>`;

/** A stand-in for the Temporal UI server: it records what reached it (with the cookies it was sent). */
async function fakeTemporalUi(): Promise<{ url: string; hits: string[]; close(): Promise<void> }> {
  const hits: string[] = [];
  const server: Server = createServer((req, res) => {
    hits.push(`${req.method} ${req.url} host=${req.headers.host} cookie=${req.headers.cookie ?? ''}`);
    res.writeHead(200, { 'content-type': 'text/html' }).end(UI_PAGE);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, hits, close: () => new Promise((r) => server.close(() => r())) };
}

/** A raw HTTP request (fetch would not let a test send another Host). */
function raw(
  url: string,
  opts: { method?: string; headers?: Record<string, string> },
): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: opts.method ?? 'GET', headers: opts.headers }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode!, body, headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('Temporal payload codec: Temporal holds ciphertext, admins read plaintext through the API', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let worker: TestWorker;
  let api: TestApi;
  let operator: ApiClient;
  let ui: Awaited<ReturnType<typeof fakeTemporalUi>>;
  let connection: Connection;
  let threadId: string;
  let workflowId: string;
  let history: temporal.api.history.v1.IHistory;
  const driver = runDriver(
    () => api,
    () => threadId,
  );

  beforeAll(async () => {
    db = await createTestDatabase('codec');
    ui = await fakeTemporalUi();
    const taskQueue = `test-${randomUUID()}`;
    api = await startTestApi({ DATABASE_URL: db.url, OMNI_TASK_QUEUE: taskQueue, TEMPORAL_UI_URL: ui.url });
    worker = await startTestWorker(db.url, { taskQueue, fixtures: FIXTURES });
    const project = (await api.post('/v1/projects', { name: 'codec' })).body.id as string;
    threadId = (await api.post(`/v1/projects/${project}/threads`, {})).body.id;
    operator = await api.newUser('operator');
    await api.put('/v1/policy', {
      grants: [{ level: 'workspace', subject: '*', scopes: ['read_files'], require_approval: false }],
      kill_switch_external_writes: false,
    });
    const run = await driver.run(`[codec] search ${CANARY}-message`);
    const done = await driver.waitFor(run.id, ['completed', 'failed']);
    expect(done.status).toBe('completed');
    workflowId = run.workflow_id;
    // Temporal's own view: a client without the codec, as anyone reaching the port has.
    connection = await Connection.connect({ address: process.env['OMNI_TEST_TEMPORAL_ADDRESS']! });
    history = await new Client({ connection }).workflow.getHandle(workflowId).fetchHistory();
  }, 300_000);

  afterAll(async () => {
    await connection?.close();
    await api?.close();
    await worker?.stop();
    await ui?.close();
    await db?.drop();
  });

  it('keeps every user message, reply, tool argument and result out of the stored history', async () => {
    const bytes = Buffer.from(temporal.api.history.v1.History.encode(history).finish());
    expect(bytes.includes(CANARY)).toBe(false);
    // The same history, opened with the keyring, has them all: the check above can see plaintext when it is there.
    const opened = await openHistoryPayloads(history, new AesGcmPayloadCodec(testPayloadKeys()));
    const plain = Buffer.from(temporal.api.history.v1.History.encode(opened).finish()).toString('utf8');
    for (const part of ['message', 'reply', 'tool-args', 'final']) expect(plain).toContain(`${CANARY}-${part}`);
    // The workflow input is sealed with the active key, named in the metadata.
    const input = history.events![0]!.workflowExecutionStartedEventAttributes!.input!.payloads![0]!;
    expect(Buffer.from(input.metadata!['encoding']!).toString()).toBe(ENCRYPTED_ENCODING);
    expect(Buffer.from(input.metadata!['encryption-key-id']!).toString()).toBe(testPayloadKeys().activeId);
  });

  it("prints ciphertext in Temporal's own `temporal workflow show`", () => {
    const shown = execFileSync(
      process.env['OMNI_TEST_TEMPORAL_CLI']!,
      ['workflow', 'show', '--address', process.env['OMNI_TEST_TEMPORAL_ADDRESS']!, '--workflow-id', workflowId, '--output', 'json'],
      { encoding: 'utf8' },
    );
    expect(shown).toContain(b64(ENCRYPTED_ENCODING));
    expect(shown).not.toContain(CANARY);
    expect(shown).not.toContain(b64(CANARY).slice(0, 12));
  });

  describe('the codec endpoint', () => {
    const sealedInput = () => {
      const p = history.events![0]!.workflowExecutionStartedEventAttributes!.input!.payloads![0]!;
      return {
        metadata: Object.fromEntries(Object.entries(p.metadata!).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
        data: Buffer.from(p.data!).toString('base64'),
      };
    };
    const decode = (client: ApiClient, payloads: unknown[], headers: Record<string, string> = { origin: api.url }) =>
      client.call('POST', '/v1/temporal-codec/decode', { payloads }, { 'x-namespace': 'default', ...headers });

    it('opens sealed payloads for an admin calling from the API origin (as the Temporal UI does)', async () => {
      const res = await decode(api, [sealedInput()]);
      expect(res.status).toBe(200);
      expect(Buffer.from(res.body.payloads[0].data, 'base64').toString()).toContain(`${CANARY}-message`);
      // The UI round-trips what it sends (e.g. a signal's input) through encode.
      const sealed = await api.call(
        'POST',
        '/v1/temporal-codec/encode',
        { payloads: [{ metadata: { encoding: b64('json/plain') }, data: b64('"x"') }] },
        { origin: api.url },
      );
      expect(Buffer.from(sealed.body.payloads[0].metadata.encoding, 'base64').toString()).toBe(ENCRYPTED_ENCODING);
    });

    it('is for admins only, and needs the Origin of the API (no CSRF token can come from the Temporal UI)', async () => {
      expect((await decode(operator, [sealedInput()])).status).toBe(403);
      expect((await api.anon('POST', '/v1/temporal-codec/decode', { body: { payloads: [] }, headers: { origin: api.url } })).status).toBe(401);
      expect((await decode(api, [sealedInput()], {})).status).toBe(403);
      expect((await decode(api, [sealedInput()], { origin: 'http://evil.example' })).status).toBe(403);
    });

    it('refuses altered payloads with 400, never 500', async () => {
      const input = sealedInput();
      const data = Buffer.from(input.data, 'base64');
      data[30]! ^= 1;
      const res = await decode(api, [{ ...input, data: data.toString('base64') }]);
      expect([res.status, res.body.error.code]).toEqual([400, 'E_VALIDATION']);
      expect(res.body.error.message).toMatch(/failed authentication/);
    });
  });

  describe('the Temporal UI behind /temporal/', () => {
    const host = () => new URL(api.url).host;

    it("answers an admin session, with a CSP admitting the page's own inline script only, without the session cookie upstream", async () => {
      const res = await raw(`${api.url}/temporal/namespaces/default/workflows`, { headers: { cookie: `${api.cookie}; _csrf=ui-token` } });
      expect(res.status).toBe(200);
      expect(res.body).toBe(UI_PAGE);
      const hash = createHash('sha256').update(UI_SCRIPT).digest('base64');
      expect(res.headers['content-security-policy']).toContain(`script-src 'self' 'sha256-${hash}';`);
      expect(ui.hits.at(-1)).toBe(`GET /temporal/namespaces/default/workflows host=${new URL(ui.url).host} cookie=_csrf=ui-token`);
    });

    it('is not there for anyone else: no session, a non-admin, another Host, a cross-origin change', async () => {
      const before = ui.hits.length;
      const url = `${api.url}/temporal/namespaces/default/workflows`;
      expect((await raw(url, {})).status).toBe(404);
      expect((await raw(url, { headers: { cookie: operator.cookie } })).status).toBe(404);
      // A DNS-rebound name reaching this port: refused even with an admin's cookie, by the API's Host allowlist (421,
      // D46) before the proxy's own Host check is reached.
      expect((await raw(url, { headers: { cookie: api.cookie, host: `rebound.example:${new URL(api.url).port}` } })).status).toBe(421);
      expect((await raw(url, { method: 'POST', headers: { cookie: api.cookie } })).status).toBe(404);
      expect((await raw(url, { method: 'POST', headers: { cookie: api.cookie, origin: 'http://evil.example' } })).status).toBe(404);
      expect(ui.hits.length).toBe(before);
      expect((await raw(url, { method: 'POST', headers: { cookie: api.cookie, origin: `http://${host()}` } })).status).toBe(200);
    });
  });
});
