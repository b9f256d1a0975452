import type { ApprovalStore, RunStore } from '@omniai/store';
import type { RecordedDecisionActivities } from '@omniai/workflows';
import { waitForDatabase } from './wait-for-database';

/**
 * What the API recorded after its checks, read when a signal rings (runs queue: reads Postgres only). The workflow
 * acts on these answers, never on a signal's own fields (D37).
 */
export function createRecordedDecisionActivities(deps: { approvals: ApprovalStore; runs: RunStore }): RecordedDecisionActivities {
  return {
    readApprovalDecision: ({ approval_id }) => waitForDatabase(() => deps.approvals.recordedDecision(approval_id)),
    readRunResume: ({ run_id, paused_seq }) => waitForDatabase(() => deps.runs.recordedResume(run_id, paused_seq)),
  };
}
