import type { McpServerStore } from '@omniai/store';
import type { McpCheckActivities } from '@omniai/workflows';
import { waitForDatabase } from './wait-for-database';
import { checkAndRecord } from '../mcp-hub/hub-listing';
import type { McpConnector } from '../mcp-hub/mcp-connector';

/** The MCP hub's check activity (docs/MCP.md): the worker connects, the API only starts the workflow and reads the store. */
export function createMcpCheckActivities(deps: { servers: McpServerStore; connector: McpConnector }): McpCheckActivities {
  return {
    async checkMcpServer({ server_id, reason }) {
      const server = await waitForDatabase(() => deps.servers.get(server_id));
      if (!server) return { status: 'missing', error: null, drifted: [] };
      // A disabled server is not polled; a check by hand still looks.
      if (!server.enabled && reason === 'schedule') return { status: 'disabled', error: null, drifted: [] };
      const outcome = await checkAndRecord(deps.servers, deps.connector, server);
      return outcome.ok ? { status: 'ok', error: null, drifted: outcome.drifted } : { status: 'error', error: outcome.error, drifted: [] };
    },
  };
}
