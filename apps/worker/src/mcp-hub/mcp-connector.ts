import type { McpServerStore, PolicyStore, StoredMcpServer } from '@omniai/store';
import { type McpStdioSessions, stdioSpecOf } from '../mcp/stdio-sessions';
import {
  callMcpTool,
  listMcpCatalog,
  type McpCallOutput,
  type McpCatalogListing,
  type McpConnectOptions,
  type McpOAuthState,
  storedOAuthProvider,
  ToolError,
} from '@omniai/tools';

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
    const oauthClient = await this.deps.servers.revealOAuthClient(server);
    // OAuth: the stored token, refreshed by the SDK on a 401 and saved back sealed (mcp-oauth.ts).
    const authProvider = oauthClient ? await storedOAuthProvider(this.deps.servers.oauthVault<McpOAuthState>(server.id), oauthClient) : undefined;
    return {
      ...this.connect,
      ...(authProvider ? { authProvider } : {}),
      allowHosts: (await this.deps.policies.get()).egress_allow ?? [],
      timeoutMs: opts.timeoutMs,
      ...(opts.signal ? { signal: opts.signal } : {}),
      ...(Object.keys(headers).length > 0 ? { headers } : {}),
    };
  }
}

/**
 * stdio servers through the worker's session pool (D59): one sandboxed container per server session, its
 * egress limited to the server's `egress_hosts` that the workspace allowlist (read at each exchange) also names.
 */
export class StdioMcpConnector implements McpConnector {
  constructor(
    private readonly sessions: McpStdioSessions,
    private readonly policies: PolicyStore,
  ) {}

  async listCatalog(server: StoredMcpServer, opts: McpExchangeOptions): Promise<McpCatalogListing> {
    const catalog = await this.sessions.listCatalog(this.spec(server), await this.options(opts));
    // The pool does not expose the negotiated protocol version.
    return { ...catalog, protocol_version: null };
  }

  async callTool(server: StoredMcpServer, name: string, args: Record<string, unknown>, opts: McpExchangeOptions): Promise<McpCallOutput> {
    return this.sessions.callTool(this.spec(server), name, args, await this.options(opts));
  }

  private spec(server: StoredMcpServer) {
    if (server.transport.type !== 'stdio') throw new Error(`server ${server.id} is not a stdio server`);
    return stdioSpecOf(server.id, server.transport);
  }

  private async options(opts: McpExchangeOptions) {
    return { timeoutMs: opts.timeoutMs, ...(opts.signal ? { signal: opts.signal } : {}), workspaceAllow: (await this.policies.get()).egress_allow ?? [] };
  }
}

/** A worker without the stdio session pool cannot reach a stdio server. */
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
 * activity): Streamable HTTP through vetted egress, stdio through the worker's session pool.
 */
export function createMcpConnector(deps: {
  servers: McpServerStore;
  policies: PolicyStore;
  /** TEST ONLY: connection options of HTTP exchanges (a stand-in network reaching a test MCP server). */
  httpConnect?: ConstructorParameters<typeof HttpMcpConnector>[1];
  /** The worker's stdio session pool; without it stdio servers cannot be reached. */
  stdio?: McpStdioSessions;
}): McpConnector {
  return transportConnector(new HttpMcpConnector(deps, deps.httpConnect), deps.stdio ? new StdioMcpConnector(deps.stdio, deps.policies) : undefined);
}
