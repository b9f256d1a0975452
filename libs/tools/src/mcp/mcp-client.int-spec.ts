import type { ErrorCode } from '@omniai/contracts';
import { PUBLIC_V4 } from '../testing/loopback-web';
import { startTestMcpServer, TEST_MCP_SERVER } from '../testing/mcp-server';
import { ToolError } from '../tool';
import { callMcpTool, listMcpTools, type McpConnectOptions } from './mcp-client';

// A real MCP server (the SDK's server side) on 127.0.0.1; `mcp.test` resolves to a public-looking address that the
// egress policy vets, and only then is the connection routed to the loopback server (D24's test hatch).
let mcp: Awaited<ReturnType<typeof startTestMcpServer>>;
beforeAll(async () => {
  mcp = await startTestMcpServer();
});
afterAll(() => mcp.close());

const URL_ = 'http://mcp.test/mcp';
const options = (extra: Partial<McpConnectOptions> = {}): McpConnectOptions => ({
  allowHosts: ['mcp.test'],
  timeoutMs: 10_000,
  unsafeTestNetwork: mcp.web.network({ 'mcp.test': [PUBLIC_V4], 'rebind.test': ['127.0.0.1'] }),
  ...extra,
});

async function failure(promise: Promise<unknown>): Promise<{ code: ErrorCode; message: string }> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof ToolError)) throw new Error(`expected a ToolError, got ${String(err)}`);
  return { code: err.code, message: err.message };
}

describe('the MCP client over vetted egress', () => {
  it('lists the server and its tools', async () => {
    const listing = await listMcpTools(URL_, options());
    expect(listing.server).toEqual(TEST_MCP_SERVER);
    expect(listing.tools.map((t) => t.name)).toEqual(['lookup_word', 'Echo.Text', 'delete_note', 'always_fails', 'sleep']);
    const lookup = listing.tools[0]!;
    expect(lookup.annotations).toEqual({ readOnlyHint: true, openWorldHint: false });
    expect(lookup.inputSchema).toMatchObject({ type: 'object', properties: { word: { type: 'string' } }, required: ['word'] });
    expect(lookup.outputSchema).toMatchObject({ type: 'object', required: ['word', 'length'] });
  });

  it('calls a tool and maps its text and structured content', async () => {
    await expect(callMcpTool(URL_, 'lookup_word', { word: 'omni' }, options())).resolves.toEqual({
      text: 'omni: a word of 4 letters',
      structured_content: { word: 'omni', length: 4 },
    });
  });

  it("turns an isError result into E_TOOL_FAILED with the tool's message", async () => {
    expect(await failure(callMcpTool(URL_, 'always_fails', {}, options()))).toEqual({
      code: 'E_TOOL_FAILED',
      message: 'always_fails reported an error: the backend is down',
    });
  });

  it('refuses a host outside the allowlist before connecting, and names that', async () => {
    const before = mcp.web.seen.length;
    expect(await failure(listMcpTools(URL_, options({ allowHosts: ['other.test'] })))).toEqual({
      code: 'E_EGRESS_DENIED',
      message: "mcp.test is not in the workspace's egress allowlist",
    });
    expect(mcp.web.seen.length).toBe(before);
  });

  it('refuses a server whose name resolves to loopback, and one given as a loopback address, even when allowed', async () => {
    expect(await failure(listMcpTools('http://rebind.test/mcp', options({ allowHosts: ['rebind.test'] })))).toEqual({
      code: 'E_EGRESS_DENIED',
      message: 'rebind.test resolves to a loopback address; refused',
    });
    expect(await failure(listMcpTools(`http://127.0.0.1:${mcp.web.port}/mcp`, options({ allowHosts: ['127.0.0.1'] })))).toMatchObject({
      code: 'E_EGRESS_DENIED',
    });
  });

  it('ends a call that overruns its time limit with E_TOOL_TIMEOUT', async () => {
    const started = Date.now();
    expect(await failure(callMcpTool(URL_, 'sleep', { ms: 5_000 }, options({ timeoutMs: 1_000 })))).toMatchObject({ code: 'E_TOOL_TIMEOUT' });
    expect(Date.now() - started).toBeLessThan(4_000);
  });

  it('refuses an answer larger than the byte cap', async () => {
    expect(await failure(callMcpTool(URL_, 'Echo.Text', { text: 'x'.repeat(20_000) }, options({ maxBytes: 10_000 })))).toMatchObject({
      code: 'E_TOOL_RESOURCE_LIMIT',
    });
  });

  it("reports an unknown tool as the server's refusal", async () => {
    expect(await failure(callMcpTool(URL_, 'no_such_tool', {}, options()))).toMatchObject({ code: 'E_TOOL_FAILED' });
  });
});
