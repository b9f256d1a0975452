import { JsonSchema, type ToolManifest } from '@omniai/contracts';
import { scopedToolId } from '../openapi/openapi-manifest';
import { manifestSchemaProblem } from '../validation';
import { toDraft2020 } from './schema-dialect';

/**
 * Tools of a remote MCP server (`mcp_remote` binding, D35) as manifests. Pure code: the API derives and registers a
 * manifest per tool the server lists; the worker calls the tool by its MCP name on the server stored under `server_id`.
 */

/** One tool as an MCP server lists it (`tools/list`), reduced to what a manifest is derived from. */
export interface McpToolListing {
  name: string;
  title?: string;
  description?: string;
  inputSchema: Record<string, unknown>;
  outputSchema?: Record<string, unknown>;
  annotations?: { readOnlyHint?: boolean; destructiveHint?: boolean; idempotentHint?: boolean; openWorldHint?: boolean; title?: string };
}

/** Why a listed tool cannot be offered. The message is fit for the API caller. */
export class McpToolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'McpToolError';
  }
}

/** Limits of an `mcp_remote` call: one exchange with a remote server, so little memory; the deadline covers a slow server. */
export const MCP_TOOL_LIMITS: ToolManifest['risk']['limits'] = { timeout_ms: 30_000, memory_mb: 256, cpus: 1 };

const SEMVER = /^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;

/** `mcp.<server id>.<tool name>`, normalized like OpenAPI tool ids (D27). */
export function mcpToolId(serverId: string, toolName: string): string {
  const id = scopedToolId(`mcp.${serverId}.`, toolName);
  if (!id) throw new McpToolError(`tool name "${toolName.slice(0, 100)}" has no letters or digits to name a tool by`);
  return id;
}

/**
 * The manifest version: the server's own version when it is semver, else `0.0.0+<hash>` (the first 12 digits of the
 * server hash), so a changed listing under a non-semver version never reuses a registered version.
 */
export function mcpToolVersion(serverVersion: string, serverHash: string): string {
  return SEMVER.test(serverVersion) && serverVersion.length <= 100 ? serverVersion : `0.0.0+${serverHash.slice(0, 12)}`;
}

/**
 * The hub's manifest version of one approved definition (docs/MCP.md): the server's semver (without build metadata)
 * or `0.0.0`, plus `+d<first 12 hex digits of the definition hash>`, so each approved definition is its own version
 * and a project pin names exactly one definition.
 */
export function hubToolVersion(serverVersion: string, definitionHash: string): string {
  const core = SEMVER.test(serverVersion) && serverVersion.length <= 80 ? serverVersion.split('+')[0]! : '0.0.0';
  return `${core}+d${definitionHash.slice(0, 12)}`;
}

/** What a manifest is derived for: an HTTP server (`url`) or a stdio one (`egress_hosts`); hub tools carry their definition hash. */
export interface McpManifestServer {
  id: string;
  url?: string;
  egress_hosts?: readonly string[];
  version: string;
  /** The listing's hash (legacy `POST /v1/tools/mcp` versions). */
  hash: string;
  /** The hub's approved definition hash: versions become `<semver>+d<hash>` and the binding carries it. */
  definition_hash?: string;
}

/**
 * The manifest of one MCP tool. Risk from the tool's annotations: `readOnlyHint: true` reads (`read_web`); anything
 * else is an `external_write` (`write_web`: always reviewed, stopped by the kill switch), because MCP's default for
 * an unannotated tool is "may write, may destroy". The only egress host is the server's. The output is the call's
 * text (every text block, joined) and, when the tool declares an output schema, its structured content.
 */
export function manifestForMcpTool(server: McpManifestServer, tool: McpToolListing): ToolManifest {
  // The host name, as egress allowlists name hosts (never a port); a stdio server reaches its own egress hosts.
  const hosts = server.url !== undefined ? [new URL(server.url).hostname] : (server.egress_hosts ?? []).map((h) => h.replace(/:\d+$/, ''));
  const where = server.url !== undefined ? `at ${hosts[0]!}` : 'run as a sandboxed stdio process';
  if (tool.inputSchema?.['type'] !== 'object') throw new McpToolError(`${tool.name}: the input schema is not an object schema`);
  // Validation is draft 2020-12 (D43); servers often list draft-07.
  const inputSchema = toDraft2020(tool.inputSchema);
  const outputSchema = tool.outputSchema ? toDraft2020(tool.outputSchema) : undefined;
  if (!JsonSchema.safeParse(inputSchema).success) throw new McpToolError(`${tool.name}: the input schema is not a JSON object`);
  const reads = tool.annotations?.readOnlyHint === true;
  const hints = {
    ...(tool.annotations?.destructiveHint !== undefined ? { destructive: tool.annotations.destructiveHint } : {}),
    ...(tool.annotations?.idempotentHint !== undefined ? { idempotent: tool.annotations.idempotentHint } : {}),
    ...(tool.annotations?.openWorldHint !== undefined ? { open_world: tool.annotations.openWorldHint } : {}),
  };
  const what = (tool.description ?? tool.title ?? tool.annotations?.title ?? '').trim() || `The ${tool.name} tool`;
  const text = { type: 'string', description: 'The text the tool returned (its text content blocks, joined by blank lines).' };
  const output_schema: Record<string, unknown> = outputSchema
    ? { type: 'object', properties: { text, structured_content: outputSchema }, required: ['text', 'structured_content'], additionalProperties: false }
    : { type: 'object', properties: { text, structured_content: { type: 'object' } }, required: ['text'] };
  const manifest: ToolManifest = {
    id: mcpToolId(server.id, tool.name),
    version: server.definition_hash ? hubToolVersion(server.version, server.definition_hash) : mcpToolVersion(server.version, server.hash),
    description: `${what.slice(0, 1500)} — tool ${tool.name.slice(0, 200)} of the MCP server "${server.id}" ${where}.`.slice(0, 2000),
    input_schema: inputSchema,
    output_schema: { $schema: 'https://json-schema.org/draft/2020-12/schema', ...output_schema },
    risk: {
      side_effect: reads ? 'read' : 'external_write',
      scopes: [reads ? 'read_web' : 'write_web'],
      egress_hosts: hosts,
      limits: MCP_TOOL_LIMITS,
      ...(Object.keys(hints).length ? { hints } : {}),
    },
    binding: { type: 'mcp_remote', server_id: server.id, tool_name: tool.name, ...(server.definition_hash ? { definition_hash: server.definition_hash } : {}) },
  };
  // Checked here, so every registration of a server's tool meets the schema limits and RE2 patterns (D43).
  const problem = manifestSchemaProblem(manifest);
  if (problem) throw new McpToolError(`${tool.name.slice(0, 200)}: ${problem}`);
  return manifest;
}
