import { DockerSandbox, MCP_NODE_IMAGE, SANDBOX_LABEL } from '@omniai/sandbox';
import { EgressProxy, type McpProgress, ToolError } from '@omniai/tools';
import { LoopbackWeb, PUBLIC_V4 } from '@omniai/tools/testing';
import Docker from 'dockerode';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { MCP_SERVER_LABEL, type McpStdioSpec, McpStdioSessions, stdioSpecOf } from './stdio-sessions';

// Real MCP servers from npm (the pinned ones in the image `npm run setup` builds), over stdio, each in its own
// sandboxed container. No Docker engine or no image fails the suite (beforeAll), it never skips.

const docker = new Docker();
const sandbox = new DockerSandbox(docker);
const run = `stdio-test-${process.pid}`;
const everything: McpStdioSpec = { server_id: `${run}-everything`, image: MCP_NODE_IMAGE, argv: ['mcp-server-everything', 'stdio'], egress_hosts: [] };
// As the hub stores it: the default image, `command` as argv.
const files = stdioSpecOf(`${run}-files`, { type: 'stdio', command: ['mcp-server-filesystem', '/work'], egress_hosts: [], memory_mb: 256 });
const call = { timeoutMs: 30_000 };

async function failure(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof ToolError)) throw new Error(`expected a ToolError, got ${String(err)}`);
  return { code: err.code, message: err.message };
}

async function containersOf(serverId: string): Promise<string[]> {
  const found = await docker.listContainers({ all: true, filters: { label: [`${SANDBOX_LABEL}=1`, `${MCP_SERVER_LABEL}=${serverId}`] } });
  return found.map((c) => c.Id);
}

let pool: McpStdioSessions;
const changed: string[] = [];

beforeAll(async () => {
  // Fails (never skips) when the engine or the image is missing: run `npm run setup`.
  await docker.getImage(MCP_NODE_IMAGE).inspect();
  pool = new McpStdioSessions({ sandbox }, { idleMs: 60_000 });
  pool.onToolsListChanged((id) => changed.push(id));
});

afterAll(async () => {
  await pool?.closeAll();
});

