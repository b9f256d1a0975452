import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { z } from 'zod';
import { BearerProxy } from './support/bearer-proxy';
import type { TestApi } from './support/test-api';
import { startTestStack, type TestStack } from './support/test-stack';

// OmniAI as an MCP server (issue 17, docs/MCP.md) on the real API, Postgres, Temporal and worker, through the official
// MCP SDK client, the official Inspector CLI and the official conformance suite: nothing here is a stand-in.

const run = promisify(execFile);
const ROOT = join(__dirname, '../../..');
const NODE_ENV = { ...process.env, PATH: `${dirname(process.execPath)}:${process.env['PATH'] ?? ''}` };

const ECHO = {
  schema: 'omni.graph/v1',
  name: 'Echo text',
  description: 'Answers the text it is given.',
  input_schema: { type: 'object', required: ['text'], properties: { text: { type: 'string', minLength: 1 } }, additionalProperties: false },
  nodes: [{ id: 'done', kind: 'output', value: { echo: '{{ input.text }}' } }],
  edges: [],
};
const GATED = {
  schema: 'omni.graph/v1',
  name: 'Gated release',
  description: 'A reviewer lets it through.',
  nodes: [
    { id: 'gate', kind: 'approval', title: 'Let it through?' },
    { id: 'done', kind: 'output', value: { released: true } },
  ],
  edges: [{ from: 'gate', to: 'done' }],
};

// The 2025-11-25 task vocabulary (the SDK keeps the wire schemas; the typed surface does not offer task methods).
const Task = z.looseObject({
  taskId: z.string(),
  status: z.enum(['working', 'input_required', 'completed', 'failed', 'cancelled']),
  statusMessage: z.string().optional(),
});
const CreateTaskResult = z.looseObject({ task: Task });
const ToolResult = z.looseObject({
  content: z.array(z.looseObject({ type: z.string(), text: z.string().optional() })),
  structuredContent: z.any().optional(),
  isError: z.boolean().optional(),
});

type Untyped = { request(request: { method: string; params?: unknown }, schema: z.ZodType): Promise<any> };

