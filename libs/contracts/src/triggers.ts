import { z } from 'zod';
import { JsonSchemaObject, Template } from './graphs';
import { JsonValue } from './json';
import { RunBudget, RunTrigger, TriggerKind } from './run-events';

/**
 * Triggers start runs without a person (docs/TRIGGERS.md): a **schedule** (a Temporal Schedule: Temporal owns its state,
 * Postgres keeps ownership, project and audit) or an inbound **webhook** (`POST /v1/hooks/:hookId`, signed per the
 * Standard Webhooks spec). Both start a graph (a pinned version, or the latest at fire time) with an input, or a chat
 * turn in a thread from a message template. Every fire goes through one `triggerFireWorkflow`, which creates the run
 * (idempotently, its id derived from the fire's workflow id) and runs it as a child, so overlap policies, catch-up and
 * "pause on failure" see the run itself.
 */

const graphTarget = {
  kind: z.literal('graph'),
  graph_id: z.uuid(),
  /** A version number, or null: the latest version at fire time. */
  version: z.number().int().positive().nullable(),
  /**
   * The run's input, a template rendered at fire time against `{ payload, trigger: { id, name, kind }, fired_at }`
   * (`payload`: a webhook's JSON body; null for a schedule). Default: the webhook's payload, `{}` for a schedule.
   */
  input: Template.optional(),
  budget: RunBudget.optional(),
};
const agentTarget = z.strictObject({
  kind: z.literal('agent'),
  thread_id: z.uuid(),
  /** The user message of the chat turn: `{{ path }}` placeholders over the same scope as a graph input. */
  message_template: z.string().min(1).max(20_000),
  budget: RunBudget.optional(),
});

/** What a trigger starts, as saved (every field explicit). */
export const SavedTriggerTarget = z.discriminatedUnion('kind', [z.strictObject(graphTarget), agentTarget]);
/** What a trigger starts: a graph (a pinned version, or the latest at fire time) or a chat turn in a thread. */
export const TriggerTarget = z.discriminatedUnion('kind', [z.strictObject({ ...graphTarget, version: graphTarget.version.default(null) }), agentTarget]);
export type TriggerTarget = z.infer<typeof TriggerTarget>;

/** A range of a calendar field: `start`, up to `end` (inclusive, default `start`), every `step` (default 1). */
export const CalendarRange = z.strictObject({
  start: z.number().int().min(0),
  end: z.number().int().min(0).optional(),
  step: z.number().int().min(1).optional(),
});
export type CalendarRange = z.infer<typeof CalendarRange>;

/**
 * A calendar spec (Temporal's `CalendarSpec`): each field a list of ranges; an absent field means its default (second,
 * minute, hour: 0; the others: every value). `month` 1–12, `day_of_week` 0–6 with 0 = Sunday.
 */
export const CalendarSpec = z.strictObject({
  second: z.array(CalendarRange).max(60).optional(),
  minute: z.array(CalendarRange).max(60).optional(),
  hour: z.array(CalendarRange).max(24).optional(),
  day_of_month: z.array(CalendarRange).max(31).optional(),
  month: z.array(CalendarRange).max(12).optional(),
  year: z.array(CalendarRange).max(20).optional(),
  day_of_week: z.array(CalendarRange).max(7).optional(),
  comment: z.string().max(200).optional(),
});
export type CalendarSpec = z.infer<typeof CalendarSpec>;

/** An interval: every `every_seconds`, shifted by `offset_seconds` (the phase) from the Unix epoch. */
export const SavedIntervalSpec = z.strictObject({
  every_seconds: z
    .number()
    .int()
    .min(1)
    .max(366 * 24 * 3600),
  offset_seconds: z.number().int().min(0),
});
export const IntervalSpec = SavedIntervalSpec.extend({ offset_seconds: SavedIntervalSpec.shape.offset_seconds.default(0) });
export type IntervalSpec = z.infer<typeof IntervalSpec>;

