import { z } from 'zod';
import { Sha256 } from './artifacts';
import {
  CreateProjectRequest,
  CreateProviderRequest,
  CreateThreadRequest,
  ModelPrice,
  PutPricesRequest,
  EventsQuery,
  Project,
  ProviderConfig,
  Run,
  RunStatusChange,
  ResumeRunRequest,
  StartRunRequest,
  StreamQuery,
  Thread,
  listOf,
} from './api';
import { ErrorCode } from './errors';
import { Meta } from './meta';
import { ProviderPresetInfo } from './provider-presets';
import { AssistantMessageDelta, RunEvent } from './run-events';
import {
  Approval,
  ApprovalsQuery,
  DecideApprovalRequest,
  DecideApprovalResponse,
  PinnedTool,
  PinToolRequest,
  Policy,
  RegisteredTool,
  RegisterOpenApiToolsRequest,
  RegisterOpenApiToolsResponse,
} from './tools';

/** HTTP methods the API uses (lower case, as OpenAPI spells them). */
export type HttpMethod = 'get' | 'post' | 'put' | 'delete';

/** Statuses an error response can have: the values of `ERROR_HTTP_STATUS`. */
export type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 413 | 429 | 500 | 502 | 503;

/** One named frame type of a Server-Sent Events stream. */
export interface SseEventSpec {
  /** The frame's `event:` field. */
  readonly event: string;
  readonly description: string;
  /** JSON carried in `data:`. */
  readonly data: z.ZodType;
  /** What the frame's `id:` field holds; absent when the frame has no id. */
  readonly id?: string;
}

/** A request header the route reads. */
export interface HeaderSpec {
  readonly name: string;
  readonly description: string;
  readonly schema: z.ZodType;
}

interface RouteBase {
  readonly method: HttpMethod;
  /** OpenAPI path template: `{name}` placeholders; every placeholder is a UUID. */
  readonly path: string;
  readonly operationId: string;
  readonly tag: 'health' | 'projects' | 'threads' | 'runs' | 'artifacts' | 'providers' | 'tools' | 'approvals';
  /** Path parameters that are not UUIDs (every other `{name}` is one). */
  readonly pathParams?: Readonly<Record<string, { schema: z.ZodType; description: string }>>;
  readonly summary: string;
  readonly description?: string;
  /** JSON request body (documented as its input type: defaults make fields optional). */
  readonly body?: z.ZodType;
  /** Query string, one parameter per property (documented as its input type). */
  readonly query?: z.ZodObject;
  /** Descriptions of query parameters, by name. */
  readonly queryNotes?: Readonly<Record<string, string>>;
  readonly headers?: readonly HeaderSpec[];
  /** Status of the successful response. */
  readonly status: 200 | 201 | 202 | 204;
  /** Error responses (bodies are `ErrorEnvelope`), each with what causes it on this route; the codes follow from `ERROR_HTTP_STATUS`. */
  readonly errors: Readonly<Partial<Record<ErrorStatus, string>>>;
}

/** A route answering JSON. */
export interface JsonRoute extends RouteBase {
  readonly sse?: false;
  readonly raw?: undefined;
  readonly empty?: false;
  readonly status: 200 | 201 | 202;
  /** JSON response body (documented as its output type). */
  readonly response: z.ZodType;
}

/** A route answering `204 No Content` (e.g. a delete). */
export interface EmptyRoute extends RouteBase {
  readonly sse?: false;
  readonly raw?: undefined;
  readonly empty: true;
  readonly status: 204;
}

/** A route answering `text/event-stream`. */
export interface SseRoute extends RouteBase {
  readonly sse: true;
  readonly empty?: false;
  readonly events: readonly SseEventSpec[];
}

/** A route answering raw bytes (e.g. an artifact's content). */
export interface RawRoute extends RouteBase {
  readonly sse?: false;
  readonly empty?: false;
  readonly raw: { readonly mediaTypes: readonly string[]; readonly description: string };
}

/** One HTTP route of the API. */
export type ApiRoute = JsonRoute | SseRoute | RawRoute | EmptyRoute;

