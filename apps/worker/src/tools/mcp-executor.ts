import type { ToolManifest } from '@omniai/contracts';
import type { McpServerStore, PolicyStore, StoredMcpServer, ToolRegistryStore } from '@omniai/store';
import { callMcpTool, type McpConnectOptions, ToolError } from '@omniai/tools';
import { type CatalogEntry, type CatalogResolver, pinnedManifest } from './tool-catalog';

/** Kept under the manifest's limit, so the tool reports its own timeout (naming the server) before the runtime has to. */
const DEADLINE_MARGIN_MS = 2_000;

/**
 * Resolves `mcp_remote` tools from the registry when a run calls one (they are registered through the API, D35): the
 * pinned manifest, its server's URL from the server store, and an implementation that connects to the server through
 * vetted egress for each call, calls the tool by its MCP name with the validated arguments and closes the connection.
 * The egress allowlist is read at call time. Anything missing or inconsistent resolves to nothing ("cannot run").
 * `connect` adds connection options (tests: a stand-in network).
 */
export function mcpResolver(
  deps: { registry: ToolRegistryStore; servers: McpServerStore; policies: PolicyStore },
  connect: Omit<Partial<McpConnectOptions>, 'allowHosts' | 'signal' | 'timeoutMs'> = {},
): CatalogResolver {
  return async (id, version): Promise<CatalogEntry | undefined> => {
    const pinned = await pinnedManifest(deps.registry, id, version, 'mcp_remote');
    if (!pinned) return undefined;
    const { manifest } = pinned;
    const server = await deps.servers.get(manifest.binding.server_id);
    if (!server || !consistent(server, manifest)) return undefined;
    const toolName = manifest.binding.tool_name;
    return {
      manifest,
      manifest_hash: pinned.manifest_hash,
      run: async (input, ctx) => {
        if (input === null || typeof input !== 'object' || Array.isArray(input)) throw new ToolError('E_VALIDATION', 'input must be an object');
        return callMcpTool(server.url, toolName, input as Record<string, unknown>, {
          ...connect,
          allowHosts: (await deps.policies.get()).egress_allow ?? [],
          timeoutMs: Math.max(1_000, manifest.risk.limits.timeout_ms - DEADLINE_MARGIN_MS),
          signal: ctx.signal,
        });
      },
    };
  };
}

/** The manifest's only egress host must be the stored server's host. */
function consistent(server: StoredMcpServer, manifest: ToolManifest): boolean {
  return manifest.risk.egress_hosts.length === 1 && manifest.risk.egress_hosts[0] === new URL(server.url).hostname;
}