const scheduleFields = {
  /** Cron expressions (5 fields, or 6/7 with seconds/year as Temporal reads them; `@daily` and the like too). */
  cron: z.array(z.string().min(1).max(200)).max(10),
  intervals: z.array(SavedIntervalSpec).max(10),
  calendars: z.array(CalendarSpec).max(10),
  /** IANA time zone the cron expressions and calendars are read in (docs/TRIGGERS.md: daylight-saving behaviour). */
  timezone: z.string().min(1).max(64),
  /** Each fire is delayed by a random amount up to this (spreads load). */
  jitter_ms: z
    .number()
    .int()
    .min(0)
    .max(24 * 3600 * 1000),
  /** No fire before / after these instants. */
  start_at: z.iso.datetime().nullable(),
  end_at: z.iso.datetime().nullable(),
};
const atLeastOneTime = [
  (s: { cron: unknown[]; intervals: unknown[]; calendars: unknown[] }) => s.cron.length + s.intervals.length + s.calendars.length > 0,
  { message: 'a schedule needs at least one cron expression, interval or calendar', path: ['cron'] as PropertyKey[] },
] as const;

/** A schedule spec as saved. */
export const SavedScheduleSpec = z.strictObject(scheduleFields).refine(...atLeastOneTime);
/** When a schedule fires: the union of its cron expressions, intervals and calendars (at least one). */
export const ScheduleSpec = z
  .strictObject({
    cron: scheduleFields.cron.default([]),
    intervals: z.array(IntervalSpec).max(10).default([]),
    calendars: scheduleFields.calendars.default([]),
    timezone: scheduleFields.timezone.default('UTC'),
    jitter_ms: scheduleFields.jitter_ms.default(0),
    start_at: scheduleFields.start_at.default(null),
    end_at: scheduleFields.end_at.default(null),
  })
  .refine(...atLeastOneTime);
export type ScheduleSpec = z.infer<typeof ScheduleSpec>;

/** What a schedule does when a fire comes while the run of an earlier fire has not ended (Temporal's overlap policies). */
export const OverlapPolicy = z.enum(['skip', 'buffer_one', 'buffer_all', 'cancel_other', 'terminate_other', 'allow_all']);
export type OverlapPolicy = z.infer<typeof OverlapPolicy>;

const policyFields = {
  overlap: OverlapPolicy,
  /** Fires missed while Temporal (or the whole platform) was down are caught up if they are at most this old. */
  catchup_window_ms: z
    .number()
    .int()
    .min(10_000)
    .max(366 * 24 * 3600 * 1000),
  /** A failed run pauses the schedule (with a note saying so). */
  pause_on_failure: z.boolean(),
};
/** A schedule's policies as saved. */
export const SavedSchedulePolicies = z.strictObject(policyFields);
/** A schedule's policies: overlap (default skip), catch-up window (default 5 minutes), pause on failure (default off). */
export const SchedulePolicies = z.strictObject({
  overlap: policyFields.overlap.default('skip'),
  catchup_window_ms: policyFields.catchup_window_ms.default(5 * 60_000),
  pause_on_failure: policyFields.pause_on_failure.default(false),
});
export type SchedulePolicies = z.infer<typeof SchedulePolicies>;

/** Settings of a webhook trigger. */
const webhookFields = {
  /** JSON Schema (draft 2020-12) the payload must match (422 with the failing fields otherwise). */
  payload_schema: JsonSchemaObject.nullable(),
  /** Largest body accepted, in bytes (413 above it). */
  max_body_bytes: z.number().int().min(256).max(1_048_576),
  /** Accepted deliveries per minute (429 with Retry-After above it). */
  rate_limit_per_minute: z.number().int().min(1).max(6_000),
};
/** A webhook's settings as saved. */
export const SavedWebhookSettings = z.strictObject(webhookFields);
/** A webhook's settings: payload schema (default none), body cap (default 256 KiB), rate limit (default 60/min). */
export const WebhookSettings = z.strictObject({
  payload_schema: webhookFields.payload_schema.default(null),
  max_body_bytes: webhookFields.max_body_bytes.default(262_144),
  rate_limit_per_minute: webhookFields.rate_limit_per_minute.default(60),
});
export type WebhookSettings = z.infer<typeof WebhookSettings>;

