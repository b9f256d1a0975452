import { Client, type OAuthClientProvider, StreamableHTTPClientTransport, UnauthorizedError } from '@modelcontextprotocol/client';
import type { EgressAllowValue } from '@omniai/contracts';
import { HostAllowlist } from '../egress/allowlist';
import { type UnsafeTestNetwork, vettedFetch } from '../egress/safe-fetch';
import { ToolError } from '../tool';
import { MCP_CLIENT_INFO, type McpCallOutput, type McpServerListing, toCallOutput, toServerListing, toToolError } from './mcp-results';
import type { McpServerCatalog } from './mcp-stdio';

/** Bytes read per HTTP response: a tool listing or one result a model can use. */
const MAX_RESPONSE_BYTES = 1024 * 1024;

export interface McpConnectOptions {
  /**
   * The workspace's egress allowlist at the moment of the call: the server's host must be in it (an entry with
   * `allow_private` for a server on loopback or the team's network).
   */
  allowHosts: readonly EgressAllowValue[];
  /** For the whole exchange: connecting, initializing, the request and its answer. */
  timeoutMs: number;
  /** Ends the exchange early (the run was cancelled). */
  signal?: AbortSignal;
  maxBytes?: number;
  /**
   * OAuth for a server that needs it (see mcp-oauth.ts): the SDK sends its bearer token, refreshes it on a 401 and
   * saves the new one. Only then is `Authorization` sent, and only to the server's own host.
   */
  authProvider?: OAuthClientProvider;
  /** TEST ONLY: see `UnsafeTestNetwork` in egress/safe-fetch. Production code never sets it. */
  unsafeTestNetwork?: UnsafeTestNetwork;
  /** Headers sent with every request (a hub server's revealed auth headers: never logged or recorded). */
  headers?: Readonly<Record<string, string>>;
}

/** The server refused our credentials (HTTP 401/403): the hub records the auth state as `unauthorized`. */
export class McpUnauthorizedError extends ToolError {
  constructor(server: string) {
    super('E_TOOL_FAILED', `${server} refused the credentials (unauthorized)`);
    this.name = 'McpUnauthorizedError';
  }
}

/** Everything a hub check lists: the catalog (mcp-stdio.ts's shape), the server's title and the negotiated protocol version. */
export interface McpCatalogListing extends McpServerCatalog {
  server: { name: string; version: string; title?: string };
  protocol_version: string | null;
}

/** Resources and prompts beyond this count are cut from a catalog (it is for people to browse). */
const MAX_CATALOG_ITEMS = 500;

/** `initialize` + `tools/list` (every page) on a Streamable HTTP MCP server, through vetted egress. */
export async function listMcpTools(url: string, options: McpConnectOptions): Promise<McpServerListing> {
  return withClient(url, options, async (client, request) => {
    const { tools } = await client.listTools(undefined, request);
    return toServerListing(client.getServerVersion(), tools);
  });
}

/**
 * A hub check's listing: `initialize`, `tools/list`, and `resources/list` and `prompts/list` when the server declares
 * them (best effort: a failure there leaves them empty), with the negotiated protocol version.
 */
export async function listMcpCatalog(url: string, options: McpConnectOptions): Promise<McpCatalogListing> {
  return withClient(url, options, async (client, request) => {
    const info = client.getServerVersion();
    const caps = client.getServerCapabilities();
    const { tools } = await client.listTools(undefined, request);
    const listing = toServerListing(info, tools);
    const resources = caps?.resources
      ? await client.listResources(undefined, request).then(
          (r) => r.resources,
          () => [],
        )
      : [];
    const prompts = caps?.prompts
      ? await client.listPrompts(undefined, request).then(
          (r) => r.prompts,
          () => [],
        )
      : [];
    return {
      server: { ...listing.server, ...(info?.title ? { title: String(info.title) } : {}) },
      tools: listing.tools,
      protocol_version: client.getNegotiatedProtocolVersion() ?? null,
      resources: resources.slice(0, MAX_CATALOG_ITEMS).map((r) => ({
        uri: String(r.uri),
        name: String(r.name),
        ...(r.description !== undefined ? { description: String(r.description) } : {}),
        ...(r.mimeType !== undefined ? { mime_type: String(r.mimeType) } : {}),
      })),
      prompts: prompts.slice(0, MAX_CATALOG_ITEMS).map((p) => ({
        name: String(p.name),
        ...(p.description !== undefined ? { description: String(p.description) } : {}),
        ...(p.arguments
          ? {
              arguments: p.arguments.map((a) => ({
                name: String(a.name),
                ...(a.description !== undefined ? { description: String(a.description) } : {}),
                ...(a.required !== undefined ? { required: Boolean(a.required) } : {}),
              })),
            }
          : {}),
      })),
    };
  });
}

