import { randomUUID } from 'node:crypto';
import type { McpCatalogTool } from '@omniai/contracts';
import { createTestDatabase } from '@omniai/store/testing';
import { type EverythingServer, startEverythingServer } from '@omniai/tools/testing';
import { startTestWorker, type TestWorker } from '@omniai/worker/testing';
import { runDriver } from './support/run-driver';
import { startTestApi, type TestApi } from './support/test-api';

/**
 * The hub with the reference MCP server from npm (`@modelcontextprotocol/server-everything` over Streamable HTTP on
 * 127.0.0.1, no test network), added as an admin would: an `egress_allow` entry with `allow_private` for its host and
 * port, then `POST /v1/mcp/servers`. The worker lists it (tools, resources, prompts, protocol version) and a Try of its
 * `get-sum` tool runs through policy, approval and egress as a one-step run.
 */
describe('MCP hub with server-everything', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let everything: EverythingServer;
  let api: TestApi;
  let worker: TestWorker;
  let projectId: string;

  beforeAll(async () => {
    everything = await startEverythingServer();
    db = await createTestDatabase('mcphubeverything');
    const taskQueue = `test-${randomUUID()}`;
    api = await startTestApi({ DATABASE_URL: db.url, OMNI_TASK_QUEUE: taskQueue, OMNI_MCP_CHECK_WAIT_MS: '60000' });
    worker = await startTestWorker(db.url, { taskQueue });
    projectId = (await api.post('/v1/projects', { name: 'Everything' })).body.id;
  }, 300_000);

  afterAll(async () => {
    await api?.close();
    await worker?.stop();
    await db?.drop();
    await everything?.close();
  });

  it('is added through the explicit local allowance, listed by the worker and tried as a one-step run', async () => {
    const entry = { host: `127.0.0.1:${everything.port}`, allow_private: true, note: 'server-everything on this machine' };
    const policy = await api.put('/v1/policy', {
      grants: [{ level: 'workspace', subject: '*', scopes: ['read_web', 'write_web'], require_approval: false }],
      kill_switch_external_writes: false,
      egress_allow: [entry],
    });
    expect(policy.status).toBe(200);
    const res = await api.post('/v1/mcp/servers', { id: 'everything', transport: { type: 'streamable_http', url: everything.url } });
    expect([res.status, res.body.error]).toEqual([201, undefined]);
    const { server, catalog } = res.body;
    expect(server.health).toMatchObject({ status: 'ok', auth_state: 'none', server_info: { name: expect.any(String) }, error: null });
    expect(server.health.protocol_version).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    const names = catalog.tools.map((t: McpCatalogTool) => t.definition.name);
    expect(names).toEqual(expect.arrayContaining(['echo', 'get-sum']));
    expect(catalog.resources.length).toBeGreaterThan(0);
    expect(catalog.prompts.length).toBeGreaterThan(0);
    const sum = catalog.tools.find((t: McpCatalogTool) => t.definition.name === 'get-sum') as McpCatalogTool;
    expect(sum).toMatchObject({ status: 'approved', tool_id: 'mcp.everything.get-sum' });
    // Hashed as listed (draft-07 included); the registered manifest's schema is rewritten as 2020-12.
    expect(sum.definition.input_schema).toMatchObject({ type: 'object' });

    const tried = await api.post('/v1/mcp/servers/everything/tools/get-sum/try', { project_id: projectId, input: { a: 2, b: 40 } });
    expect(tried.status).toBe(202);
    const evs = await runDriver(
      () => api,
      () => '',
    ).approveUntilDone(tried.body.run.id);
    const result = evs.find((e) => e.kind === 'tool_result');
    expect(result?.kind === 'tool_result' && JSON.stringify(result.payload.result)).toContain('42');
    expect(evs.at(-1)?.kind).toBe('run_completed');

    // A check now: nothing changed, nothing drifted.
    const checked = await api.post('/v1/mcp/servers/everything/check');
    expect(checked.body.server.tool_counts.drifted).toBe(0);
  });
});