const triggerName = z.string().trim().min(1, 'name must not be empty').max(200);

/** `POST /v1/projects/:projectId/triggers`. */
export const CreateTriggerRequest = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('schedule'),
    name: triggerName,
    target: TriggerTarget,
    schedule: ScheduleSpec,
    policies: SchedulePolicies.default({ overlap: 'skip', catchup_window_ms: 300_000, pause_on_failure: false }),
    /** Create it paused. */
    paused: z.boolean().default(false),
  }),
  z.strictObject({
    kind: z.literal('webhook'),
    name: triggerName,
    target: TriggerTarget,
    webhook: WebhookSettings.default({ payload_schema: null, max_body_bytes: 262_144, rate_limit_per_minute: 60 }),
    paused: z.boolean().default(false),
  }),
]);
export type CreateTriggerRequest = z.infer<typeof CreateTriggerRequest>;

/** `PUT /v1/triggers/:triggerId`: replace what may change (the kind may not). Absent fields stay as they are. */
export const UpdateTriggerRequest = z.strictObject({
  name: triggerName.optional(),
  target: TriggerTarget.optional(),
  schedule: ScheduleSpec.optional(),
  policies: SchedulePolicies.optional(),
  webhook: WebhookSettings.optional(),
});
export type UpdateTriggerRequest = z.infer<typeof UpdateTriggerRequest>;

/** A trigger as lists show it. */
export const Trigger = z.strictObject({
  id: z.uuid(),
  project_id: z.uuid(),
  name: z.string(),
  kind: TriggerKind,
  target: SavedTriggerTarget,
  /** A schedule's spec and policies (null for a webhook). */
  schedule: SavedScheduleSpec.nullable(),
  policies: SavedSchedulePolicies.nullable(),
  /** A webhook's settings (null for a schedule). */
  webhook: SavedWebhookSettings.nullable(),
  /** The webhook's URL path (`/v1/hooks/<id>`); null for a schedule. */
  hook_path: z.string().nullable(),
  paused: z.boolean(),
  /** Why it is paused (the note of the last pause/unpause), if any. */
  note: z.string().nullable(),
  created_by: z.string(),
  created_at: z.iso.datetime(),
  updated_at: z.iso.datetime(),
  /** The latest run it started, if any. */
  last_run: z.strictObject({ id: z.uuid(), status: z.string(), created_at: z.iso.datetime() }).nullable(),
});
export type Trigger = z.infer<typeof Trigger>;

/** One action of a schedule as Temporal describes it: the fire time, the workflow it started and the run. */
export const ScheduleAction = z.strictObject({
  scheduled_at: z.iso.datetime(),
  started_at: z.iso.datetime(),
  workflow_id: z.string(),
  /** The run the fire created (null when it could not create one, e.g. the graph was deleted). */
  run_id: z.uuid().nullable(),
  run_status: z.string().nullable(),
});
export type ScheduleAction = z.infer<typeof ScheduleAction>;

/** A schedule's live state, from Temporal's own description of it. */
export const ScheduleState = z.strictObject({
  /** Human-readable description of each cron expression (cronstrue), in order. */
  descriptions: z.array(z.string()),
  /** The next fire times Temporal computed (at most 10). */
  next_fires: z.array(z.iso.datetime()),
  /** The most recent actions, newest first (at most 10). */
  recent_actions: z.array(ScheduleAction),
  /** Fires whose runs have not ended yet. */
  running: z.number().int().nonnegative(),
  actions_taken: z.number().int().nonnegative(),
  /** Fires skipped because of the overlap policy, and missed beyond the catch-up window. */
  skipped_overlap: z.number().int().nonnegative(),
  missed_catchup: z.number().int().nonnegative(),
  /** Fires waiting for a running one to end (overlap `buffer_one`/`buffer_all`). */
  buffered: z.number().int().nonnegative(),
  /** Temporal's own paused state and note (it pauses a schedule itself when `pause_on_failure` and a run fails). */
  paused: z.boolean(),
  note: z.string().nullable(),
});
export type ScheduleState = z.infer<typeof ScheduleState>;

