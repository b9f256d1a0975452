/**
 * Postgres NOTIFY channels that fan run activity out to every API process. Payloads stay small (ids and counters):
 * NOTIFY caps them at 8000 bytes, and listeners read the rows themselves.
 */
export const NOTIFY_CHANNELS = {
  /** `{ run_id, last_seq }` after new RunEvents were committed. */
  runEvents: 'omni_run_events',
  /** A RunStatusChange, after a run's status changed. */
  runStatus: 'omni_run_status',
  /** An ephemeral AssistantMessageDelta (never stored). */
  runDeltas: 'omni_run_deltas',
} as const;
