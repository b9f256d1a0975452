import type { ToolManifest } from '@omniai/contracts';
import type { McpServerStore, PolicyStore, ToolRegistryStore } from '@omniai/store';
import { manifestForMcpTool, manifestHash, type McpToolListing, ToolError, validateJson } from '@omniai/tools';
import { PUBLIC_V4, startTestMcpServer } from '@omniai/tools/testing';
import { createMcpConnector } from '../mcp-hub/mcp-connector';
import { mcpResolver } from './mcp-executor';
import { ToolCatalog } from './tool-catalog';

const ctx = { signal: new AbortController().signal, project_id: 'p', run_id: 'r', call_id: 'c', idempotency_key: 'r/c', heartbeat: () => undefined };
const URL_ = 'http://mcp.test/mcp';
const SERVER = { id: 'docs', url: URL_, version: '1.4.0', hash: 'a'.repeat(64) };
const tool = (name: string, readOnlyHint: boolean): McpToolListing => ({ name, inputSchema: { type: 'object' }, annotations: { readOnlyHint } });

async function codeOf(promise: Promise<unknown>): Promise<string> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  return err instanceof ToolError ? `${err.code}: ${err.message}` : `no ToolError: ${String(err)}`;
}

// The executor as the worker wires it, against a real MCP server on 127.0.0.1 behind the test network (D24's hatch).
describe('mcp_remote executor: tools registered through the API, resolved and called by the worker', () => {
  let mcp: Awaited<ReturnType<typeof startTestMcpServer>>;
  beforeAll(async () => {
    mcp = await startTestMcpServer();
  });
  afterAll(() => mcp.close());

  const stores = (manifest: ToolManifest, options: { egress?: string[]; serverUrl?: string | null; hash?: string } = {}) => ({
    registry: {
      get: async (id: string, version: string) =>
        id === manifest.id && version === manifest.version ? { manifest, manifest_hash: options.hash ?? manifestHash(manifest), registered_at: '' } : null,
    } as unknown as ToolRegistryStore,
    servers: {
      get: async (id: string) =>
        options.serverUrl !== null && id === 'docs'
          ? {
              id,
              url: options.serverUrl ?? URL_,
              transport: { type: 'streamable_http', url: options.serverUrl ?? URL_ },
              auth: { type: 'none' },
              enabled: true,
              server_name: 'x',
              server_version: '1.4.0',
              server_hash: SERVER.hash,
              created_at: '',
            }
          : null,
      revealHeaders: async () => ({}),
      revealOAuthClient: async () => null,
    } as unknown as McpServerStore,
    policies: { get: async () => ({ grants: [], kill_switch_external_writes: false, egress_allow: options.egress ?? ['mcp.test'] }) } as unknown as PolicyStore,
  });
  const resolve = (manifest: ToolManifest, options: Parameters<typeof stores>[1] = {}) => {
    const deps = stores(manifest, options);
    const connector = createMcpConnector({ ...deps, httpConnect: { unsafeTestNetwork: mcp.web.network({ 'mcp.test': [PUBLIC_V4] }) } });
    return new ToolCatalog().addResolver(mcpResolver({ ...deps, connector })).resolve(manifest.id, manifest.version);
  };

  it("calls a read-only tool and returns output that matches the manifest's output schema", async () => {
    const manifest = manifestForMcpTool(SERVER, { ...tool('lookup_word', true), outputSchema: { type: 'object', required: ['word', 'length'] } });
    const entry = await resolve(manifest);
    const output = await entry!.run!({ word: 'worker' }, ctx);
    expect(output).toEqual({ text: 'worker: a word of 6 letters', structured_content: { word: 'worker', length: 6 } });
    expect(validateJson(manifest.output_schema, output)).toEqual({ ok: true });
  });

  it('an isError result is E_TOOL_FAILED; the allowlist is read at call time', async () => {
    const manifest = manifestForMcpTool(SERVER, tool('always_fails', true));
    expect(await codeOf((await resolve(manifest))!.run!({}, ctx))).toBe('E_TOOL_FAILED: always_fails reported an error: the backend is down');
    const before = mcp.web.seen.length;
    expect(await codeOf((await resolve(manifest, { egress: ['example.org'] }))!.run!({}, ctx))).toBe(
      "E_EGRESS_DENIED: mcp.test is not in the workspace's egress allowlist",
    );
    expect(mcp.web.seen.length).toBe(before);
  });

  it('resolves nothing for a missing server or a manifest whose hash does not match; refuses a server that moved host', async () => {
    const manifest = manifestForMcpTool(SERVER, tool('lookup_word', true));
    expect(await resolve(manifest, { serverUrl: null })).toBeUndefined();
    expect(await resolve(manifest, { hash: 'f'.repeat(64) })).toBeUndefined();
    expect(await codeOf((await resolve(manifest, { serverUrl: 'http://elsewhere.test/mcp' }))!.run!({ word: 'x' }, ctx))).toBe(
      'E_TOOL_FAILED: the MCP server "docs" no longer matches the pinned tool\'s endpoint',
    );
  });
});