/** `GET /v1/triggers/:triggerId`: a trigger with its schedule's live state (null for a webhook, or while Temporal is unreachable). */
export const TriggerDetail = Trigger.extend({ schedule_state: ScheduleState.nullable() });
export type TriggerDetail = z.infer<typeof TriggerDetail>;

/**
 * What creating a webhook (or rotating its secret) answers: the signing secret (`whsec_…`, Standard Webhooks), shown
 * this once and never again.
 */
export const CreatedTrigger = z.strictObject({ trigger: Trigger, secret: z.string().nullable() });
export type CreatedTrigger = z.infer<typeof CreatedTrigger>;

/** `POST /v1/triggers/:triggerId/pause` and `/unpause`. */
export const PauseTriggerRequest = z.strictObject({ note: z.string().trim().max(500).optional() });
export type PauseTriggerRequest = z.infer<typeof PauseTriggerRequest>;

/** What `fire` and `backfill` answer: Temporal accepted the request; the runs appear in the trigger's runs as they start. */
export const TriggerFired = z.strictObject({ trigger_id: z.uuid(), requested_at: z.iso.datetime() });
export type TriggerFired = z.infer<typeof TriggerFired>;

/** `POST /v1/triggers/:triggerId/backfill`: fire for every time the spec matches in [start_at, end_at). */
export const BackfillRequest = z
  .strictObject({
    start_at: z.iso.datetime(),
    end_at: z.iso.datetime(),
    /** Overlap policy for the backfilled fires (default: allow all, so every missed time runs). */
    overlap: OverlapPolicy.default('allow_all'),
  })
  .refine((b) => Date.parse(b.start_at) < Date.parse(b.end_at), { message: 'start_at must be before end_at', path: ['end_at'] });
export type BackfillRequest = z.infer<typeof BackfillRequest>;

/** `POST /v1/triggers/:triggerId/rotate-secret`: a new secret; the old one stays valid for `overlap_seconds`. */
export const RotateSecretRequest = z.strictObject({
  overlap_seconds: z
    .number()
    .int()
    .min(0)
    .max(7 * 24 * 3600)
    .default(24 * 3600),
});
export type RotateSecretRequest = z.infer<typeof RotateSecretRequest>;

/** `POST /v1/projects/:projectId/triggers/preview`: what a schedule spec means before it is saved. */
export const SchedulePreviewRequest = z.strictObject({ schedule: ScheduleSpec });
export type SchedulePreviewRequest = z.infer<typeof SchedulePreviewRequest>;
export const SchedulePreview = z.strictObject({ descriptions: z.array(z.string()), next_fires: z.array(z.iso.datetime()) });
export type SchedulePreview = z.infer<typeof SchedulePreview>;

/** Why a webhook delivery was refused. */
export const DeliveryRejection = z.enum(['signature', 'timestamp', 'schema', 'rate', 'size', 'paused', 'target']);
export type DeliveryRejection = z.infer<typeof DeliveryRejection>;

/** One inbound webhook delivery. A rejected body is kept only as its size and hash. */
export const WebhookDelivery = z.strictObject({
  id: z.uuid(),
  trigger_id: z.uuid(),
  /** The sender's `webhook-id` header (null when it was missing). */
  webhook_id: z.string().nullable(),
  status: z.enum(['accepted', 'duplicate', 'rejected']),
  reason: DeliveryRejection.nullable(),
  /** A one-line explanation (never the body). */
  detail: z.string().nullable(),
  http_status: z.number().int(),
  body_bytes: z.number().int().nonnegative(),
  body_sha256: z.string(),
  run_id: z.uuid().nullable(),
  received_at: z.iso.datetime(),
});
export type WebhookDelivery = z.infer<typeof WebhookDelivery>;

/** `POST /v1/hooks/:hookId` query: `wait=true` answers the run's output when it ends within `timeout_ms`. */
export const HookQuery = z.strictObject({
  wait: z.enum(['true', 'false']).default('false'),
  timeout_ms: z.coerce.number().int().min(100).max(60_000).default(10_000),
});
export type HookQuery = z.infer<typeof HookQuery>;

