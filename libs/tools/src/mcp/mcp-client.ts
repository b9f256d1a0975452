import { Client, type OAuthClientProvider, ProtocolError, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { effectivePort, HostAllowlist } from '../egress/allowlist';
import { type UnsafeTestNetwork, vettedFetch } from '../egress/safe-fetch';
import { ToolError } from '../tool';
import type { McpToolListing } from './mcp-manifest';

/** Who we say we are in `initialize`. */
const CLIENT_INFO = { name: 'omniai', version: '0.1.0' };
/** Bytes read per HTTP response: a tool listing or one result a model can use. */
const MAX_RESPONSE_BYTES = 1024 * 1024;
/** More tools than a model can be offered at once is a listing we refuse rather than cut. */
const MAX_TOOLS = 200;

export interface McpConnectOptions {
  /** The workspace's egress allowlist at the moment of the call: the server's host must be in it. */
  allowHosts: readonly string[];
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

export interface McpServerListing {
  server: { name: string; version: string };
  tools: McpToolListing[];
}

/** What an `mcp_remote` tool returns: its text content, and its structured content when it sent some. */
export interface McpCallOutput {
  text: string;
  structured_content?: Record<string, unknown>;
}

/** `initialize` + `tools/list` (every page) on a Streamable HTTP MCP server, through vetted egress. */
export async function listMcpTools(url: string, options: McpConnectOptions): Promise<McpServerListing> {
  return withClient(url, options, async (client, request) => {
    const info = client.getServerVersion();
    const { tools } = await client.listTools(undefined, request);
    if (tools.length > MAX_TOOLS)
      throw new ToolError('E_TOOL_RESOURCE_LIMIT', `the server lists ${tools.length} tools; at most ${MAX_TOOLS} can be registered`);
    return {
      server: { name: String(info?.name ?? ''), version: String(info?.version ?? '') },
      tools: tools.map((t) => ({
        name: t.name,
        ...(t.title !== undefined ? { title: t.title } : {}),
        ...(t.description !== undefined ? { description: t.description } : {}),
        inputSchema: t.inputSchema as Record<string, unknown>,
        ...(t.outputSchema !== undefined ? { outputSchema: t.outputSchema as Record<string, unknown> } : {}),
        ...(t.annotations !== undefined ? { annotations: t.annotations } : {}),
      })),
    };
  });
}

/**
 * `tools/call` of one tool. A result flagged `isError` is the tool's own failure: `E_TOOL_FAILED` with its text.
 * Content other than text (images, audio, embedded binaries) is named in the text, not passed on.
 */
export async function callMcpTool(url: string, toolName: string, args: Record<string, unknown>, options: McpConnectOptions): Promise<McpCallOutput> {
  return withClient(url, options, async (client, request) => {
    const result = await client.callTool({ name: toolName, arguments: args }, request);
    const text = (result.content ?? []).map(textOf).join('\n\n');
    if (result.isError) throw new ToolError('E_TOOL_FAILED', `${toolName} reported an error: ${text.slice(0, 1500) || '(no message)'}`);
    const structured = result.structuredContent;
    return {
      text,
      ...(structured && typeof structured === 'object' && !Array.isArray(structured) ? { structured_content: structured as Record<string, unknown> } : {}),
    };
  });
}

type ContentBlock = { type: string; text?: unknown; mimeType?: unknown; uri?: unknown; resource?: { uri?: unknown; text?: unknown; mimeType?: unknown } };

function textOf(block: ContentBlock): string {
  switch (block.type) {
    case 'text':
      return String(block.text ?? '');
    case 'resource':
      return typeof block.resource?.text === 'string'
        ? block.resource.text
        : `[resource ${String(block.resource?.uri ?? '')} (${String(block.resource?.mimeType ?? 'binary')}) not shown]`;
    case 'resource_link':
      return `[resource link: ${String(block.uri ?? '')}]`;
    default:
      return `[${block.type} content${block.mimeType ? ` (${String(block.mimeType)})` : ''} not shown]`;
  }
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
  if (!new HostAllowlist(options.allowHosts).allows(host, effectivePort(parsed))) {
    throw new ToolError('E_EGRESS_DENIED', `${parsed.port ? parsed.host : host} is not in the workspace's egress allowlist`);
  }
  const deadline = AbortSignal.timeout(options.timeoutMs);
  // A refusal inside a response the SDK is reading (the byte cap) would otherwise only surface at the deadline.
  const failed = new AbortController();
  const signal = AbortSignal.any([deadline, failed.signal, ...(options.signal ? [options.signal] : [])]);
  const failures: ToolError[] = [];
  const fetch = vettedFetch({
    // With OAuth, the client also reaches the server's authorization server (discovery, refresh): it must be allowed too.
    allowHosts: options.authProvider ? [parsed.host, ...options.allowHosts] : [parsed.host],
    maxBytes: options.maxBytes ?? MAX_RESPONSE_BYTES,
    signal,
    onFailure: (err) => {
      failures.push(err);
      failed.abort(err);
    },
    forwardAuthorization: options.authProvider !== undefined,
    unsafeTestNetwork: options.unsafeTestNetwork,
  });
  const client = new Client(CLIENT_INFO);
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
    throw toToolError(err, { failures, caller: options.signal, deadline, timeoutMs: options.timeoutMs, host });
  } finally {
    await client.close().catch(() => undefined);
  }
}

function toToolError(
  err: unknown,
  ctx: { failures: ToolError[]; caller: AbortSignal | undefined; deadline: AbortSignal; timeoutMs: number; host: string },
): ToolError {
  if (err instanceof ToolError) return err;
  // The SDK wraps what our fetch threw; the first refusal is the real reason.
  const first = ctx.failures[0];
  if (first) return first;
  if (ctx.deadline.aborted) return new ToolError('E_TOOL_TIMEOUT', `no answer from the MCP server at ${ctx.host} within ${ctx.timeoutMs} ms`);
  if (ctx.caller?.aborted) return new ToolError('E_TOOL_FAILED', 'the call was cancelled');
  const message = (err instanceof Error ? err.message : String(err)).replace(/\s+/g, ' ').slice(0, 300);
  if (err instanceof ProtocolError) return new ToolError('E_TOOL_FAILED', `the MCP server at ${ctx.host} refused the request: ${message}`);
  return new ToolError('E_TOOL_FAILED', `the MCP server at ${ctx.host} did not answer as expected: ${message}`);
}
