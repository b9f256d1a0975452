import { z } from 'zod';
import { ArtifactRef } from './artifacts';
import { ErrorCode } from './errors';

/** Version of the RunEvent envelope and payload schemas; bumped on any incompatible change. */
export const RUN_EVENT_SCHEMA_VERSION = 1;

/** Every kind of RunEvent. `assistant_message_delta` is ephemeral: streamed, never stored, never given a `seq`. */
export const RunEventKind = z.enum([
  'run_created',
  'user_message',
  'assistant_message_delta',
  'assistant_message',
  'tool_call',
  'tool_result',
  'tool_error',
  'artifact_ref',
  'system_event',
  'run_completed',
  'run_failed',
  'run_cancelled',
]);
export type RunEventKind = z.infer<typeof RunEventKind>;

/** Kinds that end a run; exactly one of them is a run's last event. */
export const TERMINAL_KINDS = ['run_completed', 'run_failed', 'run_cancelled'] as const satisfies readonly RunEventKind[];

/** Who caused an event. */
export const Actor = z.strictObject({
  type: z.enum(['user', 'agent', 'service']),
  id: z.string().min(1).max(200),
});
export type Actor = z.infer<typeof Actor>;

/** What a run is pinned to, so that a retry or replay asks for exactly the same thing. */
export const RunPins = z.strictObject({
  provider: z.string().min(1).max(100),
  model: z.string().min(1).max(200),
  params: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
  seed: z.number().int().nullable(),
  prompt_version: z.string().min(1),
  /** Tools offered to the model, at exact versions (absent: none; runs from before tools existed). */
  tools: z.array(z.strictObject({ id: z.string(), version: z.string(), manifest_hash: z.string() })).max(64).optional(),
});
export type RunPins = z.infer<typeof RunPins>;

/**
 * Limits for one run, enforced inside the workflow. Exceeding one records a `budget_exceeded` system event, then
 * either ends the run as failed with `E_BUDGET_EXCEEDED` (`on_exceed: "end"`, the default) or pauses it until an
 * operator resumes it with a new budget or cancels it (`on_exceed: "pause"`).
 */
export const RunBudget = z.strictObject({
  /** Input + output tokens across the run's model calls. */
  max_tokens: z.number().int().positive().optional(),
  max_cost_usd: z.number().positive().optional(),
  /**
   * Wall time from the run's start. When the run ends on exceeding it, the model call in flight is cancelled; when it
   * pauses, it is checked between steps (a step in flight finishes) and time spent paused does not count.
   */
  max_wall_ms: z.number().int().positive().max(86_400_000).optional(),
  /** Steps: model calls and tool calls. A step beyond the limit is not started. */
  max_steps: z.number().int().positive().max(1000).optional(),
  on_exceed: z.enum(['end', 'pause']).optional(),
});
export type RunBudget = z.infer<typeof RunBudget>;

/** Message content: inline text when small, otherwise an artifact reference (claim-check). */
export const MessageContent = z.union([
  z.strictObject({ text: z.string() }),
  z.strictObject({ artifact: ArtifactRef, preview: z.string().max(500) }),
]);
export type MessageContent = z.infer<typeof MessageContent>;

export const TokenUsage = z.strictObject({
  input_tokens: z.number().int().nonnegative(),
  output_tokens: z.number().int().nonnegative(),
});
export type TokenUsage = z.infer<typeof TokenUsage>;

/** Payload schema for each kind. */
export const RunEventPayloads = {
  run_created: z.strictObject({
    project_id: z.uuid(),
    thread_id: z.uuid(),
    pins: RunPins,
    retry_of: z.uuid().nullable(),
  }),
  user_message: z.strictObject({ message_id: z.string(), content: MessageContent }),
  assistant_message_delta: z.strictObject({ message_id: z.string(), index: z.number().int().nonnegative(), delta: z.string() }),
  assistant_message: z.strictObject({
    message_id: z.string(),
    content: MessageContent,
    model: z.string(),
    usage: TokenUsage,
    /** Cost of this model call from the price table at the time of the call (0 when the model has no price). */
    cost_usd: z.number().nonnegative().optional(),
    finish_reason: z.enum(['stop', 'length', 'tool_calls', 'cancelled']),
  }),
  tool_call: z.strictObject({
    call_id: z.string(),
    tool_id: z.string(),
    tool_version: z.string(),
    manifest_hash: z.string(),
    arguments: z.union([z.strictObject({ inline: z.unknown() }), z.strictObject({ artifact: ArtifactRef })]),
  }),
  tool_result: z.strictObject({
    call_id: z.string(),
    result: z.union([z.strictObject({ inline: z.unknown() }), z.strictObject({ artifact: ArtifactRef })]),
    duration_ms: z.number().nonnegative(),
  }),
  tool_error: z.strictObject({ call_id: z.string(), code: z.string(), message: z.string() }),
  artifact_ref: z.strictObject({ artifact: ArtifactRef, label: z.string().max(200) }),
  system_event: z.strictObject({
    type: z.enum(['approval_requested', 'approval_decided', 'policy_denied', 'budget_exceeded', 'paused', 'resumed', 'gate', 'notice']),
    message: z.string(),
    data: z.record(z.string(), z.unknown()).optional(),
  }),
  run_completed: z.strictObject({ duration_ms: z.number().nonnegative(), usage: TokenUsage }),
  run_failed: z.strictObject({ code: ErrorCode, message: z.string() }),
  run_cancelled: z.strictObject({ reason: z.string(), partial_output: z.boolean() }),
} as const satisfies Record<RunEventKind, z.ZodType>;

const envelope = {
  event_id: z.uuid(),
  run_id: z.uuid(),
  /** Monotonic per run, starting at 1, without gaps; assigned by workflow code. */
  seq: z.number().int().positive(),
  ts: z.iso.datetime(),
  actor: Actor,
  /** Groups the events of one request (for a run: the run id). */
  correlation_id: z.string(),
  /** The event that caused this one, if any. */
  causation_id: z.uuid().nullable(),
  schema_version: z.literal(RUN_EVENT_SCHEMA_VERSION),
};

const persisted = <K extends Exclude<RunEventKind, 'assistant_message_delta'>>(kind: K) =>
  z.strictObject({ ...envelope, kind: z.literal(kind), payload: RunEventPayloads[kind] });

/**
 * A persisted RunEvent: the unit of a run's append-only log, mirrored from Temporal history into Postgres.
 * Discriminated on `kind`.
 */
export const RunEvent = z.discriminatedUnion('kind', [
  persisted('run_created'),
  persisted('user_message'),
  persisted('assistant_message'),
  persisted('tool_call'),
  persisted('tool_result'),
  persisted('tool_error'),
  persisted('artifact_ref'),
  persisted('system_event'),
  persisted('run_completed'),
  persisted('run_failed'),
  persisted('run_cancelled'),
]);
export type RunEvent = z.infer<typeof RunEvent>;
export type PersistedKind = RunEvent['kind'];

/** Payload of a persisted kind, by name. */
export type RunEventPayload<K extends PersistedKind> = z.infer<(typeof RunEventPayloads)[K]>;

/** An ephemeral streaming delta: no `seq`, no `event_id`; never stored, never in workflow history. */
export const AssistantMessageDelta = z.strictObject({
  kind: z.literal('assistant_message_delta'),
  run_id: z.uuid(),
  ephemeral: z.literal(true),
  payload: RunEventPayloads.assistant_message_delta,
});
export type AssistantMessageDelta = z.infer<typeof AssistantMessageDelta>;
