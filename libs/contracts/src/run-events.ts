import { z } from 'zod';
import { JsonValue } from './json';
import { ArtifactRef } from './artifacts';
import { ErrorCode } from './errors';
import { EMAIL_MAX_LENGTH } from './pure/identity';
import { RUN_EVENT_KINDS, RUN_EVENT_SCHEMA_VERSION, RUN_SIGNAL_NAMES, SIGNAL_REJECTIONS, type SYSTEM_EVENT_TYPES } from './pure/run-events';
import { MAX_RUN_TOOLS } from './pure/tools';
import { REVIEWED_CALL_FIELDS, ToolRisk } from './tools';
import { ResearchRequest } from './research-request';

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

/** What a run is pinned to unless its starter says otherwise: the deterministic offline model. */
export const DEFAULT_PINS: RunPins = {
  provider: 'offline',
  model: 'offline-scripted-1',
  params: { delay_ms: 25, reply_words: 24 },
  seed: 0,
  prompt_version: 'chat-v1',
};

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

/** A value carried in an event: inline when small, otherwise an artifact reference (claim-check). */
export const NodeValue = z.union([z.strictObject({ inline: JsonValue }), z.strictObject({ artifact: ArtifactRef, preview: z.string().max(500) })]);
export type NodeValue = z.infer<typeof NodeValue>;

/** The graph version a graph run interprets, and its input (run_created of a `kind: graph` run). */
export const RunGraphRef = z.strictObject({
  graph_id: z.uuid(),
  version: z.number().int().positive(),
  /** sha256 of the version's canonical spec. */
  spec_hash: z.string(),
  input: NodeValue,
});
export type RunGraphRef = z.infer<typeof RunGraphRef>;

export const TriggerKind = z.enum(['schedule', 'webhook']);
export type TriggerKind = z.infer<typeof TriggerKind>;

/** What started a run without a person (docs/TRIGGERS.md), recorded in its `run_created` and on the run. */
export const RunTrigger = z.strictObject({
  trigger_id: z.uuid(),
  kind: TriggerKind,
  /** The fire: a schedule's workflow id for that fire time, or the webhook's `webhook-id`. */
  fire_id: z.string().max(300),
});
export type RunTrigger = z.infer<typeof RunTrigger>;

/** The graph run and node that started this run (an `agent` or `subgraph` node's child run). */
export const RunParentRef = z.strictObject({ run_id: z.uuid(), node_id: z.string() });
export type RunParentRef = z.infer<typeof RunParentRef>;

const nodeRef = { node_id: z.string(), attempt: z.number().int().positive() };

/** Payload schema for each kind. */
export const RunEventPayloads = {
  run_created: z.strictObject({
    project_id: z.uuid(),
    /** Null for a graph run and for an agent node's child run (neither belongs to a chat thread). */
    thread_id: z.uuid().nullable(),
    pins: RunPins,
    retry_of: z.uuid().nullable(),
    /** A graph run: the pinned version and the input. */
    graph: RunGraphRef.optional(),
    /** A child run: the graph run and node that started it. */
    parent: RunParentRef.optional(),
    /** A run a schedule or webhook started (its actor is then `service` `schedule:<id>` / `webhook:<id>`). */
    trigger: RunTrigger.optional(),
    /** A research run: what was asked (docs/RESEARCH.md). */
    research: ResearchRequest.optional(),
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
  /** A graph node's attempt started (`input`: what it was given, after templates). */
  node_started: z.strictObject({ ...nodeRef, node_kind: z.string(), input: NodeValue.optional() }),
  /**
   * The attempt ended well: `port` is the edge group it leaves by (`out`, a branch case, `denied`, `timeout`, `error`
   * when an error edge caught a failure). `child_run_id`: the agent/subgraph run it started.
   */
  node_completed: z.strictObject({
    ...nodeRef,
    port: z.string(),
    output: NodeValue,
    duration_ms: z.number().nonnegative(),
    cost_usd: z.number().nonnegative().optional(),
    usage: TokenUsage.optional(),
    child_run_id: z.uuid().optional(),
  }),
  /** The attempt failed; `will_retry`: the node's retry policy runs it again (after `retry_in_ms`). */
  node_failed: z.strictObject({
    ...nodeRef,
    code: z.string(),
    message: z.string(),
    will_retry: z.boolean(),
    retry_in_ms: z.number().int().nonnegative().optional(),
    duration_ms: z.number().nonnegative(),
    child_run_id: z.uuid().optional(),
  }),
  /** The node will not run: no incoming edge was taken (`not_taken`), or a join no longer needed it (`join_satisfied`). */
  node_skipped: z.strictObject({ node_id: z.string(), reason: z.enum(['not_taken', 'join_satisfied', 'run_ended']) }),
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
  persisted('node_started'),
  persisted('node_completed'),
  persisted('node_failed'),
  persisted('node_skipped'),
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
