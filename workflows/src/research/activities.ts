import { proxyActivities } from '@temporalio/workflow';
import type { ResearchActivities } from '../activity-interfaces';

// Prompts, anchoring, verification and the report read Postgres and the artifact store: short, idempotent.
export const researchActivities = proxyActivities<ResearchActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '500 milliseconds', maximumInterval: '30 seconds', nonRetryableErrorTypes: ['ValidationError'] },
});

// Searching and reading reach the network (through safeFetch and the egress policy): their own deadline, a few
// attempts. A source's read is idempotent by (run, source): a retry never fetches what an attempt already fetched.
export const networkActivities = proxyActivities<ResearchActivities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds', maximumAttempts: 4, nonRetryableErrorTypes: ['ValidationError'] },
});
