import { ApplicationFailure } from '@temporalio/activity';
import type { ArtifactStore, ClaimChecked, TriggeredRuns, TriggerStore } from '@omniai/store';
import { TriggerFireRefused } from '@omniai/store';
import type { TriggerActivities } from '@omniai/workflows';
import { waitForDatabase } from './wait-for-database';

export interface TriggerActivityDeps {
  triggers: Pick<TriggerStore, 'get'>;
  triggeredRuns: Pick<TriggeredRuns, 'prepare'>;
  artifacts: Pick<ArtifactStore, 'redeem'>;
}

/** The trigger-fire activities (runs queue: Postgres only). */
export function createTriggerActivities(deps: TriggerActivityDeps): TriggerActivities {
  return {
    async prepareTriggeredRun({ trigger_id, workflow_id, fire_id, payload, fired_at }) {
      const trigger = await waitForDatabase(() => deps.triggers.get(trigger_id));
      if (!trigger) throw ApplicationFailure.nonRetryable(`No trigger ${trigger_id}.`, 'TriggerFireRefused', 'E_NOT_FOUND');
      const body = payload ? await waitForDatabase(() => deps.artifacts.redeem(payload as ClaimChecked)) : null;
      try {
        const prepared = await waitForDatabase(() =>
          deps.triggeredRuns.prepare(trigger, { workflowId: workflow_id, fireId: fire_id, payload: body, firedAt: fired_at }),
        );
        const { run, workflow } = prepared;
        return workflow.kind === 'graph' ? { run_id: run.id, kind: 'graph', graph: workflow.input } : { run_id: run.id, kind: 'agent', agent: workflow.input };
      } catch (err) {
        if (err instanceof TriggerFireRefused) throw ApplicationFailure.nonRetryable(err.message, 'TriggerFireRefused', err.code);
        throw err;
      }
    },
  };
}
