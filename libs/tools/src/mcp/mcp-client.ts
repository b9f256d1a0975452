import { Client, ProtocolError, StreamableHTTPClientTransport, UnauthorizedError } from '@modelcontextprotocol/client';
import type { EgressAllowValue } from '@omniai/contracts';
import { HostAllowlist } from '../egress/allowlist';
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
  /** TEST ONLY: see `UnsafeTestNetwork` in egress/safe-fetch. Production code never sets it. */
  unsafeTestNetwork?: UnsafeTestNetwork;
  /** Headers sent with every request (a server's revealed auth headers: never logged or recorded). */
  headers?: Readonly<Record<string, string>>;
}

/** The server refused our credentials (HTTP 401/403): the hub records the auth state as `unauthorized`. */
export class McpUnauthorizedError extends ToolError {
  constructor(host: string) {
    super('E_TOOL_FAILED', `the MCP server at ${host} refused the credentials (unauthorized)`);
    this.name = 'McpUnauthorizedError';
  }
}

/** Everything a hub check lists: server info, the negotiated protocol version, tools, and (best effort) resources and prompts. */
export interface McpCatalogListing extends McpServerListing {
  server: { name: string; version: string; title?: string };
  protocol_version: string | null;
  resources: Array<{ uri: string; name: string; description?: string; mime_type?: string }>;
  prompts: Array<{ name: string; description?: string; arguments?: Array<{ name: string; description?: string; required?: boolean }> }>;
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
    return { server: { name: String(info?.name ?? ''), version: String(info?.version ?? '') }, tools: await listTools(client, request) };
  });
}

/**
 * A hub check's listing: `initialize`, `tools/list`, and `resources/list` and `prompts/list` when the server declares
 * them (best effort: a failure there leaves them empty), with the negotiated protocol version.
 */
export async function listMcpCatalog(url: string, options: McpConnectOptions): Promise<McpCatalogListing> {
  return withClient(url, options, (client, request) => catalogOf(client, request));
}

/** The catalog of a connected client (shared with other transports' connectors). */
export async function catalogOf(client: Client, request: { signal: AbortSignal; timeout: number }): Promise<McpCatalogListing> {
  const info = client.getServerVersion();
  const caps = client.getServerCapabilities();
  const tools = await listTools(client, request);
  const resources = caps?.resources
    ? await client
        .listResources(undefined, request)
        .then((r) =>
          r.resources.slice(0, MAX_TOOLS).map((x) => ({
            uri: String(x.uri),
            name: String(x.name),
            ...(x.description !== undefined ? { description: String(x.description) } : {}),
            ...(x.mimeType !== undefined ? { mime_type: String(x.mimeType) } : {}),
          })),
        )
        .catch(() => [])
    : [];
  const prompts = caps?.prompts
    ? await client
        .listPrompts(undefined, request)
        .then((r) =>
          r.prompts.slice(0, MAX_TOOLS).map((p) => ({
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
        )
        .catch(() => [])
    : [];
  return {
    server: { name: String(info?.name ?? ''), version: String(info?.version ?? ''), ...(info?.title ? { title: String(info.title) } : {}) },
    protocol_version: client.getNegotiatedProtocolVersion() ?? null,
    tools,
    resources,
    prompts,
  };
}

async function listTools(client: Client, request: { signal: AbortSignal; timeout: number }): Promise<McpToolListing[]> {
  const { tools } = await client.listTools(undefined, request);
  if (tools.length > MAX_TOOLS) throw new ToolError('E_TOOL_RESOURCE_LIMIT', `the server lists ${tools.length} tools; at most ${MAX_TOOLS} can be registered`);
  return tools.map((t) => ({
    name: t.name,
    ...(t.title !== undefined ? { title: t.title } : {}),
    ...(t.description !== undefined ? { description: t.description } : {}),
    inputSchema: t.inputSchema as Record<string, unknown>,
    ...(t.outputSchema !== undefined ? { outputSchema: t.outputSchema as Record<string, unknown> } : {}),
    ...(t.annotations !== undefined ? { annotations: t.annotations } : {}),
  }));
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
  // Narrowed to the server's host and port, keeping its entry's private flag.
  const allowHosts = new HostAllowlist(options.allowHosts).narrowTo(parsed);
  if (!allowHosts) throw new ToolError('E_EGRESS_DENIED', `${parsed.port ? parsed.host : host} is not in the workspace's egress allowlist`);
  const deadline = AbortSignal.timeout(options.timeoutMs);
  // A refusal inside a response the SDK is reading (the byte cap) would otherwise only surface at the deadline.
  const failed = new AbortController();
  const signal = AbortSignal.any([deadline, failed.signal, ...(options.signal ? [options.signal] : [])]);
  const failures: ToolError[] = [];
  const fetch = vettedFetch({
    allowHosts,
    maxBytes: options.maxBytes ?? MAX_RESPONSE_BYTES,
    signal,
    onFailure: (err) => {
      failures.push(err);
      failed.abort(err);
    },
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
  const client = new Client(CLIENT_INFO);
  const request = { signal, timeout: options.timeoutMs };
  try {
    await client.connect(new StreamableHTTPClientTransport(new URL(url), { fetch: withHeaders, redirectPolicy: 'same-origin' }), request);
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
  const status = (err as { status?: unknown }).status;
  if (err instanceof UnauthorizedError || status === 401 || status === 403) return new McpUnauthorizedError(ctx.host);
  // The SDK wraps what our fetch threw; the first refusal is the real reason.
  const first = ctx.failures[0];
  if (first) return first;
  if (ctx.deadline.aborted) return new ToolError('E_TOOL_TIMEOUT', `no answer from the MCP server at ${ctx.host} within ${ctx.timeoutMs} ms`);
  if (ctx.caller?.aborted) return new ToolError('E_TOOL_FAILED', 'the call was cancelled');
  const message = (err instanceof Error ? err.message : String(err)).replace(/\s+/g, ' ').slice(0, 300);
  if (err instanceof ProtocolError) return new ToolError('E_TOOL_FAILED', `the MCP server at ${ctx.host} refused the request: ${message}`);
  return new ToolError('E_TOOL_FAILED', `the MCP server at ${ctx.host} did not answer as expected: ${message}`);
}
