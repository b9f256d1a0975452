import type { McpCheckInput, McpCheckResult } from '@omniai/contracts';
import { proxyActivities } from '@temporalio/workflow';
import type { McpCheckActivities } from '../activity-interfaces';

// A server that does not answer is an outcome (recorded as its health), not a failure: only the store being away is
// retried, briefly, since the next periodic check comes anyway. The deadline covers connecting and listing.
const { checkMcpServer } = proxyActivities<McpCheckActivities>({
  startToCloseTimeout: '45 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '5 seconds', maximumAttempts: 3 },
});

/**
 * One check of an MCP server (docs/MCP.md): started by the API when a server is added or checked by hand, and by the
 * server's Temporal Schedule (`mcp-check-<id>`) periodically. The worker is the only MCP client: the activity
 * connects, lists tools, resources and prompts, records health and flags drift against the approved definitions.
 */
export async function mcpCheckWorkflow(input: McpCheckInput): Promise<McpCheckResult> {
  return checkMcpServer(input);
}
