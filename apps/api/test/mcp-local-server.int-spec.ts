import { randomUUID } from 'node:crypto';
import { createTestDatabase } from '@omniai/store/testing';
import { type EverythingServer, startEverythingServer, startTestMcpServer } from '@omniai/tools/testing';
import { startTestWorker, type TestWorker } from '@omniai/worker/testing';
import { APPROVED_TOOL_RUN, runDriver, shapeOf } from './support/run-driver';
import { startTestApi, type TestApi } from './support/test-api';

const FIXTURES = [
  {
    match: '[local] look up',
    reply: 'Looking it up.',
    tool_calls: [{ id: 'c1', name: 'mcp__local__lookup_word', arguments: JSON.stringify({ word: 'omni' }) }],
    after_tools: 'Found it.',
  },
];

/**
 * Local MCP servers, registered as an admin would (issue 17, D58): allowed by an `egress_allow` entry
 * `{ host: "127.0.0.1:<port>", allow_private: true }` saved through `PUT /v1/policy`, reached at 127.0.0.1 for real
 * (no test network). The reference server from npm (`@modelcontextprotocol/server-everything`) is listed by the API;
 * the SDK's server (the test fixture, whose schemas register) is listed by the API and called by the worker in a run.
 */
describe('a local MCP server through the explicit local allowance', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let everything: EverythingServer;
  let sdkServer: Awaited<ReturnType<typeof startTestMcpServer>>;
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
    sdkServer = await startTestMcpServer();
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
    await sdkServer?.close();
  });

  it('PUT /v1/policy refuses the flag on a wildcard and on a metadata address, naming the field', async () => {
    const res = await policy(['*', { host: '*.corp.example', allow_private: true }, { host: '169.254.169.254', allow_private: true }]);
    expect([res.status, res.body.error.code]).toEqual([400, 'E_VALIDATION']);
    // The grammar (the flag on a wildcard) and the address policy (metadata, whatever the flag says), each with its field.
    expect(res.body.error.detail).toEqual([
      { path: 'egress_allow.1.allow_private', message: expect.stringContaining('allow_private is only for one named host') },
      { path: 'egress_allow.2.host', message: '169.254.169.254 is not a public address (metadata); tools never reach it, whatever the entry says' },
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

  it('with the flag, the API connects to server-everything and lists its tools', async () => {
    const entry = { host: `127.0.0.1:${everything.port}`, allow_private: true, note: 'server-everything on this machine' };
    expect((await policy(['*', entry])).status).toBe(200);
    expect((await api.get('/v1/policy')).body.egress_allow).toEqual(['*', entry]);
    const res = await api.post('/v1/tools/mcp', { id: 'everything', url: everything.url });
    // Its draft-07 input schemas are rewritten as 2020-12 (schema-dialect.ts), so its tools register.
    expect(res.status).toBe(200);
    const listed = (res.body.tools as Array<{ manifest: { binding: { tool_name: string } } }>).map((t) => t.manifest.binding.tool_name);
    expect(listed).toEqual(expect.arrayContaining(['echo', 'get-sum']));
  });

  it('with the flag, a server on 127.0.0.1 registers and a run calls its tool through the worker', async () => {
    const entry = { host: `127.0.0.1:${sdkServer.web.port}`, allow_private: true, note: 'the SDK test server' };
    expect((await policy([entry])).status).toBe(200);
    const res = await api.post('/v1/tools/mcp', { id: 'local', url: `http://127.0.0.1:${sdkServer.web.port}/mcp` });
    expect([res.status, res.body.error]).toEqual([200, undefined]);
    const lookup = res.body.tools.map((t: { manifest: Record<string, unknown> }) => t.manifest).find((m: { id: string }) => m.id === 'mcp.local.lookup_word');
    expect(lookup).toMatchObject({ risk: { side_effect: 'read', egress_hosts: ['127.0.0.1'] }, binding: { type: 'mcp_remote', tool_name: 'lookup_word' } });

    const { run, approveUntilDone } = runDriver(
      () => api,
      () => threadId,
    );
    const evs = await approveUntilDone((await run('[local] look up')).id);
    expect(shapeOf(evs)).toEqual(APPROVED_TOOL_RUN);
    const result = evs.find((e) => e.kind === 'tool_result');
    expect(result?.kind === 'tool_result' && result.payload.result).toEqual({
      inline: { text: 'omni: a word of 4 letters', structured_content: { word: 'omni', length: 4 } },
    });
    expect(sdkServer.calls).toEqual(['lookup_word']);

    // Without the flag the worker's call is refused at call time (the policy is read then), and the run records it.
    await policy(['*', `*:${sdkServer.web.port}`]);
    const refused = await approveUntilDone((await run('[local] look up')).id);
    const error = refused.find((e) => e.kind === 'tool_error');
    expect(error?.kind === 'tool_error' && error.payload).toMatchObject({ code: 'E_EGRESS_DENIED', message: '127.0.0.1 is a loopback address; refused' });
    expect(sdkServer.calls).toEqual(['lookup_word']);
  });
});
