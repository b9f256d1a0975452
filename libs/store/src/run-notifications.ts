import type { AssistantMessageDelta, RunStatusChange } from '@omniai/contracts';
import type { DataSource, EntityManager } from 'typeorm';

/**
 * Both ends of the Postgres NOTIFY fan-out of run activity to every API process: the channels, the publisher
 * ({@link notifyRun}, called by the store) and the subscriber's side ({@link LISTEN_RUN_CHANNELS},
 * {@link decodeRunNotification}, used by the API's event bus). Payloads stay small (ids and counters): NOTIFY caps
 * them at 8000 bytes, and listeners read the rows themselves.
 */
export const NOTIFY_CHANNELS = {
  /** `{ run_id, last_seq }` after new RunEvents were committed. */
  runEvents: 'omni_run_events',
  /** A RunStatusChange, after a run's status changed. */
  runStatus: 'omni_run_status',
  /** An ephemeral AssistantMessageDelta (never stored). */
  runDeltas: 'omni_run_deltas',
} as const;

/** What one notification announces. */
export type RunNotification =
  { kind: 'events'; run_id: string; last_seq: number } | { kind: 'delta'; delta: AssistantMessageDelta } | { kind: 'status'; change: RunStatusChange };

/** Subscribes a connection to every run channel. */
export const LISTEN_RUN_CHANNELS = `listen ${NOTIFY_CHANNELS.runEvents}; listen ${NOTIFY_CHANNELS.runDeltas}; listen ${NOTIFY_CHANNELS.runStatus}`;

/** Sends a notification; inside a transaction (an EntityManager) Postgres delivers it at commit. */
export async function notifyRun(db: DataSource | EntityManager, n: RunNotification): Promise<void> {
  const [channel, payload] =
    n.kind === 'events'
      ? [NOTIFY_CHANNELS.runEvents, { run_id: n.run_id, last_seq: n.last_seq }]
      : n.kind === 'delta'
        ? [NOTIFY_CHANNELS.runDeltas, n.delta]
        : [NOTIFY_CHANNELS.runStatus, n.change];
  await db.query(`select pg_notify($1, $2)`, [channel, JSON.stringify(payload)]);
}

/** Reads a notification back: null for an empty payload or a channel that is not a run channel; throws on bad JSON. */
export function decodeRunNotification(channel: string, payload: string | undefined): RunNotification | null {
  if (!payload) return null;
  const data: unknown = JSON.parse(payload);
  if (channel === NOTIFY_CHANNELS.runEvents) {
    const { run_id, last_seq } = data as { run_id: unknown; last_seq: unknown };
    return { kind: 'events', run_id: String(run_id), last_seq: Number(last_seq) };
  }
  if (channel === NOTIFY_CHANNELS.runDeltas) return { kind: 'delta', delta: data as AssistantMessageDelta };
  if (channel === NOTIFY_CHANNELS.runStatus) return { kind: 'status', change: data as RunStatusChange };
  return null;
}
