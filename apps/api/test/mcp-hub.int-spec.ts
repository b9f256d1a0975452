import { randomUUID } from 'node:crypto';
import type { McpCatalogTool, RunEvent } from '@omniai/contracts';
import { mcpCheckScheduleId } from '@omniai/contracts';
import { createTestDatabase } from '@omniai/store/testing';
import { PUBLIC_V4, startTestMcpServer, type TestMcpServer } from '@omniai/tools/testing';
import { startTestWorker, testDataConverter, type TestWorker } from '@omniai/worker/testing';
import { TemporalService } from '../src/temporal/temporal.service';
import { runDriver } from './support/run-driver';
import { startTestApi, type TestApi } from './support/test-api';

// The scripted model calls the hub's tool by its provider-safe name (`mcp.hubdocs.lookup_word` ↔ `mcp__hubdocs__lookup_word`).
const FIXTURES = [
  {
    match: '[hub] look up',
    reply: 'Looking it up.',
    tool_calls: [{ id: 'c1', name: 'mcp__hubdocs__lookup_word', arguments: JSON.stringify({ word: 'omni' }) }],
    after_tools: 'Done.',
  },
];

const SECRET = 'hub-secret-value-7f3a9c';
const HEX64 = /^[0-9a-f]{64}$/;
/** Another public-looking address (documentation ranges are refused by vetting): routed to the guarded server. */
const GUARDED_V4 = '93.184.215.15';

/** Every payload of a workflow history, opened with the tests' keyring: what Temporal holds, in plaintext. */
async function historyText(api: TestApi, workflowId: string): Promise<string> {
  const history = await api.app.get(TemporalService).client.workflow.getHandle(workflowId).fetchHistory();
  const payloads: Array<{ metadata?: unknown; data?: unknown }> = [];
  const walk = (v: unknown): void => {
    if (v === null || typeof v !== 'object') return;
    if ('data' in v && 'metadata' in v && (v as { data?: unknown }).data instanceof Uint8Array) payloads.push(v as never);
    for (const x of Object.values(v)) walk(x);
  };
  walk(history);
  const codec = testDataConverter().payloadCodecs![0]!;
  const opened = await codec.decode(payloads as never);
  return opened.map((p) => Buffer.from(p.data ?? []).toString('utf8')).join('\n');
}

/**
 * The MCP hub against real MCP servers (the SDK's server side on 127.0.0.1, reached through the stand-in network of
 * D24's test hatch): servers, the worker's checks, the catalog with hashes and poisoning flags, drift → refused calls →
 * review → re-approval, Try, and secrets that never leave the store.
 */
