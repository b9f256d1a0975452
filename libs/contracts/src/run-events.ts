import { z } from 'zod';
import { ArtifactRef } from './artifacts';
import { ErrorCode } from './errors';
import { EMAIL_MAX_LENGTH } from './pure/identity';
import { RUN_EVENT_KINDS, RUN_EVENT_SCHEMA_VERSION, RUN_SIGNAL_NAMES, SIGNAL_REJECTIONS, type SYSTEM_EVENT_TYPES } from './pure/run-events';
import { MAX_RUN_TOOLS } from './pure/tools';
import { REVIEWED_CALL_FIELDS, ToolRisk } from './tools';

/** Every kind of RunEvent. `assistant_message_delta` is ephemeral: streamed, never stored, never given a `seq`. */
export const RunEventKind = z.enum(RUN_EVENT_KINDS);
export type RunEventKind = z.infer<typeof RunEventKind>;

/** Who caused an event. */
export const Actor = z.strictObject({
  type: z.enum(['user', 'agent', 'service']),
  /** A user's email, a token's or a service's name. */
  id: z.string().min(1).max(EMAIL_MAX_LENGTH),
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
  tools: z
    .array(z.strictObject({ id: z.string(), version: z.string(), manifest_hash: z.string() }))
    .max(MAX_RUN_TOOLS)
    .optional(),
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
export const MessageContent = z.union([z.strictObject({ text: z.string() }), z.strictObject({ artifact: ArtifactRef, preview: z.string().max(500) })]);
export type MessageContent = z.infer<typeof MessageContent>;

export const TokenUsage = z.strictObject({
  input_tokens: z.number().int().nonnegative(),
  output_tokens: z.number().int().nonnegative(),
});
export type TokenUsage = z.infer<typeof TokenUsage>;

/** `data` of an `approval_requested` system event: a tool call waits for a reviewer (the approval row is projected from it). */
export const ApprovalRequestedData = z.strictObject({
  approval_id: z.string(),
  ...REVIEWED_CALL_FIELDS,
  /** The tool's risk (null only when its manifest could not be resolved, and then no reviewer is asked). */
  risk: ToolRisk.nullable(),
  reason_code: z.string(),
  requested_by: Actor,
  expires_at: z.iso.datetime(),
});
export type ApprovalRequestedData = z.infer<typeof ApprovalRequestedData>;

/** `data` of an `approval_decided` system event: a reviewer decided, or nobody did in time (`expired`). */
export const ApprovalDecidedData = z.strictObject({
  approval_id: z.string(),
  status: z.enum(['approved', 'denied', 'expired']),
  decided_by: z.string().nullable(),
  reason: z.string().nullable(),
});
export type ApprovalDecidedData = z.infer<typeof ApprovalDecidedData>;

/** A budget limit a run can exceed. */
export const BudgetLimit = z.enum(['tokens', 'cost', 'wall_time', 'steps']);
export type BudgetLimit = z.infer<typeof BudgetLimit>;

const systemEvent = <T extends (typeof SYSTEM_EVENT_TYPES)[number], D extends z.ZodType>(type: T, data: D) =>
  z.strictObject({ type: z.literal(type), message: z.string(), data });

/** Payload of a `system_event`, discriminated on `type`: what happened to the run besides messages and tool calls. */
export const SystemEventPayload = z.discriminatedUnion('type', [
  systemEvent('approval_requested', ApprovalRequestedData),
  systemEvent('approval_decided', ApprovalDecidedData),
  /** A tool call the policy (or a reviewer, or the clock) refused; a `tool_error` follows. */
  systemEvent('policy_denied', z.strictObject({ call_id: z.string(), tool_id: z.string(), reason_code: z.string() })),
  /** `action: "pause"` when the run pauses instead of ending. */
  systemEvent('budget_exceeded', z.strictObject({ limit: BudgetLimit, max: z.number(), used: z.number(), action: z.literal('pause').optional() })),
  systemEvent('paused', z.strictObject({ limit: BudgetLimit })),
  /** `budget`: the budget now in force; `paused_ms`: how long the run waited. */
  systemEvent('resumed', z.strictObject({ budget: RunBudget, paused_ms: z.number().nonnegative() })),
  /**
   * A signal the run ignored (D37: signals are doorbells; what counts is what the API recorded). `approval_id` names
   * the approval a well-formed `approvalDecision` rang for.
   */
  systemEvent(
    'signal_rejected',
    z.strictObject({ signal: z.enum(RUN_SIGNAL_NAMES), reason: z.enum(SIGNAL_REJECTIONS), approval_id: z.string().nullable(), problem: z.string().nullable() }),
  ),
]);
export type SystemEventPayload = z.infer<typeof SystemEventPayload>;
export type SystemEventType = SystemEventPayload['type'];
/** `data` of a system event, by type. */
export type SystemEventData<T extends SystemEventType> = Extract<SystemEventPayload, { type: T }>['data'];

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
  system_event: SystemEventPayload,
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
