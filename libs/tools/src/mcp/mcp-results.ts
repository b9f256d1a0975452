import { ProtocolError, SdkError, SdkErrorCode } from '@modelcontextprotocol/client';
import { ToolError } from '../tool';
import type { McpToolListing } from './mcp-manifest';

/**
 * What both MCP transports (Streamable HTTP in mcp-client.ts, stdio in the sandbox in mcp-stdio.ts) make of a server's
 * answers: one listing shape, one call output, one mapping of failures to ToolErrors.
 */

/** Who we say we are in `initialize`. */
export const MCP_CLIENT_INFO = { name: 'omniai', version: '0.1.0' };
/** More tools than a model can be offered at once is a listing we refuse rather than cut. */
export const MAX_MCP_TOOLS = 200;

export interface McpServerListing {
  server: { name: string; version: string };
  tools: McpToolListing[];
}

/** What an MCP tool call returns: its text content, and its structured content when it sent some. */
export interface McpCallOutput {
  text: string;
  structured_content?: Record<string, unknown>;
}

type ListedTool = {
  name: string;
  title?: string | undefined;
  description?: string | undefined;
  inputSchema: unknown;
  outputSchema?: unknown;
  annotations?: McpToolListing['annotations'] | undefined;
};

/** The server's `initialize` identity and its `tools/list`, as a listing (refused beyond {@link MAX_MCP_TOOLS}). */
export function toServerListing(info: { name?: unknown; version?: unknown } | undefined, tools: readonly ListedTool[]): McpServerListing {
  if (tools.length > MAX_MCP_TOOLS)
    throw new ToolError('E_TOOL_RESOURCE_LIMIT', `the server lists ${tools.length} tools; at most ${MAX_MCP_TOOLS} can be registered`);
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
}

type ContentBlock = { type: string; text?: unknown; mimeType?: unknown; uri?: unknown; resource?: { uri?: unknown; text?: unknown; mimeType?: unknown } };

/**
 * A `tools/call` result as the call's output. A result flagged `isError` is the tool's own failure: `E_TOOL_FAILED`
 * with its text. Content other than text (images, audio, embedded binaries) is named in the text, not passed on.
 */
export function toCallOutput(toolName: string, result: { content?: unknown; isError?: unknown; structuredContent?: unknown }): McpCallOutput {
  const text = ((result.content ?? []) as ContentBlock[]).map(textOf).join('\n\n');
  if (result.isError) throw new ToolError('E_TOOL_FAILED', `${toolName} reported an error: ${text.slice(0, 1500) || '(no message)'}`);
  const structured = result.structuredContent;
  return {
    text,
    ...(structured && typeof structured === 'object' && !Array.isArray(structured) ? { structured_content: structured as Record<string, unknown> } : {}),
  };
}

export function textOf(block: ContentBlock): string {
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

/** What {@link toToolError} knows about the exchange that failed. */
export interface McpFailureContext {
  /** Names the server in messages: `the MCP server at <host>`, `the MCP server "<id>"`. */
  server: string;
  timeoutMs: number;
  /** The exchange's own deadline. */
  deadline: AbortSignal;
  /** The caller's signal (the run was cancelled). */
  caller?: AbortSignal | undefined;
  /** Refusals our own transport raised (egress, byte cap): the first is the real reason. */
  failures?: readonly ToolError[];
  /** Why the connection ended, when the server went away (a stdio server's exit status and last stderr lines). */
  ended?: () => string | undefined;
}

/** Any failure of an MCP exchange as a {@link ToolError} the model and the timeline can read. */
export function toToolError(err: unknown, ctx: McpFailureContext): ToolError {
  if (err instanceof ToolError) return err;
  const first = ctx.failures?.[0];
  if (first) return first;
  if (ctx.deadline.aborted || (err instanceof SdkError && err.code === SdkErrorCode.RequestTimeout))
    return new ToolError('E_TOOL_TIMEOUT', `no answer from ${ctx.server} within ${ctx.timeoutMs} ms`);
  if (ctx.caller?.aborted) return new ToolError('E_TOOL_FAILED', 'the call was cancelled');
  const ended = ctx.ended?.();
  if (ended) return new ToolError('E_TOOL_FAILED', `${ctx.server} ${ended}`);
  const message = (err instanceof Error ? err.message : String(err)).replace(/\s+/g, ' ').slice(0, 300);
  if (err instanceof ProtocolError) return new ToolError('E_TOOL_FAILED', `${ctx.server} refused the request: ${message}`);
  return new ToolError('E_TOOL_FAILED', `${ctx.server} did not answer as expected: ${message}`);
}
