import type { EgressAllowValue, ErrorCode } from '@omniai/contracts';
import { type EverythingServer, startEverythingServer } from '../testing/everything-server';
import { ToolError } from '../tool';
import { callMcpTool, listMcpTools } from './mcp-client';

// The reference MCP server from npm (@modelcontextprotocol/server-everything), run as its own process over Streamable
// HTTP on this machine, registered the way an admin would: an egress_allow entry { host: "127.0.0.1:<port>",
// allow_private: true } (D58). No test network: the client really connects to 127.0.0.1.

let everything: EverythingServer;
let port: number;
let url: string;

beforeAll(async () => {
  everything = await startEverythingServer();
  ({ port, url } = everything);
}, 30_000);
afterAll(() => everything?.close());

const options = (allowHosts: EgressAllowValue[]) => ({ allowHosts, timeoutMs: 15_000 });

async function failure(promise: Promise<unknown>): Promise<{ code: ErrorCode; message: string }> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof ToolError)) throw new Error(`expected a ToolError, got ${String(err)}`);
  return { code: err.code, message: err.message };
}

describe('server-everything over Streamable HTTP on 127.0.0.1', () => {
  it('lists its tools and calls echo through an allow_private entry for 127.0.0.1:<port>', async () => {
    const allow: EgressAllowValue[] = ['*', { host: `127.0.0.1:${port}`, allow_private: true, note: 'server-everything on this machine' }];
    const listing = await listMcpTools(url, options(allow));
    expect(listing.server.name).toMatch(/everything/i);
    const echo = listing.tools.find((t) => t.name === 'echo');
    expect(echo?.inputSchema).toMatchObject({ type: 'object', properties: { message: { type: 'string' } } });
    expect(listing.tools.length).toBeGreaterThan(5);
    await expect(callMcpTool(url, 'echo', { message: 'hello through the local allowance' }, options(allow))).resolves.toEqual({
      text: 'Echo: hello through the local allowance',
    });
  });

  it('is refused with E_EGRESS_DENIED without the flag, whether the entry names it or not', async () => {
    expect(await failure(listMcpTools(url, options([`127.0.0.1:${port}`])))).toEqual({
      code: 'E_EGRESS_DENIED',
      message: '127.0.0.1 is a loopback address; refused',
    });
    expect(await failure(callMcpTool(url, 'echo', { message: 'x' }, options([{ host: `127.0.0.1:${port}`, allow_private: false }])))).toEqual({
      code: 'E_EGRESS_DENIED',
      message: '127.0.0.1 is a loopback address; refused',
    });
    expect(await failure(callMcpTool(url, 'echo', { message: 'x' }, options(['*'])))).toEqual({
      code: 'E_EGRESS_DENIED',
      message: `127.0.0.1:${port} is not in the workspace's egress allowlist`,
    });
  });

  it('keeps refusing another name for the same server (localhost) when only 127.0.0.1 is flagged', async () => {
    const allow: EgressAllowValue[] = [{ host: `127.0.0.1:${port}`, allow_private: true }, `localhost:${port}`];
    expect(await failure(listMcpTools(`http://localhost:${port}/mcp`, options(allow)))).toEqual({
      code: 'E_EGRESS_DENIED',
      message: 'localhost resolves to a loopback address; refused',
    });
  });
});