describe('MCP hub', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let docs: TestMcpServer;
  let guarded: TestMcpServer;
  let api: TestApi;
  let worker: TestWorker;
  let projectId: string;
  let threadId: string;

  beforeAll(async () => {
    docs = await startTestMcpServer();
    guarded = await startTestMcpServer({ poisoned: true, requireHeader: { name: 'X-Api-Key', value: SECRET } });
    db = await createTestDatabase('mcphub');
    const taskQueue = `test-${randomUUID()}`;
    api = await startTestApi({ DATABASE_URL: db.url, OMNI_TASK_QUEUE: taskQueue, OMNI_MCP_CHECK_WAIT_MS: '60000' });
    // One stand-in network for both servers: each name resolves to its own public-looking address, routed to its loopback server.
    const docsNet = docs.web.network({ 'mcp.test': [PUBLIC_V4], 'guarded.test': [GUARDED_V4] });
    // Every call re-lists its server first (listing max age 0), so a call sees drift no check has seen yet.
    worker = await startTestWorker(db.url, {
      taskQueue,
      fixtures: FIXTURES,
      mcpListingMaxAgeS: 0,
      mcpConnect: {
        unsafeTestNetwork: {
          resolve: docsNet.resolve,
          loopbackPortFor: (vetted) => (vetted.address === GUARDED_V4 ? guarded.web.port : docs.web.port),
        },
      },
    });
    await api.put('/v1/policy', {
      grants: [{ level: 'workspace', subject: '*', scopes: ['read_web', 'write_web'], require_approval: false }],
      kill_switch_external_writes: false,
      egress_allow: ['mcp.test', 'guarded.test'],
    });
    projectId = (await api.post('/v1/projects', { name: 'MCP hub' })).body.id;
    threadId = (await api.post(`/v1/projects/${projectId}/threads`, { title: 't' })).body.id;
  }, 300_000);

  afterAll(async () => {
    await api?.close();
    await worker?.stop();
    await db?.drop();
    await docs?.close();
    await guarded?.close();
  });

  const create = (body: unknown) => api.post('/v1/mcp/servers', body);
  const tool = (tools: McpCatalogTool[], name: string) => tools.find((t) => t.definition.name === name)!;

  describe('servers', () => {
    it('validates the body: 400 envelope with the failing field', async () => {
      for (const body of [
        { id: 'Bad Id', transport: { type: 'streamable_http', url: 'http://mcp.test/mcp' } },
        { id: 'x', transport: { type: 'streamable_http', url: 'ftp://mcp.test/' } },
        { id: 'x', transport: { type: 'streamable_http', url: 'http://u:p@mcp.test/mcp' } },
        { id: 'x', transport: { type: 'stdio', command: [] } },
        { id: 'x', transport: { type: 'streamable_http', url: 'http://mcp.test/mcp' }, auth: { type: 'headers', headers: { Host: 'x' } } },
      ]) {
        const res = await create(body);
        expect([res.status, res.body.error.code]).toEqual([400, 'E_VALIDATION']);
      }
      expect((await api.get('/v1/mcp/servers/nope')).status).toBe(404);
      expect((await api.call('PATCH', '/v1/mcp/servers/nope', { name: 'x' })).status).toBe(404);
      expect((await api.call('PATCH', '/v1/mcp/servers/nope', {})).status).toBe(400);
    });

    it('adds a server: the worker lists it, every tool is approved at its definition hash and registered as a version', async () => {
      const res = await create({ id: 'hubdocs', name: 'Docs', transport: { type: 'streamable_http', url: 'http://mcp.test/mcp' } });
      expect(res.status).toBe(201);
      const { server, catalog } = res.body;
      expect(server).toMatchObject({
        id: 'hubdocs',
        name: 'Docs',
        enabled: true,
        auth: { type: 'none' },
        health: { status: 'ok', auth_state: 'none', server_info: { name: 'omni-test-mcp', version: '1.4.0' }, error: null },
        tool_counts: { approved: 5, drifted: 0, new: 0, blocked: 0, flagged: 0 },
      });
      expect(server.health.protocol_version).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(server.health.latency_ms).toBeGreaterThanOrEqual(0);
      const lookup = tool(catalog.tools, 'lookup_word');
      expect(lookup).toMatchObject({ tool_id: 'mcp.hubdocs.lookup_word', status: 'approved', flags: [] });
      expect(lookup.definition_hash).toMatch(HEX64);
      expect(lookup.approved_hash).toBe(lookup.definition_hash);
      expect(lookup.approved_version).toBe(`1.4.0+d${lookup.definition_hash.slice(0, 12)}`);
      const registered = (await api.get('/v1/tools')).body.items.find(
        (t: { manifest: { id: string; version: string } }) => t.manifest.id === 'mcp.hubdocs.lookup_word' && t.manifest.version === lookup.approved_version,
      );
      expect(registered.manifest.binding).toEqual({
        type: 'mcp_remote',
        server_id: 'hubdocs',
        tool_name: 'lookup_word',
        definition_hash: lookup.definition_hash,
      });
      // The periodic check is a Temporal Schedule.
      const schedule = await api.app.get(TemporalService).client.schedule.getHandle(mcpCheckScheduleId('hubdocs')).describe();
      expect(schedule.action).toMatchObject({ type: 'startWorkflow', workflowType: 'mcpCheckWorkflow' });
      expect((await create({ id: 'hubdocs', transport: { type: 'streamable_http', url: 'http://mcp.test/mcp' } })).status).toBe(409);
      expect((await api.get('/v1/mcp/servers')).body.items.map((s: { id: string }) => s.id)).toEqual(['hubdocs']);
    });

    it('a server that cannot be listed is not kept (egress, not an MCP endpoint)', async () => {
      const denied = await create({ id: 'elsewhere', transport: { type: 'streamable_http', url: 'http://not-allowed.test/mcp' } });
      expect([denied.status, denied.body.error.code]).toEqual([403, 'E_EGRESS_DENIED']);
      const notMcp = await create({ id: 'notmcp', transport: { type: 'streamable_http', url: 'http://mcp.test/nothing-here' } });
      expect([notMcp.status, notMcp.body.error.code]).toEqual([502, 'E_TOOL_FAILED']);
      const stdio = await create({ id: 'local', transport: { type: 'stdio', command: ['node', 'server.js'] } });
      expect([stdio.status, stdio.body.error.message]).toEqual([502, 'Cannot list the MCP server "local": stdio transport not available in this worker.']);
      expect((await api.get('/v1/mcp/servers')).body.items.map((s: { id: string }) => s.id)).toEqual(['hubdocs']);
    });

    it('sealed headers: sent by the worker, never returned; poisoning flags in the catalog; a wrong key shows as unauthorized', async () => {
      const res = await create({
        id: 'guarded',
        transport: { type: 'streamable_http', url: 'http://guarded.test/mcp' },
        auth: { type: 'headers', headers: { 'X-Api-Key': SECRET } },
      });
      expect(res.status).toBe(201);
      expect(JSON.stringify(res.body)).not.toContain(SECRET);
      expect(res.body.server.auth).toEqual({ type: 'headers', headers: [{ name: 'X-Api-Key', fingerprint: expect.any(String) }] });
      expect(res.body.server.health.auth_state).toBe('ok');
      expect(guarded.seenHeaders.some((h) => h['x-api-key'] === SECRET)).toBe(true);
      const add = tool(res.body.catalog.tools, 'add_numbers');
      expect(add.flags).toEqual([
        { kind: 'instructions', where: 'description', excerpt: expect.stringContaining('<IMPORTANT>') },
        { kind: 'invisible_unicode', where: '/input_schema/properties/b/description', excerpt: expect.stringContaining('U+200B') },
        { kind: 'url', where: '/input_schema/properties/b/description', excerpt: 'https://evil.example/docs' },
      ]);
      expect(res.body.server.tool_counts.flagged).toBe(1);
      // Blocking a flagged tool, and unblocking it.
      const blocked = await api.post('/v1/mcp/servers/guarded/tools/add_numbers/block', { blocked: true, reason: 'poisoned description' });
      expect([blocked.status, blocked.body.status]).toEqual([200, 'blocked']);
      expect((await api.post('/v1/mcp/servers/guarded/tools/add_numbers/block', { blocked: false })).body.status).toBe('approved');
      // A call with the sealed header: the run's events and its decoded workflow history never hold the value.
      const tried = await api.post('/v1/mcp/servers/guarded/tools/add_numbers/try', { project_id: projectId, input: { a: 2, b: 3 } });
      expect(tried.status).toBe(202);
      const evs = await runDriver(
        () => api,
        () => threadId,
      ).approveUntilDone(tried.body.run.id);
      const result = evs.find((e) => e.kind === 'tool_result');
      expect(result?.kind === 'tool_result' && result.payload.result).toEqual({ inline: { text: '5' } });
      expect(JSON.stringify(evs)).not.toContain(SECRET);
      const history = await historyText(api, `run-${tried.body.run.id}`);
      expect(history).toContain('add_numbers');
      expect(history).not.toContain(SECRET);
      // A wrong key: the next check records the server as unauthorized.
      const patched = await api.call('PATCH', '/v1/mcp/servers/guarded', { auth: { type: 'headers', headers: { 'X-Api-Key': 'wrong-key' } } });
      expect(patched.status).toBe(200);
      const checked = await api.post('/v1/mcp/servers/guarded/check');
      expect(checked.status).toBe(200);
      expect(checked.body.server.health).toMatchObject({ status: 'error', auth_state: 'unauthorized', error: { code: 'E_TOOL_FAILED' } });
      const all = JSON.stringify([(await api.get('/v1/mcp/servers')).body, (await api.get('/v1/mcp/servers/guarded/catalog')).body, checked.body]);
      expect(all).not.toContain(SECRET);
      expect(all).not.toContain('wrong-key');
      // Deleting removes the row, its sealed values and its schedule.
      const secretsBefore = Number((await worker.db.query(`select count(*) as n from secrets`))[0].n);
      expect((await api.del('/v1/mcp/servers/guarded')).status).toBe(204);
      expect(Number((await worker.db.query(`select count(*) as n from secrets`))[0].n)).toBe(secretsBefore - 1);
      await expect(api.app.get(TemporalService).client.schedule.getHandle(mcpCheckScheduleId('guarded')).describe()).rejects.toThrow();
      expect((await api.get('/v1/mcp/servers/guarded')).status).toBe(404);
    });
  });

  describe('drift', () => {
    const { run, approveUntilDone } = runDriver(
      () => api,
      () => threadId,
    );
    let pinned: string;

    it('a pinned tool works', async () => {
      const lookup = tool((await api.get('/v1/mcp/servers/hubdocs/catalog')).body.tools, 'lookup_word');
      pinned = lookup.approved_version!;
      // Pinned by definition hash: the version approved at exactly that definition.
      const pin = await api.put(`/v1/projects/${projectId}/tools/mcp.hubdocs.lookup_word`, { definition_hash: lookup.approved_hash });
      expect(pin.status).toBe(200);
      expect(pin.body.items.find((p: { id: string }) => p.id === 'mcp.hubdocs.lookup_word').version).toBe(pinned);
      const unknown = await api.put(`/v1/projects/${projectId}/tools/mcp.hubdocs.lookup_word`, { definition_hash: 'e'.repeat(64) });
      expect([unknown.status, unknown.body.error.code]).toEqual([404, 'E_NOT_FOUND']);
      const evs = await approveUntilDone((await run('[hub] look up')).id);
      const result = evs.find((e) => e.kind === 'tool_result');
      expect(result?.kind === 'tool_result' && result.payload.result).toEqual({
        inline: { text: 'omni: a word of 4 letters', structured_content: { word: 'omni', length: 4 } },
      });
    });

    it('the server changes the tool → the check marks it drifted → the next call is refused with E_TOOL_DRIFTED, recorded in the run', async () => {
      docs.drift();
      const checked = await api.post('/v1/mcp/servers/hubdocs/check');
      expect(checked.status).toBe(200);
      expect(checked.body.server.tool_counts).toMatchObject({ approved: 4, drifted: 1 });
      const lookup = tool(checked.body.catalog.tools, 'lookup_word');
      expect(lookup.status).toBe('drifted');
      expect(lookup.definition_hash).not.toBe(lookup.approved_hash);
      const calls = docs.calls.length;
      const evs = await approveUntilDone((await run('[hub] look up')).id);
      const error = evs.find((e): e is Extract<RunEvent, { kind: 'tool_error' }> => e.kind === 'tool_error');
      expect(error?.payload).toMatchObject({ code: 'E_TOOL_DRIFTED', message: expect.stringContaining('changed its definition after it was approved') });
      expect(evs.at(-1)?.kind).toBe('run_completed');
      expect(docs.calls.slice(calls)).toEqual([]);
      // A try is refused too.
      const tried = await api.post('/v1/mcp/servers/hubdocs/tools/lookup_word/try', { project_id: projectId, input: { word: 'x' } });
      expect([tried.status, tried.body.error.code]).toEqual([409, 'E_TOOL_DRIFTED']);
    });

    it('the diff shows both definitions; approving the live one moves the pin and the call works again', async () => {
      const diff = await api.get('/v1/mcp/servers/hubdocs/tools/lookup_word/diff');
      expect(diff.status).toBe(200);
      expect(diff.body).toMatchObject({
        status: 'drifted',
        approved: { description: 'Looks a word up.', input_schema: { properties: { word: { type: 'string' } } } },
        live: { description: expect.stringContaining('e-mail address'), input_schema: { properties: { email: { type: 'string' } } } },
      });
      expect(diff.body.approved.input_schema.properties.email).toBeUndefined();
      // Approving another hash than the live one (a stale review) is refused.
      const stale = await api.post('/v1/mcp/servers/hubdocs/tools/lookup_word/approve', { definition_hash: diff.body.approved_hash });
      expect([stale.status, stale.body.error.code]).toEqual([409, 'E_CONFLICT']);
      const approved = await api.post('/v1/mcp/servers/hubdocs/tools/lookup_word/approve', { definition_hash: diff.body.live_hash });
      expect(approved.status).toBe(200);
      expect(approved.body).toMatchObject({
        status: 'approved',
        approved_hash: diff.body.live_hash,
        approved_version: `1.4.0+d${diff.body.live_hash.slice(0, 12)}`,
      });
      const pins = (await api.get(`/v1/projects/${projectId}/tools`)).body.items;
      expect(pins.find((p: { id: string }) => p.id === 'mcp.hubdocs.lookup_word').version).toBe(approved.body.approved_version);
      expect(approved.body.approved_version).not.toBe(pinned);
      const evs = await approveUntilDone((await run('[hub] look up')).id);
      const call = evs.find((e) => e.kind === 'tool_call');
      expect(call?.kind === 'tool_call' && call.payload.tool_version).toBe(approved.body.approved_version);
      expect(evs.some((e) => e.kind === 'tool_result')).toBe(true);
      expect(evs.some((e) => e.kind === 'tool_error')).toBe(false);
    });

    it('a call re-lists a stale listing first: drift no check has seen yet is refused and recorded', async () => {
      docs.drift();
      const before = tool((await api.get('/v1/mcp/servers/hubdocs/catalog')).body.tools, 'lookup_word');
      expect(before.status).toBe('approved');
      const calls = docs.calls.length;
      const evs = await approveUntilDone((await run('[hub] look up')).id);
      const error = evs.find((e): e is Extract<RunEvent, { kind: 'tool_error' }> => e.kind === 'tool_error');
      expect(error?.payload.code).toBe('E_TOOL_DRIFTED');
      expect(docs.calls.slice(calls)).toEqual([]);
      const after = tool((await api.get('/v1/mcp/servers/hubdocs/catalog')).body.tools, 'lookup_word');
      expect(after.status).toBe('drifted');
      expect(after.definition.description).toContain('(revision 2)');
      // Re-approve, so the Try below runs the current definition.
      expect((await api.post('/v1/mcp/servers/hubdocs/tools/lookup_word/approve', { definition_hash: after.definition_hash })).status).toBe(200);
    });
  });

  describe('try', () => {
    it('a one-step run in the project whose log holds the tool_call and tool_result', async () => {
      const res = await api.post('/v1/mcp/servers/hubdocs/tools/lookup_word/try', { project_id: projectId, input: { word: 'tried' } });
      expect(res.status).toBe(202);
      expect(res.body).toMatchObject({ tool_id: 'mcp.hubdocs.lookup_word', run: { kind: 'graph', project_id: projectId } });
      const { approveUntilDone } = runDriver(
        () => api,
        () => threadId,
      );
      const evs = await approveUntilDone(res.body.run.id);
      const call = evs.find((e) => e.kind === 'tool_call');
      expect(call?.kind === 'tool_call' && call.payload).toMatchObject({ tool_id: 'mcp.hubdocs.lookup_word', tool_version: res.body.version });
      const result = evs.find((e) => e.kind === 'tool_result');
      expect(result?.kind === 'tool_result' && result.payload.result).toEqual({
        inline: { text: 'tried: a word of 5 letters', structured_content: { word: 'tried', length: 5 } },
      });
      expect(evs.at(-1)?.kind).toBe('run_completed');
      // Input that does not match the approved input schema is refused before any run.
      const bad = await api.post('/v1/mcp/servers/hubdocs/tools/lookup_word/try', { project_id: projectId, input: { word: '' } });
      expect([bad.status, bad.body.error.code]).toEqual([400, 'E_VALIDATION']);
    });
  });

  it('is gated by the mcp feature flag', async () => {
    const off = await startTestApi({ DATABASE_URL: db.url, OMNI_TASK_QUEUE: 'unused', OMNI_DISABLED_FEATURES: 'mcp' });
    try {
      const res = await off.get('/v1/mcp/servers');
      expect([res.status, res.body.error.code]).toEqual([403, 'E_CAPABILITY_DISABLED']);
    } finally {
      await off.close();
    }
  });
});
