import { z } from 'zod';
import { ErrorCode } from './errors';
import { PROVIDER_PRESET_IDS } from './provider-presets';
import { RUN_STATUSES } from './pure/run-status';
import { RunBudget, RunParentRef, RunPins, RunTrigger } from './run-events';

/** Largest user message accepted inline in a request body (characters). Larger input is refused with 413/400. */
export const MAX_MESSAGE_CHARS = 200_000;

export const Project = z.strictObject({
  id: z.uuid(),
  name: z.string(),
  description: z.string(),
  created_at: z.iso.datetime(),
});
export type Project = z.infer<typeof Project>;

/** `POST /v1/projects` */
export const CreateProjectRequest = z.strictObject({
  name: z.string().trim().min(1, 'name is required').max(120),
  description: z.string().max(2000).default(''),
});
export type CreateProjectRequest = z.infer<typeof CreateProjectRequest>;

export const Thread = z.strictObject({
  id: z.uuid(),
  project_id: z.uuid(),
  title: z.string(),
  created_at: z.iso.datetime(),
});
export type Thread = z.infer<typeof Thread>;

/** `POST /v1/projects/:projectId/threads` */
export const CreateThreadRequest = z.strictObject({
  title: z.string().trim().max(200).default('New thread'),
});
export type CreateThreadRequest = z.infer<typeof CreateThreadRequest>;

/** `paused`: waiting for an operator (a budget ran out with `on_exceed: "pause"`); resume or cancel it. */
export const RunStatus = z.enum(RUN_STATUSES);
export type RunStatus = z.infer<typeof RunStatus>;

/**
 * What a run is: one chat turn (`chat`, also an agent node's child run), a workflow graph (`graph`) or a research
 * question (`research`, docs/RESEARCH.md).
 */
export const RunKind = z.enum(['chat', 'graph', 'research']);
export type RunKind = z.infer<typeof RunKind>;

export const Run = z.strictObject({
  id: z.uuid(),
  project_id: z.uuid(),
  kind: RunKind,
  /** Null for graph runs and agent nodes' child runs. */
  thread_id: z.uuid().nullable(),
  /** A graph run's pinned version. */
  graph: z.strictObject({ graph_id: z.uuid(), version: z.number().int().positive(), spec_hash: z.string() }).nullable(),
  /** The graph run and node that started this run, if a node did. */
  parent: RunParentRef.nullable(),
  /** The schedule or webhook that started the run, if one did. */
  trigger: RunTrigger.nullable(),
  status: RunStatus,
  pins: RunPins,
  /** The run this one retries (same pinned inputs), if any. */
  retry_of: z.uuid().nullable(),
  budget: RunBudget.nullable(),
  workflow_id: z.string(),
  last_seq: z.number().int().nonnegative(),
  input_tokens: z.number().int().nonnegative(),
  output_tokens: z.number().int().nonnegative(),
  cost_usd: z.number().nonnegative(),
  error: z.strictObject({ code: z.string(), message: z.string() }).nullable(),
  created_at: z.iso.datetime(),
  started_at: z.iso.datetime().nullable(),
  ended_at: z.iso.datetime().nullable(),
});
export type Run = z.infer<typeof Run>;

/** `POST /v1/threads/:threadId/runs`: start a chat turn; the user message is the run's input. */
export const StartRunRequest = z.strictObject({
  message: z.string().min(1, 'message must not be empty').max(MAX_MESSAGE_CHARS),
  /** Override parts of the default pins (the offline model reads `params.delay_ms` and `params.reply_words`). */
  pins: RunPins.partial().optional(),
  budget: RunBudget.optional(),
});
export type StartRunRequest = z.infer<typeof StartRunRequest>;

/**
 * `POST /v1/runs/:runId/resume`: continue a paused run. `budget` replaces the run's budget for the rest of the run;
 * without it, the limit that paused the run is lifted and the others stay.
 */
export const ResumeRunRequest = z.strictObject({
  budget: RunBudget.optional(),
  reason: z.string().trim().max(500).optional(),
});
export type ResumeRunRequest = z.infer<typeof ResumeRunRequest>;

