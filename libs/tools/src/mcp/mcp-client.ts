import { Client, type OAuthClientProvider, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import type { EgressAllowValue } from '@omniai/contracts';
import { HostAllowlist } from '../egress/allowlist';
import { type UnsafeTestNetwork, vettedFetch } from '../egress/safe-fetch';
import { ToolError } from '../tool';
import { MCP_CLIENT_INFO, type McpCallOutput, type McpServerListing, toCallOutput, toServerListing, toToolError } from './mcp-results';

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
}

/** `initialize` + `tools/list` (every page) on a Streamable HTTP MCP server, through vetted egress. */
export async function listMcpTools(url: string, options: McpConnectOptions): Promise<McpServerListing> {
  return withClient(url, options, async (client, request) => {
    const { tools } = await client.listTools(undefined, request);
    return toServerListing(client.getServerVersion(), tools);
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
  const client = new Client(MCP_CLIENT_INFO);
  const request = { signal, timeout: options.timeoutMs };
  try {
    await client.connect(
      new StreamableHTTPClientTransport(new URL(url), {
        fetch,
        redirectPolicy: 'same-origin',
        ...(options.authProvider ? { authProvider: options.authProvider } : {}),
      }),
      request,
    );
    return await use(client, request);
  } catch (err) {
    throw toToolError(err, { failures, caller: options.signal, deadline, timeoutMs: options.timeoutMs, server: `the MCP server at ${host}` });
  } finally {
    await client.close().catch(() => undefined);
  }
}
