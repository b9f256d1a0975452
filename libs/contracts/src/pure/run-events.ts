/** Version of the RunEvent envelope and payload schemas; bumped on any incompatible change. */
export const RUN_EVENT_SCHEMA_VERSION = 1;

/** Every kind of RunEvent. `assistant_message_delta` is ephemeral: streamed, never stored, never given a `seq`. */
export const RUN_EVENT_KINDS = [
  'run_created',
  'user_message',
  'assistant_message_delta',
  'assistant_message',
  'tool_call',
  'tool_result',
  'tool_error',
  'system_event',
  'run_completed',
  'run_failed',
  'run_cancelled',
  'node_started',
  'node_completed',
  'node_failed',
  'node_skipped',
] as const;
type RunEventKind = (typeof RUN_EVENT_KINDS)[number];

/** Kinds that end a run; exactly one of them is a run's last event. */
export const TERMINAL_KINDS = ['run_completed', 'run_failed', 'run_cancelled'] as const satisfies readonly RunEventKind[];

/** Whether an event of this kind ends its run. */
export const isTerminalKind = (kind: string): boolean => (TERMINAL_KINDS as readonly string[]).includes(kind);

/** Every `system_event` type the workflows record; the payload of each is typed in `SystemEventPayload`. */
export const SYSTEM_EVENT_TYPES = [
  'approval_requested',
  'approval_decided',
  'policy_denied',
  'budget_exceeded',
  'paused',
  'resumed',
  'signal_rejected',
] as const;

/** Signals a run listens to (their definitions are in `@omniai/workflow-api`). */
export const RUN_SIGNAL_NAMES = ['approvalDecision', 'resumeRun'] as const;

/**
 * Why a run ignored a signal: its payload was `malformed`; nothing was recorded by the API for it (`unrecorded`: a
 * forged doorbell); or the run was not waiting for it (`unexpected`).
 */
export const SIGNAL_REJECTIONS = ['malformed', 'unrecorded', 'unexpected'] as const;