/** What a webhook answers: 202 with the run (a redelivery: the same run); with `wait=true`, 200 and the outcome. */
export const HookAccepted = z.strictObject({
  run_id: z.uuid(),
  /** The `webhook-id` was seen before: nothing new started. */
  duplicate: z.boolean(),
  /** `wait=true` and the run ended in time: its terminal status and output (a graph's output; a chat turn's reply). */
  status: z.string().optional(),
  output: JsonValue.optional(),
});
export type HookAccepted = z.infer<typeof HookAccepted>;

/** Query of trigger lists: narrow to the triggers of one graph or thread, or one kind. */
/** A run list narrowed to the runs one trigger started (`GET /v1/graphs/:graphId/runs?trigger_id=…`, and threads'). */
export const RunsByTriggerQuery = z.strictObject({ trigger_id: z.uuid().optional() });
export type RunsByTriggerQuery = z.infer<typeof RunsByTriggerQuery>;

export const TriggersQuery = z.strictObject({
  graph_id: z.uuid().optional(),
  thread_id: z.uuid().optional(),
  kind: TriggerKind.optional(),
});
export type TriggersQuery = z.infer<typeof TriggersQuery>;

/**
 * Outgoing notifications: when a run of a graph or thread ends, OmniAI POSTs a signed (Standard Webhooks) JSON body
 * to a URL, through the egress policy, retried durably by Temporal with backoff — so automations can chain.
 */
export const OutgoingHook = z.strictObject({
  id: z.uuid(),
  project_id: z.uuid(),
  /** Exactly one of graph_id and thread_id: whose runs it reports. */
  graph_id: z.uuid().nullable(),
  thread_id: z.uuid().nullable(),
  url: z.string(),
  created_by: z.string(),
  created_at: z.iso.datetime(),
});
export type OutgoingHook = z.infer<typeof OutgoingHook>;

/** `POST /v1/projects/:projectId/outgoing-hooks`. */
export const CreateOutgoingHookRequest = z
  .strictObject({
    url: z.url({ protocol: /^https?$/, error: 'an http(s) URL' }).max(2_000),
    graph_id: z.uuid().optional(),
    thread_id: z.uuid().optional(),
  })
  .refine((h) => (h.graph_id === undefined) !== (h.thread_id === undefined), { message: 'name exactly one of graph_id and thread_id', path: ['graph_id'] });
export type CreateOutgoingHookRequest = z.infer<typeof CreateOutgoingHookRequest>;

/** What creating an outgoing hook answers: the signing secret, shown this once. */
export const CreatedOutgoingHook = z.strictObject({ hook: OutgoingHook, secret: z.string() });
export type CreatedOutgoingHook = z.infer<typeof CreatedOutgoingHook>;

/** One notification of one run's end to one outgoing hook. */
export const OutgoingDelivery = z.strictObject({
  id: z.uuid(),
  hook_id: z.uuid(),
  run_id: z.uuid(),
  /** `webhook-id` sent (the same on every retry, so the receiver can deduplicate). */
  message_id: z.string(),
  status: z.enum(['pending', 'delivered', 'failed']),
  attempts: z.number().int().nonnegative(),
  last_http_status: z.number().int().nullable(),
  last_error: z.string().nullable(),
  created_at: z.iso.datetime(),
  delivered_at: z.iso.datetime().nullable(),
});
export type OutgoingDelivery = z.infer<typeof OutgoingDelivery>;

/** The body of an outgoing notification (`type: "run.ended"`, as Standard Webhooks suggests). */
export const RunEndedNotification = z.strictObject({
  type: z.literal('run.ended'),
  timestamp: z.iso.datetime(),
  data: z.strictObject({
    run_id: z.uuid(),
    project_id: z.uuid(),
    graph_id: z.uuid().nullable(),
    thread_id: z.uuid().nullable(),
    status: z.enum(['completed', 'failed', 'cancelled']),
    error: z.strictObject({ code: z.string(), message: z.string() }).nullable(),
    trigger: RunTrigger.nullable(),
  }),
});
export type RunEndedNotification = z.infer<typeof RunEndedNotification>;