/** `tools/call` of one tool; see {@link toCallOutput} for what the result becomes. */
export async function callMcpTool(url: string, toolName: string, args: Record<string, unknown>, options: McpConnectOptions): Promise<McpCallOutput> {
  return withClient(url, options, async (client, request) => toCallOutput(toolName, await client.callTool({ name: toolName, arguments: args }, request)));
}

/**
 * Connects, runs `use` and always closes. Only the server's host is reachable (even if the allowlist names others),
 * every request goes through {@link vettedFetch}, and every failure becomes a {@link ToolError}.
 */
async function withClient<T>(
  url: string,
  options: McpConnectOptions,
  use: (client: Client, request: { signal: AbortSignal; timeout: number }) => Promise<T>,
): Promise<T> {
  const parsed = new URL(url);
  const host = parsed.hostname;
  // Narrowed to the server's host and port, keeping its entry's private flag.
  const allowHosts = new HostAllowlist(options.allowHosts).narrowTo(parsed);
  if (!allowHosts) throw new ToolError('E_EGRESS_DENIED', `${parsed.port ? parsed.host : host} is not in the workspace's egress allowlist`);
  const deadline = AbortSignal.timeout(options.timeoutMs);
  // A refusal inside a response the SDK is reading (the byte cap) would otherwise only surface at the deadline.
  const failed = new AbortController();
  const signal = AbortSignal.any([deadline, failed.signal, ...(options.signal ? [options.signal] : [])]);
  const failures: ToolError[] = [];
  const fetch = vettedFetch({
    // With OAuth, the client also reaches the server's authorization server (discovery, refresh): it must be allowed too.
    allowHosts: options.authProvider ? [...allowHosts, ...options.allowHosts] : allowHosts,
    maxBytes: options.maxBytes ?? MAX_RESPONSE_BYTES,
    signal,
    onFailure: (err) => {
      failures.push(err);
      failed.abort(err);
    },
    forwardAuthorization: options.authProvider !== undefined,
    unsafeTestNetwork: options.unsafeTestNetwork,
  });
  const extra = options.headers;
  const withHeaders: typeof fetch = extra
    ? (input, init) => {
        const headers = new Headers(init?.headers);
        for (const [name, value] of Object.entries(extra)) headers.set(name, value);
        return fetch(input, { ...init, headers });
      }
    : fetch;
  const client = new Client(MCP_CLIENT_INFO);
  const request = { signal, timeout: options.timeoutMs };
  try {
    await client.connect(
      new StreamableHTTPClientTransport(new URL(url), {
        fetch: withHeaders,
        redirectPolicy: 'same-origin',
        ...(options.authProvider ? { authProvider: options.authProvider } : {}),
      }),
      request,
    );
    return await use(client, request);
  } catch (err) {
    const status = (err as { status?: unknown }).status;
    // Our own refusals (egress, OAuth's "authorize first") keep their meaning; a plain 401/403 is the credentials'.
    if (!(err instanceof ToolError) && failures.length === 0 && (err instanceof UnauthorizedError || status === 401 || status === 403))
      throw new McpUnauthorizedError(`the MCP server at ${host}`);
    throw toToolError(err, { failures, caller: options.signal, deadline, timeoutMs: options.timeoutMs, server: `the MCP server at ${host}` });
  } finally {
    await client.close().catch(() => undefined);
  }
}
