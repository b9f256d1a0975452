import { proxyActivities } from '@temporalio/workflow';
import type { GraphActivities } from '../activity-interfaces';

// Graph activities read and write Postgres and the artifact store only: short regular activities on the runs queue,
// retried until the database answers (each is idempotent: claim-checks are content-addressed, child rows keyed by id).
export const graphActivities = proxyActivities<GraphActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '500 milliseconds', maximumInterval: '30 seconds', nonRetryableErrorTypes: ['ValidationError'] },
});