const Health = z.strictObject({ status: z.literal('ok') });

const RunEventsPage = z.strictObject({
  items: z.array(RunEvent),
  /** Where the next page starts (inclusive); equals the requested `from_seq` when the page is empty. */
  next_from_seq: z.number().int().min(1),
  has_more: z.boolean(),
});

const RunStreamEnd = z.strictObject({ run_id: z.uuid(), last_seq: z.number().int().nonnegative() });

const StreamErrorFrame = z.strictObject({ code: ErrorCode, message: z.string() });

/**
 * Every HTTP route the API serves, in documentation order: the single description from which
 * `docs/openapi.json` is generated (see `buildOpenApiDocument`). The NestJS controllers implement these routes;
 * a route added there must be added here, and `npm run openapi` re-run.
 */
export const API_ROUTES: readonly ApiRoute[] = [
  {
    method: 'get',
    path: '/healthz',
    operationId: 'getHealth',
    tag: 'health',
    summary: 'Liveness: the API process answers.',
    status: 200,
    response: Health,
    errors: {},
  },
  {
    method: 'get',
    path: '/v1/meta',
    operationId: 'getMeta',
    tag: 'health',
    summary: 'What this deployment is, its feature flags and the health of its components.',
    status: 200,
    response: Meta,
    errors: {},
  },
  {
    method: 'post',
    path: '/v1/projects',
    operationId: 'createProject',
    tag: 'projects',
    summary: 'Create a project.',
    body: CreateProjectRequest,
    status: 201,
    response: Project,
    errors: { 400: 'The body is not a valid CreateProjectRequest.', 413: 'The body exceeds the size limit.' },
  },
  {
    method: 'get',
    path: '/v1/projects',
    operationId: 'listProjects',
    tag: 'projects',
    summary: 'List projects.',
    status: 200,
    response: listOf(Project),
    errors: {},
  },
  {
    method: 'get',
    path: '/v1/projects/{projectId}',
    operationId: 'getProject',
    tag: 'projects',
    summary: 'Get a project.',
    status: 200,
    response: Project,
    errors: { 400: 'projectId is not a UUID.', 404: 'No such project.' },
  },
  {
    method: 'post',
    path: '/v1/projects/{projectId}/threads',
    operationId: 'createThread',
    tag: 'threads',
    summary: 'Create a thread in a project.',
    body: CreateThreadRequest,
    status: 201,
    response: Thread,
    errors: {
      400: 'projectId is not a UUID, or the body is not a valid CreateThreadRequest.',
      404: 'No such project.',
      413: 'The body exceeds the size limit.',
    },
  },
  {
    method: 'get',
    path: '/v1/projects/{projectId}/threads',
    operationId: 'listThreads',
    tag: 'threads',
    summary: "List a project's threads.",
    status: 200,
    response: listOf(Thread),
    errors: { 400: 'projectId is not a UUID.', 404: 'No such project.' },
  },
  {
    method: 'get',
    path: '/v1/projects/{projectId}/runs',
    operationId: 'listProjectRuns',
    tag: 'runs',
    summary: "List a project's runs.",
    status: 200,
    response: listOf(Run),
    errors: { 400: 'projectId is not a UUID.', 404: 'No such project.' },
  },
  {
    method: 'get',
    path: '/v1/projects/{projectId}/stream',
    operationId: 'streamProject',
    tag: 'projects',
    summary: "Stream status changes of a project's runs (SSE).",
    description: 'Starts with the current status of the latest runs, then pushes every change. Comment lines are heartbeats.',
    status: 200,
    sse: true,
    events: [{ event: 'run_status', description: 'A run of the project changed status.', data: RunStatusChange }],
    errors: { 400: 'projectId is not a UUID.', 404: 'No such project.' },
  },
  {
    method: 'post',
    path: '/v1/threads/{threadId}/runs',
    operationId: 'startRun',
    tag: 'runs',
    summary: 'Start a run: one chat turn whose input is the user message.',
    body: StartRunRequest,
    status: 201,
    response: Run,
    errors: {
      400: 'threadId is not a UUID, or the body is not a valid StartRunRequest.',
      404: 'No such thread.',
      413: 'The body exceeds the size limit.',
      503: 'Temporal is unavailable; nothing was started.',
    },
  },
  {
    method: 'get',
    path: '/v1/threads/{threadId}/runs',
    operationId: 'listThreadRuns',
    tag: 'runs',
    summary: "List a thread's runs.",
    status: 200,
    response: listOf(Run),
    errors: { 400: 'threadId is not a UUID.', 404: 'No such thread.' },
  },
  {
    method: 'get',
    path: '/v1/runs/{runId}',
    operationId: 'getRun',
    tag: 'runs',
    summary: 'Get a run.',
    status: 200,
    response: Run,
    errors: { 400: 'runId is not a UUID.', 404: 'No such run.' },
  },
  {
    method: 'get',
    path: '/v1/runs/{runId}/events',
    operationId: 'listRunEvents',
    tag: 'runs',
    summary: "Page through a run's persisted events in seq order.",
    query: EventsQuery,
    queryNotes: { from_seq: 'First seq to return (inclusive).', limit: 'Page size.' },
    status: 200,
    response: RunEventsPage,
    errors: { 400: 'runId is not a UUID, or the query is invalid.', 404: 'No such run.' },
  },
  {
    method: 'get',
    path: '/v1/runs/{runId}/stream',
    operationId: 'streamRun',
    tag: 'runs',
    summary: "Stream a run's events (SSE), resumable.",
    description:
      'Sends the backlog from the resume point, then live events, in seq order without gaps or duplicates, and ends ' +
      'after the terminal event. Resume with `Last-Event-ID` (wins) or `from_seq`. Comment lines are heartbeats.',
    query: StreamQuery,
    queryNotes: { from_seq: 'First seq to send (inclusive); ignored when Last-Event-ID is sent.' },
    headers: [
      {
        name: 'Last-Event-ID',
        description: 'The last seq the client has; the stream resumes at the next one.',
        schema: z.number().int().nonnegative(),
      },
    ],
    status: 200,
    sse: true,
    events: [
      { event: 'run_event', description: 'A persisted event.', data: RunEvent, id: "The event's seq." },
      { event: 'assistant_message_delta', description: 'An ephemeral token delta; not persisted, not replayed on resume.', data: AssistantMessageDelta },
      { event: 'end', description: 'Sent after the terminal event; the server then closes the stream.', data: RunStreamEnd },
      { event: 'error', description: 'The stream failed (the event store went away); reconnect to resume.', data: StreamErrorFrame },
    ],
    errors: { 400: 'runId, from_seq or Last-Event-ID is invalid.', 404: 'No such run.' },
  },
  {
    method: 'post',
    path: '/v1/runs/{runId}/cancel',
    operationId: 'cancelRun',
    tag: 'runs',
    summary: 'Request cancellation of a run (answers the run as it was); it ends with `run_cancelled`.',
    status: 202,
    response: Run,
    errors: {
      400: 'runId is not a UUID.',
      404: 'No such run.',
      409: 'The run has already ended.',
      503: 'Temporal is unavailable.',
    },
  },
  {
    method: 'post',
    path: '/v1/runs/{runId}/resume',
    operationId: 'resumeRun',
    tag: 'runs',
    summary:
      'Continue a paused run (a budget ran out with `on_exceed: "pause"`). `budget` replaces the run\'s budget; without it, the limit that paused the run is lifted. Answers the run as it was; the run records a `resumed` system event.',
    status: 202,
    body: ResumeRunRequest,
    response: Run,
    errors: {
      400: 'runId is not a UUID, or the body does not match ResumeRunRequest.',
      404: 'No such run.',
      409: 'The run is not paused.',
      503: 'Temporal is unavailable.',
    },
  },
  {
    method: 'post',
    path: '/v1/runs/{runId}/retry',
    operationId: 'retryRun',
    tag: 'runs',
    summary: 'Start a new run with the same pinned inputs; its `retry_of` is this run.',
    status: 201,
    response: Run,
    errors: {
      400: 'runId is not a UUID.',
      404: 'No such run.',
      409: 'The run has not ended yet.',
      503: 'Temporal is unavailable.',
    },
  },
  {
    method: 'get',
    path: '/v1/artifacts/{sha256}',
    operationId: 'getArtifact',
    tag: 'artifacts',
    summary: "An artifact's bytes, by content hash (claim-checked message text, tool results).",
    pathParams: { sha256: { schema: Sha256, description: 'The lower-case hex sha256 of the content.' } },
    status: 200,
    raw: {
      mediaTypes: ['text/plain', 'application/json', 'application/octet-stream'],
      description: 'Plain text and JSON are served inline with their media type; anything else as an octet-stream attachment.',
    },
    errors: { 400: 'sha256 is not a lower-case hex sha256.', 404: 'No such artifact.' },
  },
  {
    method: 'post',
    path: '/v1/providers',
    operationId: 'createProvider',
    tag: 'providers',
    summary: 'Configure a model provider from a preset; the API key is stored encrypted and never returned. Pin runs to it with `pins.provider = <id>`.',
    body: CreateProviderRequest,
    status: 201,
    response: ProviderConfig,
    errors: { 400: 'The body is invalid, or the preset needs an API key.', 404: 'No such project.', 413: 'The body is too large.' },
  },
  {
    method: 'get',
    path: '/v1/providers',
    operationId: 'listProviders',
    tag: 'providers',
    summary: 'Configured model providers (without their keys).',
    status: 200,
    response: listOf(ProviderConfig),
    errors: {},
  },
  {
    method: 'delete',
    path: '/v1/providers/{providerId}',
    operationId: 'deleteProvider',
    tag: 'providers',
    summary: 'Delete a provider configuration and destroy its stored key.',
    description:
      'Runs already pinned to it keep the id in their pins; a later run or retry through it fails with ' +
      '`E_PROVIDER_BAD_REQUEST` ("No provider … is configured").',
    status: 204,
    empty: true,
    errors: { 400: 'providerId is not a UUID.', 404: 'No such provider.' },
  },
  {
    method: 'get',
    path: '/v1/provider-presets',
    operationId: 'listProviderPresets',
    tag: 'providers',
    summary: 'The presets a provider can be configured from: where it is, how the key travels, whether one is needed.',
    status: 200,
    response: listOf(ProviderPresetInfo),
    errors: {},
  },
  {
    method: 'get',
    path: '/v1/prices',
    operationId: 'listPrices',
    tag: 'providers',
    summary: 'The price table (USD per million tokens) used to cost every model call.',
    status: 200,
    response: listOf(ModelPrice),
    errors: {},
  },
  {
    method: 'put',
    path: '/v1/prices',
    operationId: 'putPrices',
    tag: 'providers',
    summary: 'Set the price of each listed (provider, model); returns the whole table. Applies to calls made afterwards.',
    body: PutPricesRequest,
    status: 200,
    response: listOf(ModelPrice),
    errors: { 400: 'The body is invalid.', 413: 'The body is too large.' },
  },
  {
    method: 'get',
    path: '/v1/tools',
    operationId: 'listTools',
    tag: 'tools',
    summary: 'Every registered tool version (manifests are immutable per version; workers register what they can run).',
    status: 200,
    response: listOf(RegisteredTool),
    errors: {},
  },
  {
    method: 'post',
    path: '/v1/tools/openapi',
    operationId: 'registerOpenApiTools',
    tag: 'tools',
    summary: 'Store an OpenAPI 3 document and register one tool per operation (`api.<id>.<operationId>`, version 1.0.0, binding `openapi_proxy`).',
    description:
      'Each tool sends one request to the document\'s first server, only with the declared method, only if the workspace policy\'s ' +
      '`egress_allow` names that host, and never with credentials. GET and HEAD operations read (scope `read_web`); every other ' +
      'method is an external write (scope `write_web`, always reviewed, stopped by the kill switch). A document is immutable under ' +
      'its id: the same document again is a no-op (`created: false`), a different one under the same id is refused.',
    body: RegisterOpenApiToolsRequest,
    status: 200,
    response: RegisterOpenApiToolsResponse,
    errors: {
      400: 'The body is invalid, the document has no operation that can be proxied, or a listed operation cannot be (the message says why).',
      409: 'Another document is already registered under this id.',
      413: 'The body exceeds the size limit.',
    },
  },
  {
    method: 'get',
    path: '/v1/projects/{projectId}/tools',
    operationId: 'listProjectTools',
    tag: 'tools',
    summary: "What a new run in the project is pinned to: each tool at the project's pinned version, else the latest.",
    status: 200,
    response: listOf(PinnedTool),
    errors: { 400: 'projectId is not a UUID.', 404: 'No such project.' },
  },
  {
    method: 'put',
    path: '/v1/projects/{projectId}/tools/{toolId}',
    operationId: 'pinProjectTool',
    tag: 'tools',
    summary: 'Pin the project to one registered version of a tool (`version: null` follows the latest again).',
    pathParams: { toolId: { schema: z.string().regex(/^[a-z0-9][a-z0-9._-]{1,99}$/), description: 'A tool id, e.g. `python.compute`.' } },
    body: PinToolRequest,
    status: 200,
    response: listOf(PinnedTool),
    errors: { 400: 'An id or the body is invalid.', 404: 'No such project, or no such version of the tool.' },
  },
  {
    method: 'get',
    path: '/v1/policy',
    operationId: 'getPolicy',
    tag: 'tools',
    summary: 'The workspace policy: grants of scopes at workspace, project and user level, the kill switch for external writes, the approval timeout.',
    status: 200,
    response: Policy,
    errors: {},
  },
  {
    method: 'put',
    path: '/v1/policy',
    operationId: 'putPolicy',
    tag: 'tools',
    summary: 'Replace the workspace policy. Applies to tool calls vetted afterwards (and is checked again when a call executes).',
    body: Policy,
    status: 200,
    response: Policy,
    errors: { 400: 'The body is invalid.', 413: 'The body is too large.' },
  },
  {
    method: 'get',
    path: '/v1/approvals',
    operationId: 'listApprovals',
    tag: 'approvals',
    summary: 'Tool calls waiting for (or decided by) a reviewer, newest first; filter by status, project or run.',
    query: ApprovalsQuery,
    status: 200,
    response: listOf(Approval),
    errors: { 400: 'A filter is invalid.' },
  },
  {
    method: 'get',
    path: '/v1/approvals/{approvalId}',
    operationId: 'getApproval',
    tag: 'approvals',
    summary: 'One approval with the log of every decide call made for it (applied, no-op or refused).',
    pathParams: { approvalId: { schema: z.string().regex(/^[0-9a-f-]{36}\.\d{1,6}$/), description: 'An approval id: `<runId>.<n>`.' } },
    status: 200,
    response: Approval.extend({ decisions: z.array(z.strictObject({ decision: z.string(), outcome: z.string(), decided_by: z.string(), at: z.iso.datetime() })) }),
    errors: { 400: 'approvalId is malformed.', 404: 'No such approval.' },
  },
  {
    method: 'post',
    path: '/v1/approvals/{approvalId}/decide',
    operationId: 'decideApproval',
    tag: 'approvals',
    summary:
      "Approve or deny a waiting tool call. The first valid decision wins and is signalled to the run; a repeat is a recorded no-op; a decision naming other arguments than the call's is refused.",
    pathParams: { approvalId: { schema: z.string().regex(/^[0-9a-f-]{36}\.\d{1,6}$/), description: 'An approval id: `<runId>.<n>`.' } },
    body: DecideApprovalRequest,
    status: 200,
    response: DecideApprovalResponse,
    errors: {
      400: 'The id or the body is invalid.',
      404: 'No such approval.',
      409: "`arguments_hash` is not the call's (E_APPROVAL_MISMATCH), or the run has already ended.",
      503: 'Temporal is unavailable; nothing was decided.',
    },
  },
];
