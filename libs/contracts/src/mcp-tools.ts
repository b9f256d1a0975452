import { z } from 'zod';
import { OpenApiSpecId, RegisteredTool } from './tools';

/**
 * Registering the tools of a remote MCP server (`mcp_remote` binding, D35). The manifests are derived in
 * `@omniai/tools` (`manifestForMcpTool`); the worker calls each tool by its MCP name on the server under `server_id`.
 */

/** The id an MCP server is registered under (same form as an OpenAPI document's id); its tools are `mcp.<id>.<name>`. */
export const McpServerId = OpenApiSpecId;
export type McpServerId = z.infer<typeof McpServerId>;

/** `POST /v1/tools/mcp`: connect to a Streamable HTTP MCP server, list its tools and register one manifest per tool. */
export const RegisterMcpToolsRequest = z.strictObject({
  id: McpServerId,
  /** The server's Streamable HTTP endpoint (http or https, no credentials in the URL). */
  url: z
    .url({ protocol: /^https?$/, message: 'expected an http or https URL' })
    .max(2000)
    .refine((u) => !/^[a-z]+:\/\/[^/]*@/i.test(u), 'the URL must not carry a user name or password'),
});
export type RegisterMcpToolsRequest = z.infer<typeof RegisterMcpToolsRequest>;

export const RegisterMcpToolsResponse = z.strictObject({
  server_id: McpServerId,
  /** sha256 of the canonical JSON of the URL, the server's name and version, and every tool it listed. */
  server_hash: z.string().regex(/^[0-9a-f]{64}$/),
  /** False when the server was already registered under this id with exactly this listing (idempotent). */
  created: z.boolean(),
  tools: z.array(RegisteredTool),
  /** Tools that cannot be offered, and why. */
  skipped: z.array(z.strictObject({ tool_name: z.string(), reason: z.string() })),
});
export type RegisterMcpToolsResponse = z.infer<typeof RegisterMcpToolsResponse>;
