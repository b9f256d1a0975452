import type { McpHealth } from '@omniai/contracts';
import { McpServerStore, type StoredMcpServer } from '@omniai/store';
import { describeHubTool, type McpCatalogListing, McpUnauthorizedError, reconcileListing, ToolError } from '@omniai/tools';
import type { McpConnector } from './mcp-connector';

/** For connecting and listing (a check, or a call re-checking a stale listing). */
export const LIST_TIMEOUT_MS = 30_000;

/** The auth state a successful exchange shows. */
function answeredAuthState(server: StoredMcpServer): McpHealth['auth_state'] {
  if (server.auth.type === 'none') return 'none';
  if (server.auth.type === 'oauth' && server.auth.authorized !== true) return 'needs_authorization';
  return 'ok';
}

/**
 * Lists the server now and records the outcome (docs/MCP.md): its health (latency, protocol version, server info,
 * auth state) and, when it answered, the catalog with each tool's review state re-derived from the live definition
 * hashes (approved, drifted, new, removed; blocked stays blocked). Answers the tools that drifted with this listing.
 * A server that does not answer is recorded as unhealthy, not thrown; only infrastructure failures throw.
 */
export async function checkAndRecord(
  servers: McpServerStore,
  connector: McpConnector,
  server: StoredMcpServer,
  now: () => Date = () => new Date(),
): Promise<{ ok: true; drifted: string[] } | { ok: false; error: { code: string; message: string } }> {
  const started = Date.now();
  let listing: McpCatalogListing;
  try {
    listing = await connector.listCatalog(server, { timeoutMs: LIST_TIMEOUT_MS });
  } catch (err) {
    if (!(err instanceof ToolError)) throw err;
    // OAuth's "an admin must authorize first" (E_AUTH_REQUIRED) or a plain 401/403 to the credentials we sent.
    const unauthorized = err instanceof McpUnauthorizedError || err.code === 'E_AUTH_REQUIRED';
    const health: McpHealth = {
      ...server.health,
      status: 'error',
      checked_at: now().toISOString(),
      latency_ms: null,
      auth_state: unauthorized
        ? server.auth.type === 'oauth' || err.code === 'E_AUTH_REQUIRED'
          ? 'needs_authorization'
          : 'unauthorized'
        : server.health.auth_state,
      error: { code: err.code, message: err.message.slice(0, 500) },
    };
    await servers.recordCheck(server.id, health);
    return { ok: false, error: health.error! };
  }
  const health: McpHealth = {
    status: 'ok',
    checked_at: now().toISOString(),
    latency_ms: Date.now() - started,
    protocol_version: listing.protocol_version,
    server_info: { name: listing.server.name, version: listing.server.version, ...(listing.server.title ? { title: listing.server.title } : {}) },
    auth_state: answeredAuthState(server),
    error: null,
  };
  const existing = await servers.tools(server.id);
  const hub = { id: server.id, transport: server.transport, server_version: listing.server.version };
  const changed = reconcileListing(existing, listing.tools, (t) => describeHubTool(hub, t), now().toISOString());
  await servers.recordCheck(server.id, health, {
    server_name: listing.server.name,
    server_version: listing.server.version,
    server_hash: McpServerStore.hashOf({ server: listing.server, tools: listing.tools }),
    resources: listing.resources,
    prompts: listing.prompts,
    tools: changed.map((t) => ({ ...t, server_id: server.id })),
  });
  return { ok: true, drifted: changed.filter((t) => t.status === 'drifted').map((t) => t.name) };
}

/**
 * Checks a server whenever its stdio session says its tools changed (`notifications/tools/list_changed`): drift is
 * flagged at once, not at the next periodic check. Failures are reported, never thrown (the notification has no caller).
 */
export function checkOnListChanged(
  sessions: { onToolsListChanged(listener: (serverId: string) => void): () => void },
  servers: McpServerStore,
  connector: McpConnector,
  warn: (message: string) => void,
): () => void {
  return sessions.onToolsListChanged((serverId) => {
    void (async () => {
      const server = await servers.get(serverId);
      if (server) await checkAndRecord(servers, connector, server);
    })().catch((err: unknown) => warn(`check of MCP server ${serverId} after tools/list_changed failed: ${err instanceof Error ? err.message : String(err)}`));
  });
}
