/** `paused`: waiting for an operator (a budget ran out with `on_exceed: "pause"`); resume or cancel it. */
export const RUN_STATUSES = ['queued', 'running', 'paused', 'completed', 'failed', 'cancelled'] as const;
type RunStatus = (typeof RUN_STATUSES)[number];

/** Terminal statuses: the run will append no further events. */
export const TERMINAL_RUN_STATUSES: ReadonlySet<RunStatus> = new Set(['completed', 'failed', 'cancelled']);

/**
 * The status a run has after `event` (undefined: unchanged). The one projection of status from the log, shared by
 * the store and the console (typed structurally, so this folder imports nothing from the zod files).
 */
export function runStatusAfter(event: { kind: string; payload: object }): RunStatus | undefined {
  switch (event.kind) {
    case 'run_created':
      return 'running';
    case 'run_completed':
      return 'completed';
    case 'run_failed':
      return 'failed';
    case 'run_cancelled':
      return 'cancelled';
    case 'system_event': {
      const type = 'type' in event.payload ? event.payload.type : undefined;
      return type === 'paused' ? 'paused' : type === 'resumed' ? 'running' : undefined;
    }
    default:
      return undefined;
  }
}
