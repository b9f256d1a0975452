import type { ToolManifest } from '@omniai/contracts';
import type { McpServerStore, StoredMcpServer, StoredMcpTool, ToolRegistryStore } from '@omniai/store';
import { ToolError } from '@omniai/tools';
import { checkAndRecord } from '../mcp-hub/hub-listing';
import type { McpConnector } from '../mcp-hub/mcp-connector';
import { type CatalogEntry, type CatalogResolver, pinnedManifest } from './tool-catalog';

/** Kept under the manifest's limit, so the tool reports its own timeout (naming the server) before the runtime has to. */
const DEADLINE_MARGIN_MS = 2_000;

/** Default age past which a call re-lists the server before calling (`OMNI_MCP_LISTING_MAX_AGE_S`). */
export const DEFAULT_LISTING_MAX_AGE_S = 300;

/**
 * Resolves `mcp_remote` tools from the registry when a run calls one (D35, docs/MCP.md): the pinned manifest and an
 * implementation that connects to the server for each call (through the transport's connector), calls the tool by
 * its MCP name with the validated arguments and closes the connection.
 *
 * A hub tool (its binding carries the definition hash it was approved at) is checked at every call: the tool must be
 * `approved` and its approved hash must be the pinned one, else the call is refused with `E_TOOL_DRIFTED` (recorded
 * as the call's `tool_error`). When the server's listing is older than `listingMaxAgeS`, the call lists it first
 * (recording drift) and refuses on a mismatch. The server is read at each call, never cached.
 */
export function mcpResolver(deps: { registry: ToolRegistryStore; servers: McpServerStore; connector: McpConnector; listingMaxAgeS?: number }): CatalogResolver {
  const maxAgeMs = (deps.listingMaxAgeS ?? DEFAULT_LISTING_MAX_AGE_S) * 1000;
  return async (id, version): Promise<CatalogEntry | undefined> => {
    const pinned = await pinnedManifest(deps.registry, id, version, 'mcp_remote');
    if (!pinned) return undefined;
    const { manifest } = pinned;
    const { server_id: serverId, tool_name: toolName, definition_hash: pinnedHash } = manifest.binding;
    if (!(await deps.servers.get(serverId))) return undefined;
    return {
      manifest,
      manifest_hash: pinned.manifest_hash,
      run: async (input, ctx) => {
        if (input === null || typeof input !== 'object' || Array.isArray(input)) throw new ToolError('E_VALIDATION', 'input must be an object');
        let server = await deps.servers.get(serverId);
        if (!server) throw new ToolError('E_TOOL_FAILED', `the MCP server "${serverId}" was removed`);
        if (!consistent(server, manifest)) throw new ToolError('E_TOOL_FAILED', `the MCP server "${serverId}" no longer matches the pinned tool's endpoint`);
        if (pinnedHash !== undefined) {
          if (!server.enabled) throw new ToolError('E_TOOL_FAILED', `the MCP server "${serverId}" is disabled`);
          refuseUnapproved(await deps.servers.tool(serverId, toolName), toolName, pinnedHash);
          const listedAt = server.listed_at ? Date.parse(server.listed_at) : 0;
          if (Date.now() - listedAt > maxAgeMs) {
            const relisted = await checkAndRecord(deps.servers, deps.connector, server);
            if (!relisted.ok) throw new ToolError(relisted.error.code as ToolError['code'], relisted.error.message);
            server = (await deps.servers.get(serverId)) ?? server;
            refuseUnapproved(await deps.servers.tool(serverId, toolName), toolName, pinnedHash);
          }
        }
        return deps.connector.callTool(server, toolName, input as Record<string, unknown>, {
          timeoutMs: Math.max(1_000, manifest.risk.limits.timeout_ms - DEADLINE_MARGIN_MS),
          signal: ctx.signal,
        });
      },
    };
  };
}

/** A call runs only for an approved tool whose approved definition is the one the run pinned. */
function refuseUnapproved(tool: StoredMcpTool | null, name: string, pinnedHash: string): void {
  if (!tool || tool.status === 'removed') throw new ToolError('E_TOOL_DRIFTED', `${name} is no longer offered by its MCP server`);
  if (tool.status === 'blocked')
    throw new ToolError('E_TOOL_DRIFTED', `${name} is blocked by an administrator${tool.blocked_reason ? `: ${tool.blocked_reason}` : ''}`);
  if (tool.status === 'drifted')
    throw new ToolError('E_TOOL_DRIFTED', `${name} changed its definition after it was approved; an administrator must review the change and approve it again`);
  if (tool.status !== 'approved' || tool.approved_hash !== pinnedHash)
    throw new ToolError('E_TOOL_DRIFTED', `the version of ${name} this run is pinned to is not the approved definition any more; start a new run`);
}

/** An HTTP server's host must be the manifest's only egress host (a legacy registration, or a server moved by PATCH). */
function consistent(server: StoredMcpServer, manifest: ToolManifest): boolean {
  if (server.transport.type !== 'streamable_http') return true;
  return manifest.risk.egress_hosts.length === 1 && manifest.risk.egress_hosts[0] === new URL(server.transport.url).hostname;
}
