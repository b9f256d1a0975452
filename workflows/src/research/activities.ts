import { proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { GraphActivities, ResearchActivities } from '../activity-interfaces';

// Prompts, anchoring, verification and the report read Postgres and the artifact store, write only content-addressed
// artifacts, and append no event: short idempotent local activities (no task-queue round trip each; a research step
// took four round trips before, about 100 ms each on 2 cores). Appending events stays a regular activity (D55).
export const researchActivities = proxyLocalActivities<ResearchActivities>({
  startToCloseTimeout: '1 minute',
  localRetryThreshold: '10 seconds',
  retry: { initialInterval: '500 milliseconds', maximumInterval: '30 seconds', nonRetryableErrorTypes: ['ValidationError'] },
});

/** A model reply parsed (and validated) in a local activity, for the same reason. */
export const { parseModelOutput } = proxyLocalActivities<GraphActivities>({
  startToCloseTimeout: '30 seconds',
  localRetryThreshold: '10 seconds',
  retry: { initialInterval: '500 milliseconds', maximumInterval: '30 seconds' },
});

// Searching and reading reach the network (through safeFetch and the egress policy): their own deadline, a few
// attempts. A source's read is idempotent by (run, source): a retry never fetches what an attempt already fetched.
export const networkActivities = proxyActivities<ResearchActivities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds', maximumAttempts: 4, nonRetryableErrorTypes: ['ValidationError'] },
});
