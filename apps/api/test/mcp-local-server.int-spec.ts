import { randomUUID } from 'node:crypto';
import { createTestDatabase } from '@omniai/store/testing';
import { type EverythingServer, startEverythingServer } from '@omniai/tools/testing';
import { startTestWorker, type TestWorker } from '@omniai/worker/testing';
import { APPROVED_TOOL_RUN, runDriver, shapeOf } from './support/run-driver';
import { startTestApi, type TestApi } from './support/test-api';

const FIXTURES = [
  {
    match: '[local] echo',
    reply: 'Echoing.',
    tool_calls: [{ id: 'c1', name: 'mcp__everything__echo', arguments: JSON.stringify({ message: 'from a run' }) }],
    after_tools: 'Echoed.',
  },
];

/**
 * A local MCP server, registered as an admin would (issue 17, D-NEW-egress-1): the reference server from npm
 * (`@modelcontextprotocol/server-everything`) over Streamable HTTP on 127.0.0.1, allowed by an `egress_allow` entry
 * `{ host: "127.0.0.1:<port>", allow_private: true }` saved through `PUT /v1/policy`. The API lists its tools and the
 * worker calls one in a run, both connecting to 127.0.0.1 for real (no test network).
 */
describe('a local MCP server through the explicit local allowance', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let everything: EverythingServer;
  let api: TestApi;
  let worker: TestWorker;
  let threadId: string;
  const policy = (egress_allow: unknown[]) =>
    api.put('/v1/policy', {
      grants: [{ level: 'workspace', subject: '*', scopes: ['read_web'], require_approval: false }],
      kill_switch_external_writes: false,
      egress_allow,
    });

  beforeAll(async () => {
    everything = await startEverythingServer();
    db = await createTestDatabase('mcplocal');
    const taskQueue = `test-${randomUUID()}`;
    api = await startTestApi({ DATABASE_URL: db.url, OMNI_TASK_QUEUE: taskQueue });
    worker = await startTestWorker(db.url, { taskQueue, fixtures: FIXTURES });
    const projectId = (await api.post('/v1/projects', { name: 'Local MCP' })).body.id;
    threadId = (await api.post(`/v1/projects/${projectId}/threads`, { title: 't' })).body.id;
  }, 300_000);

  afterAll(async () => {
    await api?.close();
    await worker?.stop();
    await db?.drop();
    await everything?.close();
  });

  it('PUT /v1/policy refuses the flag on a wildcard and on a metadata address, naming the field', async () => {
    const res = await policy(['*', { host: '*.corp.example', allow_private: true }, { host: '169.254.169.254', allow_private: true }]);
    expect([res.status, res.body.error.code]).toEqual([400, 'E_VALIDATION']);
    expect(res.body.error.detail).toEqual([
      { path: 'egress_allow.1.allow_private', message: expect.stringContaining('allow_private is only for one named host') },
    ]);
    // The contract passed, so the address check runs: metadata is refused whatever the flag says.
    const metadata = await policy([{ host: '169.254.169.254', allow_private: true }]);
    expect(metadata.body.error.detail).toEqual([
      { path: 'egress_allow.0.host', message: '169.254.169.254 is not a public address (metadata); tools never reach it, whatever the entry says' },
    ]);
  });

  it('without the flag, registering the server is refused with E_EGRESS_DENIED', async () => {
    const plain = await policy([`127.0.0.1:${everything.port}`]);
    expect([plain.status, plain.body.error.detail]).toEqual([400, [{ path: 'egress_allow.0', message: expect.stringContaining('allow_private') }]]);
    await policy(['*', `*:${everything.port}`]);
    const res = await api.post('/v1/tools/mcp', { id: 'everything', url: everything.url });
    expect([res.status, res.body.error.code]).toEqual([403, 'E_EGRESS_DENIED']);
    expect(res.body.error.message).toContain('127.0.0.1 is a loopback address; refused');
    expect(res.body.error.message).toContain('needs an entry with allow_private');
  });

  it('with the flag, the API lists and registers its tools, and a run calls echo through the worker', async () => {
    const entry = { host: `127.0.0.1:${everything.port}`, allow_private: true, note: 'server-everything on this machine' };
    const saved = await policy(['*', entry]);
    expect(saved.status).toBe(200);
    expect((await api.get('/v1/policy')).body.egress_allow).toEqual(['*', entry]);
    const res = await api.post('/v1/tools/mcp', { id: 'everything', url: everything.url });
    expect(res.status).toBe(200);
    const echo = res.body.tools.map((t: { manifest: Record<string, unknown> }) => t.manifest).find((m: { id: string }) => m.id === 'mcp.everything.echo');
    expect(echo).toMatchObject({ risk: { side_effect: 'read', egress_hosts: ['127.0.0.1'] }, binding: { type: 'mcp_remote', tool_name: 'echo' } });

    const { run, approveUntilDone } = runDriver(
      () => api,
      () => threadId,
    );
    const evs = await approveUntilDone((await run('[local] echo')).id);
    expect(shapeOf(evs)).toEqual(APPROVED_TOOL_RUN);
    const result = evs.find((e) => e.kind === 'tool_result');
    expect(result?.kind === 'tool_result' && result.payload.result).toEqual({ inline: { text: 'Echo: from a run' } });
  });
});