describe('OmniAI as an MCP server (/mcp)', () => {
  let stack: TestStack;
  let api: TestApi;
  let full: string;
  let readOnly: string;
  let echoTool: string;
  let gatedTool: string;
  const clients: Client[] = [];

  const token = async (scopes: string[]) => (await api.post('/v1/tokens', { name: `mcp ${scopes.join(' ')}`, scopes })).body.secret as string;
  const connect = async (secret: string, modern = false) => {
    const client = new Client({ name: 'omniai-int-test', version: '1.0.0' }, modern ? { versionNegotiation: { mode: { pin: '2026-07-28' } } } : {});
    await client.connect(new StreamableHTTPClientTransport(new URL(`${api.url}/mcp`), { requestInit: { headers: { authorization: `Bearer ${secret}` } } }));
    clients.push(client);
    return client;
  };
  const untyped = (client: Client) => client as unknown as Untyped;
  const pollTask = async (client: Client, taskId: string, until: (status: string) => boolean) => {
    for (let i = 0; i < 120; i++) {
      const task = Task.parse(await untyped(client).request({ method: 'tasks/get', params: { taskId } }, Task));
      if (until(task.status)) return task;
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error(`task ${taskId} never reached the awaited status`);
  };

  beforeAll(async () => {
    stack = await startTestStack('mcp-server', { env: { OMNI_MCP_BLOCK_MS: '15000' } });
    api = stack.api;
    const projectId = (await api.post('/v1/projects', { name: 'MCP' })).body.id as string;
    const echo = await api.post(`/v1/projects/${projectId}/graphs`, { spec: ECHO });
    const gated = await api.post(`/v1/projects/${projectId}/graphs`, { spec: GATED });
    expect([echo.status, gated.status]).toEqual([201, 201]);
    echoTool = `graph_echo_text_${(echo.body.graph.id as string).slice(0, 8)}`;
    gatedTool = `graph_gated_release_${(gated.body.graph.id as string).slice(0, 8)}`;
    await api.post(`/v1/projects/${projectId}/threads`, { title: 'Support desk' });
    full = await token(['read', 'operate', 'review']);
    readOnly = await token(['read']);
  }, 300_000);

  afterAll(async () => {
    for (const c of clients) await c.close().catch(() => undefined);
    await stack?.stop();
  });

  it('lists each graph as a tool with its input schema, the thread agents and the reviewer tools', async () => {
    const client = await connect(full);
    expect(client.getServerVersion()).toMatchObject({ name: 'omniai' });
    const { tools } = await client.listTools();
    const echo = tools.find((t) => t.name === echoTool);
    expect(echo).toMatchObject({
      title: 'Echo text',
      inputSchema: { type: 'object', required: ['text'], properties: { text: { type: 'string', minLength: 1 } } },
      execution: { taskSupport: 'optional' },
    });
    expect(tools.map((t) => t.name)).toEqual(expect.arrayContaining([gatedTool, 'runs_get', 'approvals_list', 'approvals_decide']));
    expect(tools.some((t) => /^agent_support_desk_[0-9a-f]{8}$/.test(t.name) && (t.inputSchema.properties as object)['message' as never])).toBe(true);
    // Every name keeps to the spec's characters.
    for (const t of tools) expect(t.name).toMatch(/^[A-Za-z0-9_.-]{1,128}$/);
  });

  it('calls a graph tool and blocks until the run ends (a client that asks for no task)', async () => {
    const client = await connect(full);
    const result = ToolResult.parse(await client.callTool({ name: echoTool, arguments: { text: 'hello over MCP' } }));
    expect(result.isError).toBeUndefined();
    expect(result.structuredContent).toMatchObject({ status: 'completed', kind: 'graph', output: { done: { echo: 'hello over MCP' } } });
    const runId = result.structuredContent.run_id as string;
    // The same run through runs_get and as a resource (its event log).
    const got = ToolResult.parse(await client.callTool({ name: 'runs_get', arguments: { run_id: runId } }));
    expect(got.structuredContent).toMatchObject({ run_id: runId, status: 'completed' });
    const events = await client.readResource({ uri: `omniai://runs/${runId}/events` });
    const page = JSON.parse((events.contents[0] as { text: string }).text);
    expect(page.items.map((e: { kind: string }) => e.kind)).toEqual(expect.arrayContaining(['run_created', 'run_completed']));
  });

  it('serves the 2026-07-28 revision too: a pinned modern client lists and calls the graph tool (blocking)', async () => {
    const client = await connect(full, true);
    expect(client.getNegotiatedProtocolVersion()).toBe('2026-07-28');
    const { tools } = await client.listTools();
    expect(tools.find((t) => t.name === echoTool)?.inputSchema).toMatchObject({ required: ['text'] });
    const result = ToolResult.parse(await client.callTool({ name: echoTool, arguments: { text: 'modern' } }));
    expect(result.structuredContent).toMatchObject({ status: 'completed', output: { done: { echo: 'modern' } } });
  });

  it("calls a thread's agent: one chat turn, answered with the assistant's message", async () => {
    const client = await connect(full);
    const { tools } = await client.listTools();
    const agent = tools.find((t) => t.name.startsWith('agent_support_desk_'))!;
    const result = ToolResult.parse(await client.callTool({ name: agent.name, arguments: { message: 'hello agent' } }));
    expect(result.structuredContent).toMatchObject({ kind: 'chat', status: 'completed', answer: expect.any(String) });
    expect(result.content[0]!.text).toBe(result.structuredContent.answer);
  });

  it('refuses invalid arguments against the graph input schema', async () => {
    const client = await connect(full);
    const result = ToolResult.parse(await client.callTool({ name: echoTool, arguments: { text: '' } }));
    expect(result.isError).toBe(true);
    expect(result.content[0]!.text).toMatch(/text/);
  });

  it('answers a task handle at once when asked, and the task polls to completion with the run as its result', async () => {
    const client = await connect(full);
    const created = CreateTaskResult.parse(
      await untyped(client).request(
        { method: 'tools/call', params: { name: echoTool, arguments: { text: 'as a task' }, task: { ttl: 60_000 } } },
        CreateTaskResult,
      ),
    );
    expect(created.task.status).toBe('working');
    const done = await pollTask(client, created.task.taskId, (s) => s === 'completed');
    expect(done.taskId).toBe(created.task.taskId);
    const result = ToolResult.parse(await untyped(client).request({ method: 'tasks/result', params: { taskId: created.task.taskId } }, ToolResult));
    expect(result.structuredContent).toMatchObject({ run_id: created.task.taskId, status: 'completed', output: { done: { echo: 'as a task' } } });
  });

  it('surfaces a run waiting for approval as input_required, answered through approvals_decide with the same checks', async () => {
    const client = await connect(full);
    const created = CreateTaskResult.parse(
      await untyped(client).request({ method: 'tools/call', params: { name: gatedTool, arguments: {}, task: {} } }, CreateTaskResult),
    );
    const taskId = created.task.taskId;
    const waiting = await pollTask(client, taskId, (s) => s === 'input_required');
    expect(waiting.statusMessage).toMatch(/approvals_decide/);

    const listed = ToolResult.parse(await client.callTool({ name: 'approvals_list', arguments: { status: 'pending', run_id: taskId } }));
    const [approval] = listed.structuredContent.items as Array<{ id: string; arguments_hash: string }>;
    expect(approval!.id).toContain(taskId);

    // A token without the review scope is refused, as on /v1/public; a wrong arguments hash too.
    const reader = await connect(readOnly);
    const refused = ToolResult.parse(
      await reader.callTool({
        name: 'approvals_decide',
        arguments: { approval_id: approval!.id, decision: 'approve', arguments_hash: approval!.arguments_hash },
      }),
    );
    expect(refused).toMatchObject({ isError: true, structuredContent: { error: { code: 'E_AUTH_FORBIDDEN' } } });
    const mismatch = ToolResult.parse(
      await client.callTool({ name: 'approvals_decide', arguments: { approval_id: approval!.id, decision: 'approve', arguments_hash: '0'.repeat(64) } }),
    );
    expect(mismatch).toMatchObject({ isError: true, structuredContent: { error: { code: 'E_APPROVAL_MISMATCH' } } });

    const decided = ToolResult.parse(
      await client.callTool({
        name: 'approvals_decide',
        arguments: { approval_id: approval!.id, decision: 'approve', arguments_hash: approval!.arguments_hash },
      }),
    );
    expect(decided.structuredContent).toMatchObject({ outcome: 'applied' });
    await pollTask(client, taskId, (s) => s === 'completed');
    const result = ToolResult.parse(await untyped(client).request({ method: 'tasks/result', params: { taskId } }, ToolResult));
    expect(result.structuredContent).toMatchObject({ status: 'completed', output: { done: { released: true } } });
  });

  it('tasks/cancel cancels the run behind the task', async () => {
    const client = await connect(full);
    const created = CreateTaskResult.parse(
      await untyped(client).request({ method: 'tools/call', params: { name: gatedTool, arguments: {}, task: {} } }, CreateTaskResult),
    );
    await pollTask(client, created.task.taskId, (s) => s === 'input_required');
    const cancelled = Task.parse(await untyped(client).request({ method: 'tasks/cancel', params: { taskId: created.task.taskId } }, Task));
    expect(cancelled.taskId).toBe(created.task.taskId);
    await pollTask(client, created.task.taskId, (s) => s === 'cancelled');
    // A task id that is no run of the token's answers as unknown.
    await expect(untyped(client).request({ method: 'tasks/get', params: { taskId: '00000000-0000-4000-8000-000000000000' } }, Task)).rejects.toThrow(/No task/);
  });

  it('a blocking call of a gated graph answers with the run id and the approval it waits for', async () => {
    const client = await connect(full);
    const result = ToolResult.parse(await client.callTool({ name: gatedTool, arguments: {} }));
    expect(result.structuredContent).toMatchObject({
      status: expect.stringMatching(/queued|running/),
      pending_approvals: [expect.objectContaining({ tool_id: expect.any(String) })],
    });
    expect(result.content[0]!.text).toContain(result.structuredContent.run_id);
  });

  it('refuses a graph call to a token without the operate scope', async () => {
    const client = await connect(readOnly);
    const result = ToolResult.parse(await client.callTool({ name: echoTool, arguments: { text: 'no' } }));
    expect(result).toMatchObject({ isError: true, structuredContent: { error: { code: 'E_AUTH_FORBIDDEN', message: expect.stringContaining('operate') } } });
  });

  it('answers 401 without a token, and 403 to a foreign browser Origin', async () => {
    const init = {
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'x', version: '1' } },
    };
    const headers = { accept: 'application/json, text/event-stream' };
    expect((await api.anon('POST', '/mcp', { body: init, headers })).status).toBe(401);
    expect((await api.anon('POST', '/mcp', { body: init, headers: { ...headers, authorization: 'Bearer omni_pat_not-a-real-token-at-all' } })).status).toBe(
      401,
    );
    const foreign = await api.anon('POST', '/mcp', { body: init, headers: { ...headers, authorization: `Bearer ${full}`, origin: 'http://evil.example' } });
    expect(foreign.status).toBe(403);
    await expect(connect('omni_pat_not-a-real-token-at-all')).rejects.toThrow();
  });

  it('the official Inspector CLI lists and calls an OmniAI graph tool', async () => {
    const bin = join(ROOT, 'node_modules/@modelcontextprotocol/inspector-cli/build/cli.js');
    const base = [bin, '--cli', `${api.url}/mcp`, '--transport', 'http', '--header', `Authorization: Bearer ${full}`];
    // Its index.js tests `../package.json` against the working directory but imports it relative to itself: run it
    // from its own build folder, where both name its package.json.
    const options = { env: NODE_ENV, timeout: 60_000, cwd: dirname(bin) };
    const listed = await run(process.execPath, [...base, '--method', 'tools/list'], options);
    expect(JSON.parse(listed.stdout).tools.map((t: { name: string }) => t.name)).toContain(echoTool);
    const called = await run(process.execPath, [...base, '--method', 'tools/call', '--tool-name', echoTool, '--tool-arg', 'text=from the inspector'], options);
    expect(JSON.parse(called.stdout).structuredContent).toMatchObject({ status: 'completed', output: { done: { echo: 'from the inspector' } } });
  });

  // The server scenarios of the conformance suite that apply to a product server (docs/MCP.md lists the others and why
  // they do not apply: they call fixture tools, prompts and resources a test server implements).
  const CONFORMANCE_SCENARIOS = ['server-initialize', 'ping', 'tools-list', 'resources-list', 'dns-rebinding-protection'];

  it.each(CONFORMANCE_SCENARIOS)('passes the official conformance scenario %s', async (scenario) => {
    // The runner cannot send a header: a pass-through proxy adds the bearer token.
    const proxy = await BearerProxy.start(api.url, full);
    const out = await mkdtemp(join(tmpdir(), 'mcp-conformance-'));
    try {
      const cli = join(ROOT, 'node_modules/@modelcontextprotocol/conformance/dist/index.js');
      const answer = await run(process.execPath, [cli, 'server', '--url', `${proxy.url}/mcp`, '--scenario', scenario, '-o', out], {
        env: NODE_ENV,
        timeout: 120_000,
      }).catch((err: { stdout?: string; stderr?: string }) => err);
      const files = await readdir(out, { recursive: true });
      const checksFile = files.find((f) => f.endsWith('checks.json'));
      expect({ scenario, checksFile, stdout: checksFile ? undefined : answer.stdout, stderr: checksFile ? undefined : answer.stderr }).toMatchObject({
        checksFile: expect.any(String),
      });
      const checks = JSON.parse(await readFile(join(out, checksFile!), 'utf8')) as Array<{ id: string; status: string; errorMessage?: string }>;
      expect(checks.length).toBeGreaterThan(0);
      expect(checks.filter((c) => c.status !== 'SUCCESS' && c.status !== 'INFO')).toEqual([]);
    } finally {
      await proxy.close();
      await rm(out, { recursive: true, force: true });
    }
  });
});
