import { randomUUID } from 'node:crypto';
import { Run, type RunEvent } from '@omniai/contracts';
import { createTestDatabase } from '@omniai/store/testing';
import { listMcpTools, type McpConnectOptions } from '@omniai/tools';
import { PUBLIC_V4, startTestMcpServer } from '@omniai/tools/testing';
import { startTestWorker, type TestWorker } from '@omniai/worker/testing';
import { McpDiscovery } from '../src/tools/mcp-tools.service';
import { APPROVED_TOOL_RUN, runDriver, shapeOf } from './support/run-driver';
import { startTestApi, type TestApi } from './support/test-api';

// The scripted model calls MCP tools by their provider-safe names (`mcp.docs.lookup_word` ↔ `mcp__docs__lookup_word`).
const FIXTURES = [
  {
    match: '[m] look up',
    reply: 'Looking it up.',
    tool_calls: [{ id: 'c1', name: 'mcp__docs__lookup_word', arguments: JSON.stringify({ word: 'omni' }) }],
    after_tools: 'Found it.',
  },
  { match: '[m] fail', reply: 'Trying.', tool_calls: [{ id: 'c1', name: 'mcp__docs__always_fails', arguments: '{}' }], after_tools: 'It failed.' },
];

/**
 * Remote MCP tools end to end: a real MCP server (the SDK's server side) on 127.0.0.1, reached by the API (to list its
 * tools) and the worker (to call them) through vetted egress: `mcp.test` resolves to a public-looking address that
 * the policy vets, and only then is the connection routed to the loopback server (D24's test hatch).
 */
