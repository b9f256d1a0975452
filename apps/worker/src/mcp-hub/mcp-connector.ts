import type { McpServerStore, PolicyStore, StoredMcpServer } from '@omniai/store';
import { callMcpTool, listMcpCatalog, type McpCallOutput, type McpCatalogListing, type McpConnectOptions, ToolError } from '@omniai/tools';

/** Per exchange: a deadline and the caller's cancellation. */
export interface McpExchangeOptions {
  timeoutMs: number;
  signal?: AbortSignal;
}

/**
 * The worker's one way to talk to an MCP server, whatever its transport (docs/MCP.md: the worker is the only MCP
 * client). Implementations reveal the server's sealed headers themselves at connect time, so callers pass the stored
 * server, never a secret.
 */
export interface McpConnector {
  listCatalog(server: StoredMcpServer, opts: McpExchangeOptions): Promise<McpCatalogListing>;
  callTool(server: StoredMcpServer, name: string, args: Record<string, unknown>, opts: McpExchangeOptions): Promise<McpCallOutput>;
}

/**
 * Streamable HTTP through vetted egress (D24): the workspace allowlist read at each exchange, the server's headers
 * revealed for that exchange only. `connect` adds connection options (tests: a stand-in network).
 */
export class HttpMcpConnector implements McpConnector {
  constructor(
    private readonly deps: { servers: McpServerStore; policies: PolicyStore },
    private readonly connect: Omit<Partial<McpConnectOptions>, 'allowHosts' | 'signal' | 'timeoutMs' | 'headers'> = {},
  ) {}

  async listCatalog(server: StoredMcpServer, opts: McpExchangeOptions): Promise<McpCatalogListing> {
    return listMcpCatalog(this.url(server), await this.options(server, opts));
  }

  async callTool(server: StoredMcpServer, name: string, args: Record<string, unknown>, opts: McpExchangeOptions): Promise<McpCallOutput> {
    return callMcpTool(this.url(server), name, args, await this.options(server, opts));
  }

  private url(server: StoredMcpServer): string {
    if (server.transport.type !== 'streamable_http') throw new Error(`server ${server.id} is not a Streamable HTTP server`);
    return server.transport.url;
  }

  private async options(server: StoredMcpServer, opts: McpExchangeOptions): Promise<McpConnectOptions> {
    const headers = await this.deps.servers.revealHeaders(server);
    return {
      ...this.connect,
      allowHosts: (await this.deps.policies.get()).egress_allow ?? [],
      timeoutMs: opts.timeoutMs,
      ...(opts.signal ? { signal: opts.signal } : {}),
      ...(Object.keys(headers).length > 0 ? { headers } : {}),
    };
  }
}

/** Until the stdio session pool is wired in (apps/worker/src/mcp), a stdio server cannot be reached by this worker. */
const NO_STDIO: McpConnector = {
  listCatalog: () => Promise.reject(new ToolError('E_TOOL_FAILED', 'stdio transport not available in this worker')),
  callTool: () => Promise.reject(new ToolError('E_TOOL_FAILED', 'stdio transport not available in this worker')),
};

/** Picks the connector of the server's transport. */
export function transportConnector(http: McpConnector, stdio: McpConnector = NO_STDIO): McpConnector {
  const of = (server: StoredMcpServer) => (server.transport.type === 'stdio' ? stdio : http);
  return {
    listCatalog: (server, opts) => of(server).listCatalog(server, opts),
    callTool: (server, name, args, opts) => of(server).callTool(server, name, args, opts),
  };
}

/**
 * The worker's MCP connector (the composition root builds one and hands it to the tool resolver and the check
 * activity): Streamable HTTP through vetted egress, and stdio through `stdio` once the session pool is wired in.
 */
export function createMcpConnector(deps: {
  servers: McpServerStore;
  policies: PolicyStore;
  /** TEST ONLY: connection options of HTTP exchanges (a stand-in network reaching a test MCP server). */
  httpConnect?: ConstructorParameters<typeof HttpMcpConnector>[1];
  stdio?: McpConnector;
}): McpConnector {
  return transportConnector(new HttpMcpConnector(deps, deps.httpConnect), deps.stdio);
}
