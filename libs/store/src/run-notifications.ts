import type { AssistantMessageDelta, RunStatusChange } from '@omniai/contracts';
import type { DataSource, EntityManager } from 'typeorm';

/**
 * Both ends of the Postgres NOTIFY fan-out of run activity (and of identity changes) to every API process: the
 * channels, the publishers ({@link notifyRun}, {@link notifyIdentity}, called by the stores) and the subscriber's
 * side ({@link LISTEN_RUN_CHANNELS}, {@link decodeRunNotification}, used by the API's event bus). Payloads stay small (ids and counters): NOTIFY caps
 * them at 8000 bytes, and listeners read the rows themselves.
 */
export const NOTIFY_CHANNELS = {
  /** `{ run_id, last_seq }` after new RunEvents were committed. */
  runEvents: 'omni_run_events',
  /** A RunStatusChange, after a run's status changed. */
  runStatus: 'omni_run_status',
  /** An ephemeral AssistantMessageDelta (never stored). */
  runDeltas: 'omni_run_deltas',
  /** `{ user_id }` after a user's access changed: role, disabled, a membership, a session or token revoked. */
  identity: 'omni_identity',
} as const;

/** What one notification announces. */
export type RunNotification =
  | { kind: 'events'; run_id: string; last_seq: number }
  | { kind: 'delta'; delta: AssistantMessageDelta }
  | { kind: 'status'; change: RunStatusChange }
  | { kind: 'identity'; user_id: string };

/** Subscribes a connection to every run channel and the identity channel (open streams re-check access on it). */
export const LISTEN_RUN_CHANNELS = Object.values(NOTIFY_CHANNELS)
  .map((c) => `listen ${c}`)
  .join('; ');

/** Sends a notification; inside a transaction (an EntityManager) Postgres delivers it at commit. */
export async function notifyRun(db: DataSource | EntityManager, n: Exclude<RunNotification, { kind: 'identity' }>): Promise<void> {
  const [channel, payload] =
    n.kind === 'events'
      ? [NOTIFY_CHANNELS.runEvents, { run_id: n.run_id, last_seq: n.last_seq }]
      : n.kind === 'delta'
        ? [NOTIFY_CHANNELS.runDeltas, n.delta]
        : [NOTIFY_CHANNELS.runStatus, n.change];
  await db.query(`select pg_notify($1, $2)`, [channel, JSON.stringify(payload)]);
}

/** Announces that a user's access changed (delivered at commit inside a transaction). */
export async function notifyIdentity(db: DataSource | EntityManager, userId: string): Promise<void> {
  await db.query(`select pg_notify($1, $2)`, [NOTIFY_CHANNELS.identity, JSON.stringify({ user_id: userId })]);
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
  if (channel === NOTIFY_CHANNELS.identity) return { kind: 'identity', user_id: String((data as { user_id: unknown }).user_id) };
  return null;
}