describe('remote MCP tools (mcp_remote)', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let mcp: Awaited<ReturnType<typeof startTestMcpServer>>;
  let api: TestApi;
  let worker: TestWorker;
  let threadId: string;
  let network: McpConnectOptions['unsafeTestNetwork'];
  const URL_ = 'http://mcp.test/mcp';
  const policy = (egress_allow: string[]) =>
    api.put('/v1/policy', {
      grants: [{ level: 'workspace', subject: '*', scopes: ['read_web'], require_approval: false }],
      kill_switch_external_writes: false,
      egress_allow,
    });

  beforeAll(async () => {
    mcp = await startTestMcpServer();
    network = mcp.web.network({ 'mcp.test': [PUBLIC_V4], 'rebind.test': ['127.0.0.1'] });
    db = await createTestDatabase('mcptools');
    const taskQueue = `test-${randomUUID()}`;
    api = await startTestApi({ DATABASE_URL: db.url, OMNI_TASK_QUEUE: taskQueue });
    // The API's own listing goes through the same vetting; only the network underneath is the test's.
    const discovery = api.app.get(McpDiscovery);
    jest.spyOn(discovery, 'list').mockImplementation((url, options) => listMcpTools(url, { ...options, unsafeTestNetwork: network }));
    worker = await startTestWorker(db.url, { taskQueue, fixtures: FIXTURES, mcpConnect: { unsafeTestNetwork: network } });
    const projectId = (await api.post('/v1/projects', { name: 'MCP tools' })).body.id;
    threadId = (await api.post(`/v1/projects/${projectId}/threads`, { title: 't' })).body.id;
    // Bundling the workflows takes most of this; on a busy 2-core machine it can pass the default two minutes.
  }, 300_000);

  afterAll(async () => {
    await api?.close();
    await worker?.stop();
    await db?.drop();
    await mcp?.close();
  });

  describe('POST /v1/tools/mcp', () => {
    it('refuses a server whose host is not in egress_allow, without contacting it', async () => {
      await policy(['example.org']);
      const before = mcp.web.seen.length;
      const res = await api.post('/v1/tools/mcp', { id: 'docs', url: URL_ });
      expect([res.status, res.body.error.code]).toEqual([403, 'E_EGRESS_DENIED']);
      expect(res.body.error.message).toBe(
        "Cannot list the tools of the MCP server at mcp.test: mcp.test is not in the workspace's egress allowlist (tools, and this registration, reach only hosts named in the workspace policy's egress_allow, at public addresses; a server on loopback or a private network needs an entry with allow_private).",
      );
      expect(mcp.web.seen.length).toBe(before);
    });

    it('refuses loopback: a name resolving there, or the address itself, even when egress_allow names it', async () => {
      // Any host on the server's port: only the address policy stands between the call and loopback.
      await policy(['rebind.test', `*:${mcp.web.port}`]);
      const rebind = await api.post('/v1/tools/mcp', { id: 'docs', url: 'http://rebind.test/mcp' });
      expect([rebind.status, rebind.body.error.code]).toEqual([403, 'E_EGRESS_DENIED']);
      expect(rebind.body.error.message).toContain('rebind.test resolves to a loopback address; refused');
      const literal = await api.post('/v1/tools/mcp', { id: 'docs', url: `http://127.0.0.1:${mcp.web.port}/mcp` });
      expect([literal.status, literal.body.error.code]).toEqual([403, 'E_EGRESS_DENIED']);
      expect((await api.get('/v1/tools')).body.items.filter((t: { manifest: { id: string } }) => t.manifest.id.startsWith('mcp.'))).toEqual([]);
    });

    it("lists the server's tools and registers one manifest per tool", async () => {
      await policy(['mcp.test']);
      const res = await api.post('/v1/tools/mcp', { id: 'docs', url: URL_ });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ server_id: 'docs', server_hash: expect.stringMatching(/^[0-9a-f]{64}$/), created: true, skipped: [] });
      const manifests = res.body.tools.map((t: { manifest: Record<string, unknown> }) => t.manifest);
      expect(manifests.map((m: { id: string }) => m.id)).toEqual([
        'mcp.docs.lookup_word',
        'mcp.docs.echo_text',
        'mcp.docs.delete_note',
        'mcp.docs.always_fails',
        'mcp.docs.sleep',
      ]);
      const [lookup, echo, del] = manifests;
      expect(lookup).toMatchObject({
        version: '1.4.0',
        input_schema: { type: 'object', properties: { word: { type: 'string', minLength: 1 } }, required: ['word'], additionalProperties: false },
        output_schema: {
          type: 'object',
          properties: { structured_content: { type: 'object', required: ['word', 'length'] } },
          required: ['text', 'structured_content'],
        },
        risk: { side_effect: 'read', scopes: ['read_web'], egress_hosts: ['mcp.test'], hints: { open_world: false } },
        binding: { type: 'mcp_remote', server_id: 'docs', tool_name: 'lookup_word' },
      });
      expect(lookup.description).toBe('Looks a word up. — tool lookup_word of the MCP server "docs" at mcp.test.');
      // Without an output schema the output is permissive: the text, and structured content if any.
      expect(echo).toMatchObject({
        risk: { side_effect: 'read', scopes: ['read_web'] },
        binding: { tool_name: 'Echo.Text' },
        output_schema: { required: ['text'] },
      });
      expect(echo.risk.hints).toBeUndefined();
      // No readOnlyHint: an external write, always reviewed; the publisher's hints are kept for reviewers.
      expect(del).toMatchObject({
        risk: { side_effect: 'external_write', scopes: ['write_web'], egress_hosts: ['mcp.test'], hints: { destructive: true, idempotent: true } },
      });
      const listed = (await api.get('/v1/tools')).body.items.map((t: { manifest: { id: string } }) => t.manifest.id);
      expect(listed).toEqual(expect.arrayContaining(['mcp.docs.lookup_word', 'mcp.docs.delete_note']));
    });

    it('is idempotent for the same server; another URL under the same id is refused', async () => {
      const again = await api.post('/v1/tools/mcp', { id: 'docs', url: URL_ });
      expect([again.status, again.body.created]).toEqual([200, false]);
      const before = mcp.web.seen.length;
      const moved = await api.post('/v1/tools/mcp', { id: 'docs', url: 'http://mcp.test/mcp/v2' });
      expect([moved.status, moved.body.error.code]).toEqual([409, 'E_CONFLICT']);
      expect(mcp.web.seen.length).toBe(before);
      // A path that is not an MCP endpoint: the server's answer, as a gateway error.
      const notMcp = await api.post('/v1/tools/mcp', { id: 'other', url: 'http://mcp.test/nothing-here' });
      expect([notMcp.status, notMcp.body.error.code]).toEqual([502, 'E_TOOL_FAILED']);
      expect(notMcp.body.error.message).toMatch(
        /^Cannot list the tools of the MCP server at mcp\.test: the MCP server at mcp\.test did not answer as expected: /,
      );
    });

    it('validates the request', async () => {
      for (const body of [{ id: 'Bad Id', url: URL_ }, { id: 'x', url: 'ftp://mcp.test/' }, { id: 'x', url: 'http://user:pw@mcp.test/mcp' }, { id: 'x' }]) {
        expect((await api.post('/v1/tools/mcp', body)).status).toBe(400);
      }
    });
  });

  describe('a run calls MCP tools through the worker', () => {
    // Egress always needs a reviewer (D23), reads included.
    const {
      run,
      events,
      approveUntilDone: finished,
    } = runDriver(
      () => api,
      () => threadId,
    );

    it('a read-only tool: the run completes with its result', async () => {
      const calls = mcp.calls.length;
      const evs = await finished((await run('[m] look up')).id);
      expect(shapeOf(evs)).toEqual(APPROVED_TOOL_RUN);
      const call = evs.find((e) => e.kind === 'tool_call');
      expect(call?.kind === 'tool_call' && call.payload).toMatchObject({ tool_id: 'mcp.docs.lookup_word', tool_version: '1.4.0' });
      const result = evs.find((e) => e.kind === 'tool_result');
      expect(result?.kind === 'tool_result' && result.payload.result).toEqual({
        inline: { text: 'omni: a word of 4 letters', structured_content: { word: 'omni', length: 4 } },
      });
      expect(mcp.calls.slice(calls)).toEqual(['lookup_word']);
    });

    it("a result flagged isError ends as a tool_error E_TOOL_FAILED with the tool's message", async () => {
      const evs = await finished((await run('[m] fail')).id);
      const error = evs.find((e) => e.kind === 'tool_error');
      expect(error?.kind === 'tool_error' && error.payload).toMatchObject({
        code: 'E_TOOL_FAILED',
        message: 'always_fails reported an error: the backend is down',
      });
      expect(evs.at(-1)?.kind).toBe('run_completed');
    });
  });
});