/** `GET /v1/runs/:runId/events` query. `from_seq` is inclusive. */
export const EventsQuery = z.strictObject({
  from_seq: z.coerce.number().int().min(1).default(1),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
});
export type EventsQuery = z.infer<typeof EventsQuery>;

/** `GET /v1/runs/:runId/stream` query: resume point (inclusive); `Last-Event-ID: N` means `from_seq = N + 1`. */
export const StreamQuery = z.strictObject({
  from_seq: z.coerce.number().int().min(1).optional(),
});
export type StreamQuery = z.infer<typeof StreamQuery>;

/** A list response. */
export const listOf = <T extends z.ZodType>(item: T) => z.strictObject({ items: z.array(item) });

/**
 * `event: closed`, the last frame of a stream the server ends before its natural end: the caller's access went
 * (`access_revoked`: signed out, disabled, role or membership changed; do not reconnect), the client read too slowly
 * (`slow_client`) or the server is stopping (`shutdown`); after these two, reconnect and resume.
 */
export const StreamClosed = z.strictObject({
  reason: z.enum(['access_revoked', 'slow_client', 'shutdown']),
  code: ErrorCode,
  message: z.string(),
});
export type StreamClosed = z.infer<typeof StreamClosed>;

/** A status change, as pushed on the project stream (`GET /v1/projects/:projectId/stream`). */
export const RunStatusChange = z.strictObject({
  run_id: z.uuid(),
  project_id: z.uuid(),
  thread_id: z.uuid().nullable(),
  status: RunStatus,
  last_seq: z.number().int().nonnegative(),
  at: z.iso.datetime(),
});
export type RunStatusChange = z.infer<typeof RunStatusChange>;

/** Path parameter holding an id. */
export const IdParam = z.uuid({ message: 'expected a UUID' });

/** Path parameter holding an approval id: `<runId>.<n>` (a tool call's), `<runId>.<nodeId>.<attempt>` (an approval node's). */
export const ApprovalIdParam = z
  .string()
  .regex(/^[0-9a-f-]{36}\.(?:[a-z][a-z0-9_]{0,62}\.)?\d{1,6}$/, 'expected an approval id (<runId>.<n> or <runId>.<nodeId>.<attempt>)');

/** A configured model provider. The API key is never returned: only whether there is one and its fingerprint. */
export const ProviderConfig = z.strictObject({
  id: z.uuid(),
  project_id: z.uuid().nullable(),
  name: z.string(),
  preset: z.string(),
  base_url: z.string().nullable(),
  has_key: z.boolean(),
  /** First 12 hex digits of the key's sha256: tells keys apart without revealing them. */
  key_fingerprint: z.string().nullable(),
  created_at: z.iso.datetime(),
});
export type ProviderConfig = z.infer<typeof ProviderConfig>;

/** `POST /v1/providers`: pick a preset, paste a key (local servers need none). Pin runs to it by its id. */
export const CreateProviderRequest = z.strictObject({
  name: z.string().trim().min(1).max(120),
  preset: z.enum(PROVIDER_PRESET_IDS),
  base_url: z
    .url({ protocol: /^https?$/ })
    .max(500)
    .optional(),
  api_key: z.string().min(1).max(1000).optional(),
  project_id: z.uuid().optional(),
});
export type CreateProviderRequest = z.infer<typeof CreateProviderRequest>;

/** One row of the editable price table, in USD per million tokens. `provider` is a preset id or `offline`. */
export const ModelPrice = z.strictObject({
  provider: z.string().min(1).max(100),
  model: z.string().min(1).max(200),
  input_per_mtok_usd: z.number().nonnegative().max(10_000),
  output_per_mtok_usd: z.number().nonnegative().max(10_000),
});
export type ModelPrice = z.infer<typeof ModelPrice>;

/** `PUT /v1/prices`: replaces the price of each listed (provider, model). */
export const PutPricesRequest = z.strictObject({ items: z.array(ModelPrice).min(1).max(500) });
export type PutPricesRequest = z.infer<typeof PutPricesRequest>;
