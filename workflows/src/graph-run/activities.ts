import { proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { GraphActivities, ToolPrepActivities } from '../activity-interfaces';

// Graph activities read and write Postgres and the artifact store only: short regular activities on the runs queue,
// retried until the database answers (each is idempotent: claim-checks are content-addressed, child rows keyed by id).
export const graphActivities = proxyActivities<GraphActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '500 milliseconds', maximumInterval: '30 seconds', nonRetryableErrorTypes: ['ValidationError'] },
});

// Vetting a graph's tool call reads Postgres only and is idempotent: a local activity (no task-queue round trip per
// node or map item; the chat path keeps its regular activity). Measured by the per-node overhead bench (D50).
export const { prepareToolCall: prepareToolCallLocally } = proxyLocalActivities<ToolPrepActivities>({
  startToCloseTimeout: '30 seconds',
  localRetryThreshold: '10 seconds',
  retry: { initialInterval: '500 milliseconds', maximumInterval: '30 seconds' },
});
