import { fromJsonSchema, McpServer } from '@modelcontextprotocol/server';
import { StdioServerTransport } from '@modelcontextprotocol/server/stdio';
import { PassThrough, Transform } from 'node:stream';
import { ToolError } from '../tool';
import { type McpProgress, McpStdioClient } from './mcp-stdio';

// The stdio framing against the SDK's own stdio server, over in-memory pipes. The server's output is coalesced into
// one chunk per 20 ms, as a busy pipe delivers it, so a call's last progress and its response arrive together.
// Real servers in real containers: apps/worker/src/mcp/stdio-sessions.int-spec.ts.

class Coalesce extends Transform {
  private held: Buffer[] = [];
  private timer: NodeJS.Timeout | undefined;
  override _transform(chunk: Buffer, _enc: BufferEncoding, done: () => void): void {
    this.held.push(chunk);
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      this.push(Buffer.concat(this.held.splice(0)));
    }, 20);
    done();
  }
}

async function start(): Promise<{
  client: McpStdioClient;
  toClient: NodeJS.ReadableStream;
  serverOut: PassThrough;
  changed: number[];
  close(): Promise<void>;
}> {
  const toServer = new PassThrough();
  const serverOut = new PassThrough();
  const toClient = serverOut.pipe(new Coalesce());
  const server = new McpServer({ name: 'stdio-spec', version: '1.0.0' });
  const empty = fromJsonSchema({ type: 'object', properties: {} } as never);
  server.registerTool(
    'count',
    { description: 'Reports three steps of progress.', inputSchema: empty } as never,
    (async (_args: unknown, ctx: { mcpReq: { _meta?: { progressToken?: string | number }; notify(n: unknown): Promise<void> } }) => {
      const token = ctx.mcpReq._meta?.progressToken;
      for (let i = 1; i <= 3; i++) {
        if (token !== undefined) await ctx.mcpReq.notify({ method: 'notifications/progress', params: { progressToken: token, progress: i, total: 3 } });
      }
      return { content: [{ type: 'text', text: 'counted' }] };
    }) as never,
  );
  server.registerTool(
    'fail',
    { description: 'Fails.', inputSchema: empty } as never,
    (async () => ({
      isError: true,
      content: [{ type: 'text', text: 'nope' }],
    })) as never,
  );
  await server.connect(new StdioServerTransport(toServer, serverOut));
  const changed: number[] = [];
  const client = await McpStdioClient.connect(
    { readable: toClient, writable: toServer },
    { server: 'the MCP server "spec"', timeoutMs: 5_000, onToolsListChanged: () => changed.push(Date.now()) },
  );
  return {
    client,
    toClient,
    serverOut,
    changed,
    close: async () => {
      await client.close();
      await server.close();
    },
  };
}

describe('MCP over stdio streams', () => {
  it('lists tools and delivers every progress notification, the last one arriving with the response', async () => {
    const s = await start();
    try {
      const listing = await s.client.listing({ timeoutMs: 5_000 });
      expect(listing).toMatchObject({ server: { name: 'stdio-spec', version: '1.0.0' } });
      expect(listing.tools.map((t) => t.name)).toEqual(['count', 'fail']);
      const progress: McpProgress[] = [];
      await expect(s.client.callTool('count', {}, { timeoutMs: 5_000, onProgress: (p) => progress.push(p) })).resolves.toEqual({ text: 'counted' });
      expect(progress).toEqual([1, 2, 3].map((n) => ({ progress: n, total: 3 })));
    } finally {
      await s.close();
    }
  });

  it('maps an isError result like the HTTP client does, and skips stdout lines that are not JSON-RPC', async () => {
    const s = await start();
    try {
      s.serverOut.write('a server logging to stdout by mistake\n');
      const err = await s.client.callTool('fail', {}, { timeoutMs: 5_000 }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ToolError);
      expect(err).toMatchObject({ code: 'E_TOOL_FAILED', message: 'fail reported an error: nope' });
    } finally {
      await s.close();
    }
  });

  it('tells of a tools/list_changed notification', async () => {
    const s = await start();
    try {
      s.serverOut.write('{"jsonrpc":"2.0","method":"notifications/tools/list_changed"}\n');
      for (let i = 0; i < 50 && s.changed.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
      expect(s.changed).toHaveLength(1);
    } finally {
      await s.close();
    }
  });

  it('ends a request past its deadline with E_TOOL_TIMEOUT, and a request on a server whose output ended with E_TOOL_FAILED', async () => {
    const s = await start();
    try {
      const silent = await McpStdioClient.connect(
        { readable: new PassThrough(), writable: new PassThrough() },
        { server: 'the MCP server "silent"', timeoutMs: 300 },
      ).catch((e: unknown) => e);
      expect(silent).toMatchObject({ code: 'E_TOOL_TIMEOUT', message: 'no answer from the MCP server "silent" within 300 ms' });
      const ended = new Promise((r) => s.toClient.once('end', r));
      s.serverOut.end();
      await ended;
      const err = await s.client.listing({ timeoutMs: 2_000 }).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'E_TOOL_FAILED' });
    } finally {
      await s.close();
    }
  });
});
