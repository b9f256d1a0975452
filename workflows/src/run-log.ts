import { uuid4 } from '@temporalio/workflow';
import type { Actor, PersistedKind, RunEvent, RunEventPayload } from '@omniai/contracts';
import { RUN_EVENT_SCHEMA_VERSION } from '@omniai/contracts/pure';

/**
 * Builds a run's events inside workflow code. `seq`, `event_id` and `ts` come from the workflow's deterministic
 * state (counter, seeded uuid4, workflow clock), so a replay rebuilds exactly the same events.
 */
export class RunLog {
  private seq = 0;

  constructor(private readonly runId: string) {}

  get lastSeq(): number {
    return this.seq;
  }

  event<K extends PersistedKind>(kind: K, payload: RunEventPayload<K>, actor: Actor, causedBy?: RunEvent): RunEvent {
    this.seq += 1;
    return {
      event_id: uuid4(),
      run_id: this.runId,
      seq: this.seq,
      kind,
      ts: new Date().toISOString(),
      actor,
      correlation_id: this.runId,
      causation_id: causedBy?.event_id ?? null,
      schema_version: RUN_EVENT_SCHEMA_VERSION,
      payload,
    } as RunEvent;
  }
}