describe('server-everything over stdio in the sandbox', () => {
  it('lists its tools, and its tools/list_changed reaches the listeners', async () => {
    const started = Date.now();
    const listing = await pool.listTools(everything, call);
    const coldMs = Date.now() - started;
    expect(listing.server.name).toBe('mcp-servers/everything');
    const names = listing.tools.map((t) => t.name);
    expect(names).toEqual(expect.arrayContaining(['echo', 'get-sum', 'trigger-long-running-operation']));
    // Registered once the client is initialized, which makes the server send notifications/tools/list_changed.
    expect(names).toContain('simulate-research-query');
    for (let i = 0; i < 50 && !changed.includes(everything.server_id); i++) await new Promise((r) => setTimeout(r, 100));
    expect(changed).toContain(everything.server_id);
    expect(listing.tools.find((t) => t.name === 'get-sum')?.inputSchema).toMatchObject({ type: 'object', properties: { a: {}, b: {} } });
    console.log(`cold start + initialize + tools/list: ${coldMs} ms`);
  });

  it('calls tools on one reused session (the same container)', async () => {
    const first = pool.sessionInfo(everything.server_id)?.container_id;
    expect(first).toBeDefined();
    const started = Date.now();
    await expect(pool.callTool(everything, 'echo', { message: 'hello from omni' }, call)).resolves.toEqual({ text: 'Echo: hello from omni' });
    const warmMs = Date.now() - started;
    await expect(pool.callTool(everything, 'get-sum', { a: 2, b: 40 }, call)).resolves.toMatchObject({ text: 'The sum of 2 and 40 is 42.' });
    expect(pool.sessionInfo(everything.server_id)?.container_id).toBe(first);
    expect(await containersOf(everything.server_id)).toEqual([first]);
    console.log(`warm tools/call echo: ${warmMs} ms`);
  });

  it('lists its resources and prompts for the catalog', async () => {
    const catalog = await pool.listCatalog(everything, call);
    expect(catalog.tools.length).toBeGreaterThan(10);
    expect(catalog.prompts.map((p) => p.name)).toEqual(expect.arrayContaining(['simple-prompt', 'args-prompt']));
    expect(catalog.prompts.find((p) => p.name === 'args-prompt')?.arguments?.map((a) => a.name)).toContain('city');
    expect(catalog.resources.length).toBeGreaterThan(0);
    expect(catalog.resources[0]).toMatchObject({ uri: expect.any(String), name: expect.any(String) });
  });

  it('passes progress of a long-running tool through onProgress', async () => {
    const progress: McpProgress[] = [];
    const out = await pool.callTool(everything, 'trigger-long-running-operation', { duration: 2, steps: 4 }, { ...call, onProgress: (p) => progress.push(p) });
    expect(out.text).toBe('Long running operation completed. Duration: 2 seconds, Steps: 4.');
    expect(progress).toEqual([1, 2, 3, 4].map((n) => ({ progress: n, total: 4 })));
  });

  it('ends a call past its time limit with E_TOOL_TIMEOUT and keeps the session for the next call', async () => {
    const before = pool.sessionInfo(everything.server_id)?.container_id;
    const started = Date.now();
    expect(await failure(pool.callTool(everything, 'trigger-long-running-operation', { duration: 20, steps: 2 }, { timeoutMs: 1_500 }))).toEqual({
      code: 'E_TOOL_TIMEOUT',
      message: `no answer from the MCP server "${everything.server_id}" within 1500 ms`,
    });
    expect(Date.now() - started).toBeLessThan(5_000);
    await expect(pool.callTool(everything, 'echo', { message: 'still here' }, call)).resolves.toEqual({ text: 'Echo: still here' });
    expect(pool.sessionInfo(everything.server_id)?.container_id).toBe(before);
  });

  it('runs the server in a hardened container: read-only root, no capabilities, user 65534, no network, limits', async () => {
    const id = pool.sessionInfo(everything.server_id)!.container_id;
    const c = await docker.getContainer(id).inspect();
    expect(c.State.Running).toBe(true);
    expect(c.Config.User).toBe('65534:65534');
    expect(c.Config.OpenStdin).toBe(true);
    expect(c.HostConfig.ReadonlyRootfs).toBe(true);
    expect(c.HostConfig.CapDrop).toEqual(['ALL']);
    expect(c.HostConfig.SecurityOpt).toEqual(['no-new-privileges']);
    expect(c.HostConfig.NetworkMode).toBe('none');
    expect(c.HostConfig.Privileged).toBe(false);
    expect(c.HostConfig.LogConfig).toEqual({ Type: 'none', Config: {} });
    expect(c.HostConfig.Memory).toBe(256 * 1024 * 1024);
    expect(c.HostConfig.PidsLimit).toBe(64);
    expect(c.HostConfig.Binds ?? []).toEqual([]);
    expect(Object.keys(c.NetworkSettings.Networks).filter((n) => n !== 'none')).toEqual([]);
  });

  it('stops a session when idle and starts a new container on the next use', async () => {
    const quick = new McpStdioSessions({ sandbox }, { idleMs: 1_000 });
    const spec = { ...everything, server_id: `${run}-idle` };
    try {
      await quick.callTool(spec, 'echo', { message: 'one' }, call);
      const first = quick.sessionInfo(spec.server_id)!.container_id;
      for (let i = 0; i < 60 && quick.sessionInfo(spec.server_id); i++) await new Promise((r) => setTimeout(r, 100));
      expect(quick.sessionInfo(spec.server_id)).toBeUndefined();
      for (let i = 0; i < 30 && (await containersOf(spec.server_id)).length > 0; i++) await new Promise((r) => setTimeout(r, 100));
      expect(await containersOf(spec.server_id)).toEqual([]);
      await quick.callTool(spec, 'echo', { message: 'two' }, call);
      expect(quick.sessionInfo(spec.server_id)!.container_id).not.toBe(first);
    } finally {
      await quick.closeAll();
    }
    expect(await containersOf(spec.server_id)).toEqual([]);
  });

  it('replaces the session when the spec changes', async () => {
    const before = pool.sessionInfo(everything.server_id)!.container_id;
    const changedSpec = { ...everything, env: { OMNI_TEST: '1' } };
    await expect(pool.callTool(changedSpec, 'echo', { message: 'new spec' }, call)).resolves.toEqual({ text: 'Echo: new spec' });
    const after = pool.sessionInfo(everything.server_id)!.container_id;
    expect(after).not.toBe(before);
    for (let i = 0; i < 30 && (await containersOf(everything.server_id)).length > 1; i++) await new Promise((r) => setTimeout(r, 100));
    expect(await containersOf(everything.server_id)).toEqual([after]);
  });
});

describe('failures a stdio server can cause', () => {
  it('names `npm run setup` when the image is missing', async () => {
    const spec = { ...everything, server_id: `${run}-noimage`, image: `${MCP_NODE_IMAGE}-missing` };
    expect(await failure(pool.listTools(spec, call))).toEqual({
      code: 'E_TOOL_FAILED',
      message: `the image ${MCP_NODE_IMAGE}-missing is not on this Docker engine: load or build it there (there is no registry to pull from)`,
    });
  });

  it('reports a server that exits at start with its status and last stderr lines, and leaves no container', async () => {
    const spec = { ...everything, server_id: `${run}-crash`, argv: ['node', '-e', 'console.error("config: API_KEY is not set"); process.exit(3)'] };
    const seen = await failure(pool.listTools(spec, call));
    expect(seen.code).toBe('E_TOOL_FAILED');
    expect(seen.message).toBe(`the MCP server "${spec.server_id}" exited with status 3; its last output on stderr:\nconfig: API_KEY is not set`);
    expect(await containersOf(spec.server_id)).toEqual([]);
  });
});

describe('server-filesystem over stdio, rooted in its container', () => {
  let hostDir: string;
  beforeAll(() => {
    hostDir = mkdtempSync(join(tmpdir(), 'omni-host-secret-'));
    writeFileSync(join(hostDir, 'secret.txt'), 'host secret');
  });
  afterAll(() => rmSync(hostDir, { recursive: true, force: true }));

  it('writes then reads a file in its tmpfs root', async () => {
    await expect(pool.callTool(files, 'write_file', { path: '/work/note.txt', content: 'written in the sandbox' }, call)).resolves.toMatchObject({
      text: 'Successfully wrote to /work/note.txt',
    });
    await expect(pool.callTool(files, 'read_text_file', { path: '/work/note.txt' }, call)).resolves.toMatchObject({ text: 'written in the sandbox' });
    await expect(pool.callTool(files, 'list_allowed_directories', {}, call)).resolves.toMatchObject({ text: 'Allowed directories:\n/work' });
  });

  it('refuses paths outside its root, traversal included', async () => {
    for (const path of ['/etc/passwd', '/work/../etc/passwd', join(hostDir, 'secret.txt')]) {
      const seen = await failure(pool.callTool(files, 'read_text_file', { path }, call));
      expect(seen.code).toBe('E_TOOL_FAILED');
      expect(seen.message).toMatch(/^read_text_file reported an error: .*Access denied - path outside allowed directories/);
    }
  });

  it('sees only its container even when rooted at /: a file on the host does not exist there', async () => {
    const root: McpStdioSpec = { ...files, server_id: `${run}-files-root`, argv: ['mcp-server-filesystem', '/'] };
    const seen = await failure(pool.callTool(root, 'read_text_file', { path: join(hostDir, 'secret.txt') }, call));
    expect(seen.code).toBe('E_TOOL_FAILED');
    expect(seen.message).toContain('ENOENT');
    // The other server's file lives in the other container's tmpfs only.
    expect((await failure(pool.callTool(root, 'read_text_file', { path: '/work/note.txt' }, call))).message).toContain('ENOENT');
    // And the read-only root refuses writes outside the tmpfs folders.
    expect((await failure(pool.callTool(root, 'write_file', { path: '/opt/planted.txt', content: 'x' }, call))).message).toMatch(/EROFS|EACCES/);
  });
});

describe('a stdio server with egress hosts', () => {
  let web: LoopbackWeb;
  let proxy: EgressProxy;
  let egressPool: McpStdioSessions;
  const refusals: Array<{ callId: string; host: string; reason: string }> = [];
  beforeAll(async () => {
    web = await LoopbackWeb.start({ '/ok': (_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('hello from allowed.test') });
    proxy = await EgressProxy.start({
      onRefusal: (r) => refusals.push(r),
      unsafeTestNetwork: web.network({ 'allowed.test': [PUBLIC_V4], 'other.test': [PUBLIC_V4] }),
    });
    egressPool = new McpStdioSessions({ sandbox, egressProxy: proxy });
  });
  afterAll(async () => {
    await egressPool?.closeAll();
    await proxy?.close();
    await web?.close();
  });

  it('keeps speaking MCP behind the egress relay, and reaches only hosts both the server and the workspace allow', async () => {
    const spec: McpStdioSpec = { ...everything, server_id: `${run}-egress`, egress_hosts: ['allowed.test', 'other.test'] };
    await expect(egressPool.callTool(spec, 'echo', { message: 'behind the relay' }, { ...call, workspaceAllow: ['allowed.test'] })).resolves.toEqual({
      text: 'Echo: behind the relay',
    });
    const id = egressPool.sessionInfo(spec.server_id)!.container_id;
    const c = await docker.getContainer(id).inspect();
    expect(c.HostConfig.NetworkMode).toBe('none');
    expect(c.HostConfig.Binds).toHaveLength(1);
    expect(c.Config.Env).toEqual(expect.arrayContaining(['HTTPS_PROXY=http://127.0.0.1:3128', 'NODE_USE_ENV_PROXY=1']));
    // What the server's own process could do: Node's fetch in the same container, through the relay.
    const fetchIn = async (url: string) =>
      (
        await promisify(execFile)('docker', [
          'exec',
          id,
          'node',
          '-e',
          `fetch(${JSON.stringify(url)}).then(async (r) => console.log(r.status, await r.text())).catch((e) => console.log('failed', String(e.cause ?? e.message)))`,
        ])
      ).stdout.trim();
    expect(await fetchIn('http://allowed.test/ok')).toBe('200 hello from allowed.test');
    // In the server's egress hosts, not in the workspace's allowlist: the proxy refuses the tunnel.
    expect(await fetchIn('http://other.test/ok')).toBe('failed Error: Request was cancelled.');
    expect(refusals).toEqual([{ callId: expect.stringMatching(new RegExp(`^mcp/${spec.server_id}/`)), host: 'other.test', reason: expect.any(String) }]);
    expect(web.paths()).toEqual(['/ok']);
  });
});
