import { z } from 'zod';
import { Sha256 } from './artifacts';
import {
  ApprovalIdParam,
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
  StreamClosed,
  ResumeRunRequest,
  StartRunRequest,
  StreamQuery,
  Thread,
  listOf,
} from './api';
import { ErrorCode } from './errors';
import {
  Graph,
  GraphDetail,
  GraphDiff,
  GraphDiffQuery,
  GraphIssue,
  GraphTemplate,
  GraphValidation,
  GraphVersion,
  GraphVersionSummary,
  RunNodes,
  SaveGraphRequest,
  StartGraphRunRequest,
  ValidateGraphRequest,
} from './graphs';
import {
  ApproveMcpToolRequest,
  BlockMcpToolRequest,
  CreateMcpServerRequest,
  McpCatalog,
  McpCatalogTool,
  McpOAuthCallbackQuery,
  McpOAuthStart,
  McpServer,
  McpServerDetail,
  McpToolDiff,
  TryMcpToolRequest,
  TryMcpToolResponse,
  UpdateMcpServerRequest,
} from './mcp';
import { McpServerId, RegisterMcpToolsRequest, RegisterMcpToolsResponse } from './mcp-tools';
import {
  BackfillRequest,
  CreatedOutgoingHook,
  CreatedTrigger,
  CreateOutgoingHookRequest,
  CreateTriggerRequest,
  HookAccepted,
  HookQuery,
  OutgoingDelivery,
  OutgoingHook,
  PauseTriggerRequest,
  RotateSecretRequest,
  SchedulePreview,
  SchedulePreviewRequest,
  Trigger,
  TriggerDetail,
  TriggerFired,
  RunsByTriggerQuery,
  TriggersQuery,
  UpdateTriggerRequest,
  WebhookDelivery,
} from './triggers';
import {
  CreateSearchBackendRequest,
  ProjectDocument,
  PutDocumentRequest,
  ResearchSummary,
  ResearchView,
  SearchBackend,
  SourceId,
  SourceText,
  StartResearchRequest,
} from './research';
import { CodecPayloads } from './temporal';
import {
  AcceptInviteRequest,
  ApiToken,
  AuditEvent,
  AuditQuery,
  type Capability,
  CreatedInvite,
  CreatedToken,
  CreateInviteRequest,
  CreateTokenRequest,
  Invite,
  InviteInfo,
  InviteToken,
  LoginRequest,
  ProjectMember,
  PutMemberRequest,
  SessionInfo,
  UpdateUserRequest,
  User,
} from './identity';
import { type FeatureFlags, Meta } from './meta';
import { ProviderPresetInfo } from './provider-presets';
import { AssistantMessageDelta, RunEvent } from './run-events';
import {
  Approval,
  ApprovalDetail,
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
export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** Statuses an error response can have: the values of `ERROR_HTTP_STATUS`. */
export type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 413 | 422 | 429 | 500 | 502 | 503 | 504;

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
  readonly tag:
    | 'health'
    | 'auth'
    | 'users'
    | 'projects'
    | 'threads'
    | 'runs'
    | 'graphs'
    | 'triggers'
    | 'research'
    | 'mcp'
    | 'artifacts'
    | 'providers'
    | 'tools'
    | 'approvals'
    | 'temporal'
    | 'public';
  /**
   * Who may call the route (D31): `public` needs no credentials (an explicit, reviewed exception); otherwise the
   * capability the caller's role must grant: in the route's project when it names one (by projectId, threadId,
   * runId, approvalId, graphId, triggerId or outgoingHookId), workspace-wide otherwise. Paths under `/v1/public/` take bearer tokens (the capability
   * must also be one of the token's scopes); every other path takes the session cookie, and its mutations the CSRF
   * header. A route the API serves without an entry here is refused.
   */
  readonly access: 'public' | Capability;
  /**
   * How a UI-lane mutation proves it comes from our own pages: `token` (the default), the CSRF header; `origin`, an
   * `Origin` header naming the API itself, required (for the Temporal UI's codec calls, which cannot send our token
   * and change nothing).
   */
  readonly csrf?: 'token' | 'origin';
  /** The feature flag that must be on for the route to answer (else `E_CAPABILITY_DISABLED`). */
  readonly feature?: keyof FeatureFlags;
  /** Path parameters that are not UUIDs (every other `{name}` is one). */
  readonly pathParams?: Readonly<Record<string, { schema: z.ZodType; description: string }>>;
  readonly summary: string;
  readonly description?: string;
  /** JSON request body (documented as its input type: defaults make fields optional). */
  readonly body?: z.ZodType;
  /** Largest body the route accepts, in bytes, when it needs more than the server-wide `OMNI_BODY_LIMIT_BYTES`. */
  readonly bodyLimit?: number;
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

/** A page of a run's events, in seq order. */
export const RunEventsPage = z.strictObject({
  items: z.array(RunEvent),
  /** Where the next page starts (inclusive); equals the requested `from_seq` when the page is empty. */
  next_from_seq: z.number().int().min(1),
  has_more: z.boolean(),
});
export type RunEventsPage = z.infer<typeof RunEventsPage>;

const RunStreamEnd = z.strictObject({ run_id: z.uuid(), last_seq: z.number().int().nonnegative() });

const StreamErrorFrame = z.strictObject({ code: ErrorCode, message: z.string() });
const STREAM_CLOSED =
  'The server ended the stream early: access re-checked every few seconds and on identity changes is gone (do not ' +
  'reconnect), the client read too slowly, or the server is stopping (reconnect and resume). At most a few streams ' +
  'per user are open at once; one more answers 429.';

/** The `approvalId` path parameter: `<runId>.<n>`. */
const APPROVAL_ID_PARAM = {
  approvalId: { schema: ApprovalIdParam, description: 'An approval id: `<runId>.<n>` (a tool call), `<runId>.<nodeId>.<attempt>` (an approval node).' },
};
const EVENTS_QUERY_NOTES = { from_seq: 'First seq to return (inclusive).', limit: 'Page size.' };
const DECIDE_CONFLICT = "`arguments_hash` is not the call's (E_APPROVAL_MISMATCH), or the run has already ended.";
const DECIDE_UNAVAILABLE = 'Temporal is unavailable; nothing was decided.';

/** What deciding an approval takes and answers, in either lane; `notFound` says what a 404 means there. */
const decideExchange = (notFound: string) =>
  ({
    pathParams: APPROVAL_ID_PARAM,
    body: DecideApprovalRequest,
    status: 200,
    response: DecideApprovalResponse,
    errors: {
      400: 'The id or the body is invalid.',
      404: notFound,
      409: DECIDE_CONFLICT,
      422: "An approval node's `form` does not match the node's `form_schema` (E_GRAPH_INPUT_INVALID, `detail` lists the fields).",
      503: DECIDE_UNAVAILABLE,
    },
  }) as const;

/** What saving a graph answers: the saved graph and version, plus the validation's warnings (errors refuse a save). */
export const SavedGraph = GraphDetail.extend({ warnings: z.array(GraphIssue) });
export type SavedGraph = z.infer<typeof SavedGraph>;

/** What saving a version answers: the version, plus the validation's warnings. */
export const SavedGraphVersion = GraphVersion.extend({ warnings: z.array(GraphIssue) });
export type SavedGraphVersion = z.infer<typeof SavedGraphVersion>;

/** The `version` path parameter of a graph version: a positive integer. */
export const GraphVersionParam = z.coerce.number().int().positive();
const GRAPH_VERSION_PARAM = { version: { schema: GraphVersionParam, description: 'A version number (1, 2, …).' } };

/**
 * Body limit of the routes that take a graph spec: above the spec's own limit (`GRAPH_LIMITS.maxSpecBytes`, 1 MB of
 * canonical JSON), so that an oversized spec is answered with the limit it broke, not a bare 413 from the parser.
 */
export const GRAPH_BODY_LIMIT_BYTES = 4 * 1024 * 1024;

const GRAPH_SPEC_ERRORS = {
  400: 'The body is invalid, or the spec has errors (E_GRAPH_INVALID: `detail.issues` lists them, each pinned on its node).',
  413: 'The spec is over a limit (E_PAYLOAD_TOO_LARGE: `detail.limit` names it: `maxSpecBytes` or `maxNodes`), or the body is over 4 MB.',
} as const;
const GRAPH_RUN_ERRORS = {
  400: 'The body is not a valid StartGraphRunRequest.',
  404: 'No such graph (or version).',
  409: 'The graph was deleted.',
  422: "The input does not match the version's `input_schema` (E_GRAPH_INPUT_INVALID: `detail` lists the failing fields), or its validation ran too long (E_VALIDATION_TIMEOUT).",
  503: 'Temporal is unavailable; nothing was started.',
} as const;
const START_GRAPH_RUN_SUMMARY =
  "Start a run of a graph version (default: the latest) with an input: 202 and the queued run; follow it with the run's `/events`, `/stream` and `/nodes`.";

/**
 * Every HTTP route the API serves, in documentation order: the single description from which
 * `docs/openapi.json` is generated (see `buildOpenApiDocument`). The NestJS controllers implement these routes;
 * a route added there must be added here, and `npm run openapi` re-run.
 */
const TRIGGER_404 = 'No such trigger.';
const TRIGGER_ID_400 = 'triggerId is not a UUID.';
const TRIGGER_TEMPORAL_503 = 'Temporal is unavailable; nothing changed.';

const START_RESEARCH_SUMMARY =
  'Start a research run: plan sub-questions, search the chosen sources, read each source once, extract claims with verbatim quotes, ' +
  'write a cited report and verify every citation against its source (docs/RESEARCH.md). Answers the run at once (202); follow it ' +
  'on the run stream or `GET /v1/runs/{runId}/research`.';
const START_RESEARCH_ERRORS = {
  400: 'The body is invalid: a question over 2,000 characters, an unknown search backend or MCP tool, a provider of another project.',
  404: 'No such project.',
  413: 'The body is too large.',
  503: 'Temporal is unavailable; no run was started.',
} as const;
const SOURCE_ID_PARAM = { sourceId: { schema: SourceId, description: 'A source id: 16 hex digits (sha256 of its URL or document path).' } };

const MCP_SERVER_PARAM = { serverId: { schema: McpServerId, description: 'A server id: 1 to 40 lower-case letters, digits, "_" or "-".' } };
const MCP_TOOL_PARAMS = {
  ...MCP_SERVER_PARAM,
  toolName: { schema: z.string().min(1).max(200), description: "The tool's name as the server lists it (URL-encoded)." },
};
const MCP_404 = 'No such server (or tool).';

/** Routes of the MCP hub (docs/MCP.md): servers, their catalogs, drift review and trying a tool. */
export const MCP_ROUTES: readonly ApiRoute[] = [
  {
    method: 'get',
    path: '/v1/mcp/servers',
    operationId: 'listMcpServers',
    access: 'read',
    feature: 'mcp',
    tag: 'mcp',
    summary: 'Every MCP server: transport, health, authentication state and drift badges.',
    status: 200,
    response: listOf(McpServer),
    errors: {},
  },
  {
    method: 'post',
    path: '/v1/mcp/servers',
    operationId: 'createMcpServer',
    access: 'admin',
    feature: 'mcp',
    tag: 'mcp',
    summary:
      'Add an MCP server (Streamable HTTP, or stdio in a sandboxed container): OmniAI connects, lists its catalog and approves the tool definitions it listed.',
    description:
      "An HTTP server is reached only if the workspace policy's `egress_allow` names its host (a loopback or private host only through an " +
      'entry that allows it explicitly). A stdio server runs in a locked-down container whose only way out is the egress proxy, to its ' +
      '`egress_hosts` that the workspace also allows. Header values and OAuth tokens are sealed and never returned.',
    body: CreateMcpServerRequest,
    status: 201,
    response: McpServerDetail,
    errors: {
      400: 'The body is invalid, or the server offers no tool that can be registered.',
      403: "The server's host is not allowed by the workspace's `egress_allow`.",
      409: 'A server with this id exists.',
      502: 'The server could not be started or reached, or did not answer as an MCP server.',
      504: 'The server did not answer in time.',
    },
  },
  {
    method: 'get',
    path: '/v1/mcp/servers/{serverId}',
    operationId: 'getMcpServer',
    access: 'read',
    feature: 'mcp',
    tag: 'mcp',
    pathParams: MCP_SERVER_PARAM,
    summary: 'One MCP server.',
    status: 200,
    response: McpServer,
    errors: { 404: MCP_404 },
  },
  {
    method: 'patch',
    path: '/v1/mcp/servers/{serverId}',
    operationId: 'updateMcpServer',
    access: 'admin',
    feature: 'mcp',
    tag: 'mcp',
    pathParams: MCP_SERVER_PARAM,
    summary: 'Rename, enable or disable a server, or replace its authentication or transport (the next check re-lists it and flags drift).',
    body: UpdateMcpServerRequest,
    status: 200,
    response: McpServer,
    errors: { 400: 'The body is invalid.', 404: MCP_404 },
  },
  {
    method: 'delete',
    path: '/v1/mcp/servers/{serverId}',
    operationId: 'deleteMcpServer',
    access: 'admin',
    feature: 'mcp',
    tag: 'mcp',
    pathParams: MCP_SERVER_PARAM,
    summary: 'Remove a server, its sealed secrets and its periodic check; its tools can no longer be called (runs keep their records).',
    status: 204,
    empty: true,
    errors: { 404: MCP_404 },
  },
  {
    method: 'post',
    path: '/v1/mcp/servers/{serverId}/check',
    operationId: 'checkMcpServer',
    access: 'operate',
    feature: 'mcp',
    tag: 'mcp',
    pathParams: MCP_SERVER_PARAM,
    summary: 'Check the server now: connect, record latency, protocol version, server info and auth state, re-list its catalog and flag drift.',
    status: 200,
    response: McpServerDetail,
    errors: { 404: MCP_404, 503: 'Temporal is unavailable; nothing was checked.' },
  },
  {
    method: 'post',
    path: '/v1/mcp/servers/{serverId}/oauth/authorize',
    operationId: 'authorizeMcpServer',
    access: 'admin',
    feature: 'mcp',
    tag: 'mcp',
    pathParams: MCP_SERVER_PARAM,
    summary: 'Start OAuth 2.1 (PKCE) for a server whose auth is `oauth`: answers the authorization URL to open (null when the stored token still works).',
    description:
      "Discovery follows the MCP authorization spec (protected resource metadata, then the authorization server's metadata); without a " +
      'configured client, OmniAI registers itself dynamically. Only https servers (loopback excepted); the authorization server must be on ' +
      'the egress allowlist. Tokens are sealed and refreshed by the worker; they are never returned.',
    status: 200,
    response: McpOAuthStart,
    errors: {
      400: "The server's auth is not `oauth`, or it is not an https server.",
      403: 'A host of the flow is not allowed by `egress_allow`.',
      404: MCP_404,
      502: 'Discovery or registration with the authorization server failed (the message says which step).',
    },
  },
  {
    method: 'get',
    path: '/v1/mcp/servers/{serverId}/oauth/callback',
    operationId: 'mcpOAuthCallback',
    access: 'admin',
    feature: 'mcp',
    tag: 'mcp',
    pathParams: MCP_SERVER_PARAM,
    summary: "The authorization server's redirect back to OmniAI: checks `state`, exchanges the code with the PKCE verifier, seals the tokens.",
    query: McpOAuthCallbackQuery,
    status: 200,
    raw: { mediaTypes: ['text/html'], description: 'A short page saying whether OmniAI is now authorized, linking back to the server in the console.' },
    errors: { 400: 'No authorization in progress, a `state` that does not match, or the authorization server reported an error.', 404: MCP_404 },
  },
  {
    method: 'get',
    path: '/v1/mcp/servers/{serverId}/catalog',
    operationId: 'getMcpCatalog',
    access: 'read',
    feature: 'mcp',
    tag: 'mcp',
    pathParams: MCP_SERVER_PARAM,
    summary:
      'The catalog as last listed: tools with schemas, annotations, definition hashes, review state and poisoning flags; resources and prompts (read-only).',
    status: 200,
    response: McpCatalog,
    errors: { 404: MCP_404 },
  },
  {
    method: 'get',
    path: '/v1/mcp/servers/{serverId}/tools/{toolName}/diff',
    operationId: 'getMcpToolDiff',
    access: 'read',
    feature: 'mcp',
    tag: 'mcp',
    pathParams: MCP_TOOL_PARAMS,
    summary: "A tool's approved and live definitions side by side (drift review).",
    status: 200,
    response: McpToolDiff,
    errors: { 404: MCP_404 },
  },
  {
    method: 'post',
    path: '/v1/mcp/servers/{serverId}/tools/{toolName}/approve',
    operationId: 'approveMcpTool',
    access: 'admin',
    feature: 'mcp',
    tag: 'mcp',
    pathParams: MCP_TOOL_PARAMS,
    summary:
      "Approve the tool's live definition (by its hash): registers it as a new tool version and moves project pins of the old one to it; approvals remembered for the old definition lapse.",
    body: ApproveMcpToolRequest,
    status: 200,
    response: McpCatalogTool,
    errors: {
      400: 'The body is invalid, or the tool cannot be offered to runs.',
      404: MCP_404,
      409: 'The live definition is not the one reviewed (it changed again): review the new diff.',
    },
  },
  {
    method: 'post',
    path: '/v1/mcp/servers/{serverId}/tools/{toolName}/block',
    operationId: 'blockMcpTool',
    access: 'admin',
    feature: 'mcp',
    tag: 'mcp',
    pathParams: MCP_TOOL_PARAMS,
    summary: 'Block a tool (its calls are refused) or unblock it.',
    body: BlockMcpToolRequest,
    status: 200,
    response: McpCatalogTool,
    errors: { 400: 'The body is invalid.', 404: MCP_404 },
  },
  {
    method: 'post',
    path: '/v1/mcp/servers/{serverId}/tools/{toolName}/try',
    operationId: 'tryMcpTool',
    access: 'operate',
    feature: 'mcp',
    tag: 'mcp',
    pathParams: MCP_TOOL_PARAMS,
    summary: 'Call the tool once as a one-step run in a project, through policy, approval, egress and the sandbox; follow the run for its `tool_result`.',
    body: TryMcpToolRequest,
    status: 202,
    response: TryMcpToolResponse,
    errors: {
      400: "The body is invalid, or the input does not match the tool's input schema.",
      404: 'No such server, tool or project.',
      409: 'The tool has drifted or is blocked (`E_TOOL_DRIFTED`): review it first.',
      503: 'Temporal is unavailable; no run was started.',
    },
  },
];

/** Routes of research runs and web search backends (docs/RESEARCH.md). */
export const RESEARCH_ROUTES: readonly ApiRoute[] = [
  {
    method: 'post',
    path: '/v1/projects/{projectId}/research',
    operationId: 'startResearch',
    access: 'operate',
    feature: 'research',
    tag: 'research',
    summary: START_RESEARCH_SUMMARY,
    body: StartResearchRequest,
    status: 202,
    response: Run,
    errors: START_RESEARCH_ERRORS,
  },
  {
    method: 'get',
    path: '/v1/projects/{projectId}/research',
    operationId: 'listResearch',
    access: 'read',
    feature: 'research',
    tag: 'research',
    summary: "A project's research runs, newest first, each with its question.",
    status: 200,
    response: listOf(ResearchSummary),
    errors: { 400: 'projectId is not a UUID.', 404: 'No such project.' },
  },
  {
    method: 'get',
    path: '/v1/runs/{runId}/research',
    operationId: 'getResearch',
    access: 'read',
    feature: 'research',
    tag: 'research',
    summary:
      'A research run: its plan, sources, claims with their evidence spans and checks, the report with its bibliography and metrics, and the research graph.',
    status: 200,
    response: ResearchView,
    errors: { 400: 'runId is not a UUID.', 404: 'No such run, or not a research run.' },
  },
  {
    method: 'get',
    path: '/v1/runs/{runId}/research/sources/{sourceId}',
    operationId: 'getResearchSource',
    access: 'read',
    feature: 'research',
    tag: 'research',
    pathParams: SOURCE_ID_PARAM,
    summary: 'One source of a research run with the text of its snapshot, exactly as the run read it (quote offsets index into it).',
    status: 200,
    response: SourceText,
    errors: { 400: 'runId or sourceId is invalid.', 404: 'No such run, or no such source read by it.' },
  },
  {
    method: 'get',
    path: '/v1/projects/{projectId}/documents',
    operationId: 'listDocuments',
    access: 'read',
    tag: 'research',
    summary: "The project's documents at their current versions: what `documents.search` and research runs search.",
    status: 200,
    response: listOf(ProjectDocument),
    errors: { 400: 'projectId is not a UUID.', 404: 'No such project.' },
  },
  {
    method: 'post',
    path: '/v1/projects/{projectId}/documents',
    operationId: 'putDocument',
    access: 'operate',
    tag: 'research',
    summary: 'Add a Markdown or plain-text document to the project (a new version when the path exists); it is searchable at once.',
    body: PutDocumentRequest,
    bodyLimit: 1_100_000,
    status: 201,
    response: ProjectDocument,
    errors: { 400: 'The body is invalid (path, text or media type).', 404: 'No such project.', 413: 'The body is too large.' },
  },
  {
    method: 'post',
    path: '/v1/projects/{projectId}/documents/sample-corpus',
    operationId: 'loadSampleCorpus',
    access: 'operate',
    tag: 'research',
    summary:
      'Add the research sample corpus OmniAI ships (short texts about how OmniAI works, under `research-corpus/`) to the project, to try research offline.',
    status: 201,
    response: listOf(ProjectDocument),
    errors: { 400: 'projectId is not a UUID.', 404: 'No such project.' },
  },
  {
    method: 'get',
    path: '/v1/research/backends',
    operationId: 'listSearchBackends',
    access: 'read',
    feature: 'research',
    tag: 'research',
    summary: 'Web search backends research runs may use (without their keys).',
    status: 200,
    response: listOf(SearchBackend),
    errors: {},
  },
  {
    method: 'post',
    path: '/v1/research/backends',
    operationId: 'createSearchBackend',
    access: 'admin',
    feature: 'research',
    tag: 'research',
    summary:
      'Configure a web search backend (SearXNG, Brave Search or Tavily); its key is sealed and never returned. Its host must be on the egress allowlist for runs to reach it.',
    body: CreateSearchBackendRequest,
    status: 201,
    response: SearchBackend,
    errors: { 400: 'The body is invalid, or the backend needs a key (Brave, Tavily) or a URL (SearXNG).', 413: 'The body is too large.' },
  },
  {
    method: 'delete',
    path: '/v1/research/backends/{backendId}',
    operationId: 'deleteSearchBackend',
    access: 'admin',
    feature: 'research',
    tag: 'research',
    summary: 'Remove a web search backend and its sealed key; runs that used it keep their sources.',
    empty: true,
    status: 204,
    errors: { 400: 'backendId is not a UUID.', 404: 'No such backend.' },
  },
  {
    method: 'post',
    path: '/v1/public/projects/{projectId}/research',
    operationId: 'publicStartResearch',
    access: 'operate',
    feature: 'research',
    tag: 'public',
    summary: `${START_RESEARCH_SUMMARY} As the token's user (token scope \`operate\`).`,
    body: StartResearchRequest,
    status: 202,
    response: Run,
    errors: { ...START_RESEARCH_ERRORS, 401: 'No valid bearer token.', 403: 'The token lacks the `operate` scope, or its user the role.' },
  },
  {
    method: 'get',
    path: '/v1/public/runs/{runId}/research',
    operationId: 'publicGetResearch',
    access: 'read',
    feature: 'research',
    tag: 'public',
    summary: 'A research run: plan, sources, claims with spans, report and research graph (token scope `read`).',
    status: 200,
    response: ResearchView,
    errors: { 401: 'No valid bearer token.', 404: 'No such run, or not a research run (or not visible to the token).' },
  },
];

/** Routes of triggers: schedules and signed webhooks that start graphs and chat turns (docs/TRIGGERS.md). */
export const TRIGGER_ROUTES: readonly ApiRoute[] = [
  {
    method: 'get',
    path: '/v1/projects/{projectId}/triggers',
    operationId: 'listTriggers',
    access: 'read',
    tag: 'triggers',
    summary: "List a project's schedules and webhooks, newest first; narrow to one graph, thread or kind.",
    query: TriggersQuery,
    status: 200,
    response: listOf(Trigger),
    errors: { 400: 'projectId or a filter is invalid.', 404: 'No such project.' },
  },
  {
    method: 'post',
    path: '/v1/projects/{projectId}/triggers',
    operationId: 'createTrigger',
    access: 'operate',
    tag: 'triggers',
    summary: 'Create a schedule (a Temporal Schedule) or a webhook that starts a graph or a chat turn. A webhook answers its signing secret this once.',
    body: CreateTriggerRequest,
    status: 201,
    response: CreatedTrigger,
    errors: {
      400: 'The body is invalid: an unknown time zone, a cron expression Temporal refuses, a graph or thread of another project, an invalid payload schema.',
      404: 'No such project.',
      413: 'The body is too large.',
      503: TRIGGER_TEMPORAL_503,
    },
  },
  {
    method: 'post',
    path: '/v1/projects/{projectId}/triggers/preview',
    operationId: 'previewSchedule',
    access: 'read',
    tag: 'triggers',
    summary: 'What a schedule spec means before it is saved: a description of each cron expression and the next fire times.',
    body: SchedulePreviewRequest,
    status: 200,
    response: SchedulePreview,
    errors: { 400: 'The spec is invalid (a cron expression or time zone Temporal refuses).', 404: 'No such project.', 503: 'Temporal is unavailable.' },
  },
  {
    method: 'get',
    path: '/v1/triggers/{triggerId}',
    operationId: 'getTrigger',
    access: 'read',
    tag: 'triggers',
    summary: "A trigger, with a schedule's live state from Temporal (next fire times, recent actions and their runs).",
    status: 200,
    response: TriggerDetail,
    errors: { 400: TRIGGER_ID_400, 404: TRIGGER_404 },
  },
  {
    method: 'put',
    path: '/v1/triggers/{triggerId}',
    operationId: 'updateTrigger',
    access: 'operate',
    tag: 'triggers',
    summary: "Change a trigger's name, target, schedule, policies or webhook settings (absent fields stay).",
    body: UpdateTriggerRequest,
    status: 200,
    response: Trigger,
    errors: { 400: 'The body is invalid, or names settings of the other kind.', 404: TRIGGER_404, 503: TRIGGER_TEMPORAL_503 },
  },
  {
    method: 'delete',
    path: '/v1/triggers/{triggerId}',
    operationId: 'deleteTrigger',
    access: 'operate',
    tag: 'triggers',
    summary: 'Delete a trigger (a schedule is removed from Temporal); the runs it started stay.',
    empty: true,
    status: 204,
    errors: { 400: TRIGGER_ID_400, 404: TRIGGER_404, 503: TRIGGER_TEMPORAL_503 },
  },
  {
    method: 'post',
    path: '/v1/triggers/{triggerId}/pause',
    operationId: 'pauseTrigger',
    access: 'operate',
    tag: 'triggers',
    summary: 'Pause a schedule or webhook, with a note (a paused webhook answers 409 and starts nothing).',
    body: PauseTriggerRequest,
    status: 200,
    response: Trigger,
    errors: { 400: 'The body is invalid.', 404: TRIGGER_404, 503: TRIGGER_TEMPORAL_503 },
  },
  {
    method: 'post',
    path: '/v1/triggers/{triggerId}/unpause',
    operationId: 'unpauseTrigger',
    access: 'operate',
    tag: 'triggers',
    summary: 'Resume a paused schedule or webhook, with a note.',
    body: PauseTriggerRequest,
    status: 200,
    response: Trigger,
    errors: { 400: 'The body is invalid.', 404: TRIGGER_404, 503: TRIGGER_TEMPORAL_503 },
  },
  {
    method: 'post',
    path: '/v1/triggers/{triggerId}/fire',
    operationId: 'fireTrigger',
    access: 'operate',
    tag: 'triggers',
    summary: 'Trigger a schedule now (its overlap policy applies); the run appears in its recent actions and runs.',
    status: 202,
    response: TriggerFired,
    errors: { 400: TRIGGER_ID_400, 404: TRIGGER_404, 409: 'The trigger is a webhook (send it a delivery instead).', 503: TRIGGER_TEMPORAL_503 },
  },
  {
    method: 'post',
    path: '/v1/triggers/{triggerId}/backfill',
    operationId: 'backfillTrigger',
    access: 'operate',
    tag: 'triggers',
    summary: 'Fire a schedule for every time its spec matches in a past range (with its own overlap policy, default allow all).',
    body: BackfillRequest,
    status: 202,
    response: TriggerFired,
    errors: { 400: 'The body is invalid.', 404: TRIGGER_404, 409: 'The trigger is a webhook.', 503: TRIGGER_TEMPORAL_503 },
  },
  {
    method: 'post',
    path: '/v1/triggers/{triggerId}/rotate-secret',
    operationId: 'rotateTriggerSecret',
    access: 'operate',
    tag: 'triggers',
    summary: 'A new signing secret for a webhook, answered this once; the previous one stays valid for `overlap_seconds`.',
    body: RotateSecretRequest,
    status: 200,
    response: CreatedTrigger,
    errors: { 400: 'The body is invalid.', 404: TRIGGER_404, 409: 'The trigger is a schedule (it has no secret).' },
  },
  {
    method: 'get',
    path: '/v1/triggers/{triggerId}/deliveries',
    operationId: 'listWebhookDeliveries',
    access: 'read',
    tag: 'triggers',
    summary: "A webhook's delivery log, newest first (at most 200): accepted, duplicate or rejected with the reason and the run.",
    status: 200,
    response: listOf(WebhookDelivery),
    errors: { 400: TRIGGER_ID_400, 404: TRIGGER_404 },
  },
  {
    method: 'get',
    path: '/v1/triggers/{triggerId}/runs',
    operationId: 'listTriggerRuns',
    access: 'read',
    tag: 'triggers',
    summary: 'The runs a trigger started, newest first.',
    status: 200,
    response: listOf(Run),
    errors: { 400: TRIGGER_ID_400, 404: TRIGGER_404 },
  },
  {
    method: 'post',
    path: '/v1/hooks/{hookId}',
    operationId: 'deliverWebhook',
    access: 'public',
    tag: 'triggers',
    summary:
      'Deliver a webhook: signed per the Standard Webhooks spec (HMAC-SHA256 over `webhook-id.webhook-timestamp.body`, 5-minute tolerance). ' +
      'Answers 202 with the run once its workflow started; the same `webhook-id` again answers the same run and starts nothing. ' +
      "With `wait=true`, answers 200 with the run's status and output when it ends within `timeout_ms` (else 202).",
    description: 'Public by design (D52): the signature is the credential. Nothing of a rejected body is stored beyond its size and hash.',
    query: HookQuery,
    queryNotes: { wait: 'Wait for the run to end and answer its output.', timeout_ms: 'How long to wait (100–60,000 ms) before answering 202.' },
    headers: [
      { name: 'webhook-id', description: "The message's unique id (the sender's; redeliveries repeat it).", schema: z.string() },
      { name: 'webhook-timestamp', description: 'Unix seconds when the message was signed.', schema: z.string() },
      { name: 'webhook-signature', description: 'Space-separated `v1,<base64 HMAC-SHA256>` signatures.', schema: z.string() },
    ],
    body: z.unknown(),
    bodyLimit: 1_048_576,
    status: 202,
    response: HookAccepted,
    errors: {
      400: 'The body is not JSON, or a webhook header is missing.',
      401: 'The signature does not verify, or the timestamp is more than 5 minutes away.',
      404: 'No such webhook.',
      409: 'The webhook is paused.',
      413: "The body exceeds the webhook's size limit.",
      422: "The payload does not match the webhook's schema (or the graph's input schema); detail names the fields.",
      429: "Over the webhook's rate limit; Retry-After says when to try again.",
      503: 'Temporal is unavailable; nothing was started (redeliver).',
    },
  },
  {
    method: 'get',
    path: '/v1/public/projects/{projectId}/triggers',
    operationId: 'publicListTriggers',
    access: 'read',
    tag: 'public',
    summary: "List a project's schedules and webhooks (token scope `read`).",
    query: TriggersQuery,
    status: 200,
    response: listOf(Trigger),
    errors: { 401: 'No valid bearer token.', 404: 'No such project (or not visible to the token).' },
  },
  {
    method: 'post',
    path: '/v1/public/triggers/{triggerId}/fire',
    operationId: 'publicFireTrigger',
    access: 'operate',
    tag: 'public',
    summary: 'Trigger a schedule now (token scope `operate`).',
    status: 202,
    response: TriggerFired,
    errors: {
      401: 'No valid bearer token.',
      403: 'The token lacks the `operate` scope, or its user the role.',
      404: 'No such trigger (or not visible to the token).',
      409: 'The trigger is a webhook.',
      503: TRIGGER_TEMPORAL_503,
    },
  },
];

/**
 * Routes of outgoing run notifications (issue 15), part of {@link API_ROUTES}; exported on their own too (the audit
 * interceptor audits their changes).
 */
export const OUTGOING_HOOK_ROUTES: readonly ApiRoute[] = [
  {
    method: 'get',
    path: '/v1/projects/{projectId}/outgoing-hooks',
    operationId: 'listOutgoingHooks',
    access: 'read',
    tag: 'triggers',
    summary: "A project's outgoing run notifications (URLs told when a run of a graph or thread ends).",
    status: 200,
    response: listOf(OutgoingHook),
    errors: { 400: 'projectId is not a UUID.', 404: 'No such project.' },
  },
  {
    method: 'post',
    path: '/v1/projects/{projectId}/outgoing-hooks',
    operationId: 'createOutgoingHook',
    access: 'operate',
    tag: 'triggers',
    summary:
      'Notify a URL when a run of a graph or thread ends: a signed (Standard Webhooks) POST through the egress policy, retried with backoff. Answers the secret this once.',
    body: CreateOutgoingHookRequest,
    status: 201,
    response: CreatedOutgoingHook,
    errors: {
      400: "The body is invalid, the graph or thread is another project's, or the egress policy refuses the host (field `url`).",
      404: 'No such project, graph or thread.',
    },
  },
  {
    method: 'delete',
    path: '/v1/outgoing-hooks/{outgoingHookId}',
    operationId: 'deleteOutgoingHook',
    access: 'operate',
    tag: 'triggers',
    summary: 'Stop notifying a URL (deliveries in flight finish).',
    empty: true,
    status: 204,
    errors: { 400: 'outgoingHookId is not a UUID.', 404: 'No such outgoing hook.' },
  },
  {
    method: 'get',
    path: '/v1/outgoing-hooks/{outgoingHookId}/deliveries',
    operationId: 'listOutgoingDeliveries',
    access: 'read',
    tag: 'triggers',
    summary: "An outgoing hook's notifications, newest first (at most 200), with attempts and the last answer.",
    status: 200,
    response: listOf(OutgoingDelivery),
    errors: { 400: 'outgoingHookId is not a UUID.', 404: 'No such outgoing hook.' },
  },
];

export const API_ROUTES: readonly ApiRoute[] = [
  {
    method: 'get',
    path: '/healthz',
    operationId: 'getHealth',
    access: 'public',
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
    access: 'public',
    tag: 'health',
    summary: 'What this deployment is, its feature flags and the health of its components.',
    description:
      'Public, limited per address. Versions, the instance id, links and component details only for a signed-in caller ' +
      '(session cookie or bearer token); probe results are shared for a few seconds.',
    status: 200,
    response: Meta,
    errors: { 429: 'Too many requests from this address (E_RATE_LIMITED, with Retry-After).' },
  },
  {
    method: 'post',
    path: '/v1/projects',
    operationId: 'createProject',
    access: 'operate',
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
    access: 'read',
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
    access: 'read',
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
    access: 'operate',
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
    access: 'read',
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
    access: 'read',
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
    access: 'read',
    tag: 'projects',
    summary: "Stream status changes of a project's runs (SSE).",
    description: 'Starts with the current status of the latest runs, then pushes every change. Comment lines are heartbeats.',
    status: 200,
    sse: true,
    events: [
      { event: 'run_status', description: 'A run of the project changed status.', data: RunStatusChange },
      { event: 'closed', description: STREAM_CLOSED, data: StreamClosed },
    ],
    errors: { 400: 'projectId is not a UUID.', 404: 'No such project.' },
  },
  {
    method: 'post',
    path: '/v1/threads/{threadId}/runs',
    operationId: 'startRun',
    access: 'operate',
    feature: 'runs',
    tag: 'runs',
    summary: 'Start a run: one chat turn whose input is the user message.',
    body: StartRunRequest,
    status: 201,
    response: Run,
    errors: {
      400: "threadId is not a UUID, the body is not a valid StartRunRequest, or `pins.provider` is another project's provider.",
      404: 'No such thread.',
      413: 'The body exceeds the size limit.',
      503: 'Temporal is unavailable; nothing was started.',
    },
  },
  {
    method: 'get',
    path: '/v1/threads/{threadId}/runs',
    operationId: 'listThreadRuns',
    access: 'read',
    tag: 'runs',
    summary: "List a thread's runs; narrow to the runs one trigger started with `trigger_id`.",
    query: RunsByTriggerQuery,
    status: 200,
    response: listOf(Run),
    errors: { 400: 'threadId is not a UUID.', 404: 'No such thread.' },
  },
  {
    method: 'get',
    path: '/v1/runs/{runId}',
    operationId: 'getRun',
    access: 'read',
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
    access: 'read',
    tag: 'runs',
    summary: "Page through a run's persisted events in seq order.",
    query: EventsQuery,
    queryNotes: EVENTS_QUERY_NOTES,
    status: 200,
    response: RunEventsPage,
    errors: { 400: 'runId is not a UUID, or the query is invalid.', 404: 'No such run.' },
  },
  {
    method: 'get',
    path: '/v1/runs/{runId}/stream',
    operationId: 'streamRun',
    access: 'read',
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
      { event: 'closed', description: STREAM_CLOSED, data: StreamClosed },
    ],
    errors: { 400: 'runId, from_seq or Last-Event-ID is invalid.', 404: 'No such run.' },
  },
  {
    method: 'post',
    path: '/v1/runs/{runId}/cancel',
    operationId: 'cancelRun',
    access: 'operate',
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
    access: 'operate',
    feature: 'runs',
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
    access: 'operate',
    feature: 'runs',
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
    path: '/v1/runs/{runId}/artifacts/{sha256}',
    operationId: 'getArtifact',
    access: 'read',
    tag: 'artifacts',
    summary: 'An artifact of a run, by content hash (claim-checked message text, tool results).',
    description: "Served only when one of the run's events references the hash: access follows the run's project.",
    pathParams: { sha256: { schema: Sha256, description: 'The lower-case hex sha256 of the content.' } },
    status: 200,
    raw: {
      mediaTypes: ['text/plain', 'application/json', 'application/octet-stream'],
      description: 'Plain text and JSON are served inline with their media type; anything else as an octet-stream attachment.',
    },
    errors: { 400: 'runId is not a UUID, or sha256 is not a lower-case hex sha256.', 404: 'No such run, or the run references no such artifact.' },
  },
  {
    method: 'get',
    path: '/v1/projects/{projectId}/graphs',
    operationId: 'listGraphs',
    access: 'read',
    tag: 'graphs',
    summary: "List a project's workflow graphs, most recently changed first, each with its latest run.",
    status: 200,
    response: listOf(Graph),
    errors: { 400: 'projectId is not a UUID.', 404: 'No such project.' },
  },
  {
    method: 'post',
    path: '/v1/projects/{projectId}/graphs',
    operationId: 'createGraph',
    access: 'operate',
    feature: 'workflows',
    tag: 'graphs',
    summary: 'Create a graph at version 1 from a spec (`omni.graph/v1`). Errors refuse the save; warnings are answered in `warnings`.',
    body: SaveGraphRequest,
    bodyLimit: GRAPH_BODY_LIMIT_BYTES,
    status: 201,
    response: SavedGraph,
    errors: { ...GRAPH_SPEC_ERRORS, 404: 'No such project.' },
  },
  {
    method: 'post',
    path: '/v1/projects/{projectId}/graphs/validate',
    operationId: 'validateGraph',
    access: 'operate',
    feature: 'workflows',
    tag: 'graphs',
    summary: "Validate a spec against the project's tools, policy and graphs without saving it: every issue, errors and warnings.",
    description:
      'A spec with errors is still answered 200 (`valid: false`); only a body that is not a ValidateGraphRequest, or a spec over a limit, is refused.',
    body: ValidateGraphRequest,
    bodyLimit: GRAPH_BODY_LIMIT_BYTES,
    status: 200,
    response: GraphValidation,
    errors: { 400: 'The body is not a ValidateGraphRequest.', 404: 'No such project.', 413: GRAPH_SPEC_ERRORS[413] },
  },
  {
    method: 'get',
    path: '/v1/projects/{projectId}/graph-templates',
    operationId: 'listGraphTemplates',
    access: 'read',
    tag: 'graphs',
    summary: 'Graph templates for "New from template" (each runs offline, with a sample input).',
    status: 200,
    response: listOf(GraphTemplate),
    errors: { 400: 'projectId is not a UUID.', 404: 'No such project.' },
  },
  {
    method: 'get',
    path: '/v1/graphs/{graphId}',
    operationId: 'getGraph',
    access: 'read',
    tag: 'graphs',
    summary: 'Get a graph with its latest version.',
    status: 200,
    response: GraphDetail,
    errors: { 400: 'graphId is not a UUID.', 404: 'No such graph.' },
  },
  {
    method: 'delete',
    path: '/v1/graphs/{graphId}',
    operationId: 'deleteGraph',
    access: 'operate',
    feature: 'workflows',
    tag: 'graphs',
    summary: 'Delete a graph: it disappears from lists and starts no more runs; its runs stay readable.',
    status: 204,
    empty: true,
    errors: { 400: 'graphId is not a UUID.', 404: 'No such graph.', 409: 'A run of the graph has not ended yet.' },
  },
  {
    method: 'get',
    path: '/v1/graphs/{graphId}/versions',
    operationId: 'listGraphVersions',
    access: 'read',
    tag: 'graphs',
    summary: "List a graph's versions, newest first (without their specs).",
    status: 200,
    response: listOf(GraphVersionSummary),
    errors: { 400: 'graphId is not a UUID.', 404: 'No such graph.' },
  },
  {
    method: 'post',
    path: '/v1/graphs/{graphId}/versions',
    operationId: 'createGraphVersion',
    access: 'operate',
    feature: 'workflows',
    tag: 'graphs',
    summary:
      'Save a new version (n+1). A spec identical to the latest version (same canonical hash) adds nothing and answers that version with 200. Runs in flight keep the version they pinned.',
    body: SaveGraphRequest,
    bodyLimit: GRAPH_BODY_LIMIT_BYTES,
    status: 201,
    response: SavedGraphVersion,
    errors: { ...GRAPH_SPEC_ERRORS, 404: 'No such graph.' },
  },
  {
    method: 'get',
    path: '/v1/graphs/{graphId}/versions/{version}',
    operationId: 'getGraphVersion',
    access: 'read',
    tag: 'graphs',
    summary: 'Get one version of a graph, with its spec.',
    pathParams: GRAPH_VERSION_PARAM,
    status: 200,
    response: GraphVersion,
    errors: { 400: 'graphId or version is invalid.', 404: 'No such graph or version.' },
  },
  {
    method: 'get',
    path: '/v1/graphs/{graphId}/diff',
    operationId: 'diffGraphVersions',
    access: 'read',
    tag: 'graphs',
    summary: 'What changed between two versions, node by node.',
    query: GraphDiffQuery,
    queryNotes: { from: 'The older version.', to: 'The newer version.' },
    status: 200,
    response: GraphDiff,
    errors: { 400: 'graphId or the query is invalid.', 404: 'No such graph, or no such version.' },
  },
  {
    method: 'post',
    path: '/v1/graphs/{graphId}/runs',
    operationId: 'startGraphRun',
    access: 'operate',
    feature: 'workflows',
    tag: 'graphs',
    summary: START_GRAPH_RUN_SUMMARY,
    body: StartGraphRunRequest,
    bodyLimit: GRAPH_BODY_LIMIT_BYTES,
    status: 202,
    response: Run,
    errors: GRAPH_RUN_ERRORS,
  },
  {
    method: 'get',
    path: '/v1/graphs/{graphId}/runs',
    operationId: 'listGraphRuns',
    access: 'read',
    tag: 'graphs',
    summary: "List a graph's runs (of every version), newest first; narrow to the runs one trigger started with `trigger_id`.",
    query: RunsByTriggerQuery,
    status: 200,
    response: listOf(Run),
    errors: { 400: 'graphId is not a UUID.', 404: 'No such graph.' },
  },
  {
    method: 'get',
    path: '/v1/runs/{runId}/nodes',
    operationId: 'getRunNodes',
    access: 'read',
    tag: 'graphs',
    summary: "A graph run's per-node states (status, attempts, timings, cost, port, output, error), folded from its events.",
    status: 200,
    response: RunNodes,
    errors: { 400: 'runId is not a UUID.', 404: 'No such run, or the run is not a graph run.' },
  },
  {
    method: 'post',
    path: '/v1/providers',
    operationId: 'createProvider',
    access: 'admin',
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
    access: 'read',
    tag: 'providers',
    summary: 'Configured model providers (without their keys): workspace-wide ones and those of the projects the caller is a member of (an admin: all).',
    status: 200,
    response: listOf(ProviderConfig),
    errors: {},
  },
  {
    method: 'delete',
    path: '/v1/providers/{providerId}',
    operationId: 'deleteProvider',
    access: 'admin',
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
    access: 'read',
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
    access: 'read',
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
    access: 'admin',
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
    access: 'read',
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
    access: 'admin',
    tag: 'tools',
    summary: 'Store an OpenAPI 3 document and register one tool per operation (`api.<id>.<operationId>`, version 1.0.0, binding `openapi_proxy`).',
    description:
      "Each tool sends one request to the document's first server, only with the declared method, only if the workspace policy's " +
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
    method: 'post',
    path: '/v1/tools/mcp',
    operationId: 'registerMcpTools',
    access: 'admin',
    feature: 'mcp',
    tag: 'tools',
    summary: 'Connect to a remote MCP server (Streamable HTTP), list its tools and register one tool per MCP tool (`mcp.<id>.<name>`, binding `mcp_remote`).',
    description:
      "The API connects only if the workspace policy's `egress_allow` names the server's host, and only to public addresses (the " +
      'same vetting as tools, D24), or loopback and private ones when that entry is `{ host, allow_private: true }` (a server on ' +
      'this machine or your network; never metadata addresses); no credentials are sent. Tools annotated `readOnlyHint: true` read (scope `read_web`); every other ' +
      'tool is an external write (scope `write_web`, always reviewed, stopped by the kill switch). A server is immutable under its id: ' +
      'the same listing again is a no-op (`created: false`), a different URL or listing under the same id is refused.',
    body: RegisterMcpToolsRequest,
    status: 200,
    response: RegisterMcpToolsResponse,
    errors: {
      400: 'The body is invalid, or the server offers no tool that can be registered.',
      403: "The server's host is not in the workspace's `egress_allow`, or it resolves to an address tools may not reach.",
      409: 'Another server or listing is already registered under this id.',
      422: 'The server lists more tools than can be registered at once.',
      502: 'The server could not be reached or did not answer as an MCP server.',
      504: 'The server did not answer in time.',
    },
  },
  {
    method: 'get',
    path: '/v1/projects/{projectId}/tools',
    operationId: 'listProjectTools',
    access: 'read',
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
    access: 'operate',
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
    access: 'read',
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
    access: 'admin',
    tag: 'tools',
    summary: 'Replace the workspace policy. Applies to tool calls vetted afterwards (and is checked again when a call executes).',
    body: Policy,
    status: 200,
    response: Policy,
    errors: {
      400:
        'The body is invalid: among others an `egress_allow` entry that is malformed, `allow_private` on `*` or a wildcard, or an IP ' +
        'address tools could never reach (a private one without `allow_private`; metadata, unspecified, multicast or broadcast ' +
        'ones with it). The detail names the field (`egress_allow.<i>` or `egress_allow.<i>.host`).',
      413: 'The body is too large.',
    },
  },
  {
    method: 'get',
    path: '/v1/approvals',
    operationId: 'listApprovals',
    access: 'read',
    feature: 'approvals',
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
    access: 'read',
    feature: 'approvals',
    tag: 'approvals',
    summary: 'One approval with the log of every decide call made for it (applied, no-op or refused).',
    pathParams: APPROVAL_ID_PARAM,
    status: 200,
    response: ApprovalDetail,
    errors: { 400: 'approvalId is malformed.', 404: 'No such approval.' },
  },
  {
    method: 'post',
    path: '/v1/approvals/{approvalId}/decide',
    operationId: 'decideApproval',
    access: 'review',
    feature: 'approvals',
    tag: 'approvals',
    summary:
      "Approve or deny a waiting tool call. The first valid decision wins and is signalled to the run; a repeat is a recorded no-op; a decision naming other arguments than the call's is refused.",
    ...decideExchange('No such approval.'),
  },
  {
    method: 'post',
    path: '/v1/auth/login',
    operationId: 'login',
    access: 'public',
    tag: 'auth',
    summary: 'Sign in with email and password: sets a new session cookie (any previous session of this browser ends).',
    description:
      'Sets the session cookie `omni_session` (HttpOnly, SameSite=Lax; `__Host-omni_session` and Secure when served over https). The answer carries the CSRF token the console sends as `x-csrf-token` on every mutation. Attempts are rate limited per address and, with exponential backoff, per account (any address); every 429 is audited.',
    body: LoginRequest,
    status: 200,
    response: SessionInfo,
    errors: {
      400: 'The body is not a valid LoginRequest.',
      401: 'Wrong email or password, or the account is disabled (one message for all).',
      429: 'Too many attempts from this address, or for this account (see Retry-After).',
    },
  },
  {
    method: 'post',
    path: '/v1/auth/logout',
    operationId: 'logout',
    access: 'read',
    tag: 'auth',
    summary: 'End this session: its cookie is refused from now on.',
    status: 204,
    empty: true,
    errors: { 401: 'No live session.', 403: 'The CSRF header is missing or wrong.' },
  },
  {
    method: 'get',
    path: '/v1/auth/session',
    operationId: 'getSession',
    access: 'read',
    tag: 'auth',
    summary: 'The signed-in user, their memberships and the CSRF token.',
    status: 200,
    response: SessionInfo,
    errors: { 401: 'No live session.' },
  },
  {
    method: 'get',
    path: '/v1/auth/invites/{token}',
    operationId: 'getInvite',
    access: 'public',
    tag: 'auth',
    summary: 'What an invite link is for (email and role), while it can still be accepted.',
    pathParams: { token: { schema: InviteToken, description: 'The token of the invite link.' } },
    status: 200,
    response: InviteInfo,
    errors: {
      400: 'The token is malformed.',
      404: 'No open invite with this token (accepted, revoked or expired).',
      429: 'Too many attempts from this address.',
    },
  },
  {
    method: 'post',
    path: '/v1/auth/invites/{token}/accept',
    operationId: 'acceptInvite',
    access: 'public',
    tag: 'auth',
    summary: 'Accept an invite: set a name and password, and sign in. The link works once.',
    pathParams: { token: { schema: InviteToken, description: 'The token of the invite link.' } },
    body: AcceptInviteRequest,
    status: 200,
    response: SessionInfo,
    errors: {
      400: 'The body is invalid (e.g. a password shorter than 12 characters).',
      404: 'No open invite with this token.',
      429: 'Too many attempts from this address.',
    },
  },
  {
    method: 'get',
    path: '/v1/users',
    operationId: 'listUsers',
    access: 'admin',
    tag: 'users',
    summary: 'Every user of the workspace.',
    status: 200,
    response: listOf(User),
    errors: { 401: 'Not signed in.', 403: 'Not an admin.' },
  },
  {
    method: 'put',
    path: '/v1/users/{userId}',
    operationId: 'updateUser',
    access: 'admin',
    tag: 'users',
    summary: "Change a user's role or disable them (their sessions and tokens stop working at once).",
    body: UpdateUserRequest,
    status: 200,
    response: User,
    errors: { 400: 'The body is invalid.', 404: 'No such user.', 409: 'The change would leave no enabled admin.' },
  },
  {
    method: 'get',
    path: '/v1/invites',
    operationId: 'listInvites',
    access: 'admin',
    tag: 'users',
    summary: 'Invites not revoked, newest first (accepted ones say when).',
    status: 200,
    response: listOf(Invite),
    errors: { 401: 'Not signed in.', 403: 'Not an admin.' },
  },
  {
    method: 'post',
    path: '/v1/invites',
    operationId: 'createInvite',
    access: 'admin',
    tag: 'users',
    summary: 'Invite someone by link, with a role and project memberships. The token is shown once.',
    body: CreateInviteRequest,
    status: 201,
    response: CreatedInvite,
    errors: { 400: 'The body is invalid.', 409: 'A user with this email exists already.' },
  },
  {
    method: 'delete',
    path: '/v1/invites/{inviteId}',
    operationId: 'revokeInvite',
    access: 'admin',
    tag: 'users',
    summary: 'Revoke an invite that was not accepted yet: its link stops working.',
    status: 204,
    empty: true,
    errors: { 404: 'No open invite with this id.' },
  },
  {
    method: 'get',
    path: '/v1/projects/{projectId}/members',
    operationId: 'listProjectMembers',
    access: 'read',
    tag: 'users',
    summary: "A project's members and their roles.",
    status: 200,
    response: listOf(ProjectMember),
    errors: { 404: 'No such project (or not visible to you).' },
  },
  {
    method: 'put',
    path: '/v1/projects/{projectId}/members/{userId}',
    operationId: 'putProjectMember',
    access: 'admin',
    tag: 'users',
    summary: 'Add a user to a project, or change their role in it.',
    body: PutMemberRequest,
    status: 200,
    response: ProjectMember,
    errors: { 400: 'The body is invalid.', 404: 'No such project or user.' },
  },
  {
    method: 'delete',
    path: '/v1/projects/{projectId}/members/{userId}',
    operationId: 'removeProjectMember',
    access: 'admin',
    tag: 'users',
    summary: 'Remove a user from a project.',
    status: 204,
    empty: true,
    errors: { 404: 'No such project or membership.' },
  },
  {
    method: 'get',
    path: '/v1/tokens',
    operationId: 'listTokens',
    access: 'read',
    tag: 'users',
    summary: 'Your bearer tokens for the public lane (never their secrets).',
    status: 200,
    response: listOf(ApiToken),
    errors: { 401: 'Not signed in.' },
  },
  {
    method: 'post',
    path: '/v1/tokens',
    operationId: 'createToken',
    access: 'read',
    tag: 'users',
    summary: 'Create a bearer token that acts as you within its scopes, until it expires or is revoked. The secret is shown once.',
    body: CreateTokenRequest,
    status: 201,
    response: CreatedToken,
    errors: { 400: 'The body is invalid.' },
  },
  {
    method: 'delete',
    path: '/v1/tokens/{tokenId}',
    operationId: 'revokeToken',
    access: 'read',
    tag: 'users',
    summary: 'Revoke one of your tokens: it is refused from now on.',
    status: 204,
    empty: true,
    errors: { 404: 'No such token of yours.' },
  },
  {
    method: 'get',
    path: '/v1/audit',
    operationId: 'listAudit',
    access: 'admin',
    tag: 'users',
    summary: 'The append-only audit log of sign-ins and administrative changes, newest first.',
    query: AuditQuery,
    queryNotes: { action: 'Only this action (e.g. `auth.login_failed`).', before_id: 'Page: entries older than this id.', limit: 'Page size.' },
    status: 200,
    response: listOf(AuditEvent),
    errors: { 400: 'The query is invalid.' },
  },
  ...(['encode', 'decode'] as const).map((direction): ApiRoute => ({
    method: 'post',
    path: `/v1/temporal-codec/${direction}`,
    operationId: `temporalCodec${direction === 'encode' ? 'Encode' : 'Decode'}`,
    access: 'admin',
    csrf: 'origin',
    tag: 'temporal',
    summary:
      direction === 'decode'
        ? "Open sealed Temporal payloads (the remote codec protocol): the Temporal UI's codec endpoint, for admins."
        : 'Seal Temporal payloads with the active payload key (the remote codec protocol), for admins.',
    description:
      'Temporal stores every payload sealed with AES-256-GCM (D45). The Temporal UI, reached through `/temporal/` with ' +
      'an admin session, calls this endpoint from the same origin; it cannot send the CSRF header, so the `Origin` ' +
      'header must name this API instead. Payloads that are not sealed pass through `decode` unchanged.',
    headers: [{ name: 'X-Namespace', description: 'The Temporal namespace (sent by the Temporal UI; informational).', schema: z.string() }],
    body: CodecPayloads,
    status: 200,
    response: CodecPayloads,
    errors: {
      400: 'The body is invalid, or a payload is sealed with an unknown key or was altered.',
      401: 'Not signed in.',
      403: 'Not an admin, or no `Origin` header naming this API.',
    },
  })),
  {
    method: 'get',
    path: '/v1/public/whoami',
    operationId: 'publicWhoami',
    access: 'read',
    tag: 'public',
    summary: 'The bearer token in use and the user it acts as.',
    status: 200,
    response: z.strictObject({ user: User, token: ApiToken }),
    errors: { 401: 'No valid bearer token (missing, malformed, revoked or expired).' },
  },
  {
    method: 'post',
    path: '/v1/public/threads/{threadId}/runs',
    operationId: 'publicStartRun',
    access: 'operate',
    feature: 'runs',
    tag: 'public',
    summary: "Start a run on a thread, as the token's user (token scope `operate`).",
    body: StartRunRequest,
    status: 201,
    response: Run,
    errors: {
      400: 'The body is invalid.',
      401: 'No valid bearer token.',
      403: 'The token lacks the `operate` scope, or its user the role.',
      404: 'No such thread (or not visible to the token).',
    },
  },
  {
    method: 'get',
    path: '/v1/public/runs/{runId}',
    operationId: 'publicGetRun',
    access: 'read',
    tag: 'public',
    summary: 'Get a run (token scope `read`).',
    status: 200,
    response: Run,
    errors: { 401: 'No valid bearer token.', 404: 'No such run (or not visible to the token).' },
  },
  {
    method: 'get',
    path: '/v1/public/runs/{runId}/events',
    operationId: 'publicListRunEvents',
    access: 'read',
    tag: 'public',
    summary: "Page through a run's events (token scope `read`).",
    query: EventsQuery,
    queryNotes: EVENTS_QUERY_NOTES,
    status: 200,
    response: RunEventsPage,
    errors: { 401: 'No valid bearer token.', 404: 'No such run (or not visible to the token).' },
  },
  {
    method: 'get',
    path: '/v1/public/approvals',
    operationId: 'publicListApprovals',
    access: 'read',
    feature: 'approvals',
    tag: 'public',
    summary: "Approvals in the token user's projects, newest first (token scope `read`), e.g. `?status=pending` for a chat bot.",
    query: ApprovalsQuery,
    queryNotes: { status: 'Only this status.', project_id: 'Only this project.', run_id: 'Only this run.', limit: 'At most this many.' },
    status: 200,
    response: listOf(Approval),
    errors: { 400: 'The query is invalid.' },
  },
  {
    method: 'post',
    path: '/v1/public/approvals/{approvalId}/decide',
    operationId: 'publicDecideApproval',
    access: 'review',
    feature: 'approvals',
    tag: 'public',
    summary: "Approve or deny a waiting tool call as the token's user (token scope `review`); the same rules as the console's decide.",
    ...decideExchange('No such approval (or not visible to the token).'),
  },
  {
    method: 'post',
    path: '/v1/public/graphs/{graphId}/runs',
    operationId: 'publicStartGraphRun',
    access: 'operate',
    feature: 'workflows',
    tag: 'public',
    summary: `${START_GRAPH_RUN_SUMMARY} As the token's user (token scope \`operate\`).`,
    body: StartGraphRunRequest,
    bodyLimit: GRAPH_BODY_LIMIT_BYTES,
    status: 202,
    response: Run,
    errors: {
      ...GRAPH_RUN_ERRORS,
      401: 'No valid bearer token.',
      403: 'The token lacks the `operate` scope, or its user the role.',
      404: 'No such graph or version (or not visible to the token).',
    },
  },
  {
    method: 'get',
    path: '/v1/public/graphs/{graphId}/runs',
    operationId: 'publicListGraphRuns',
    access: 'read',
    tag: 'public',
    summary: "List a graph's runs, newest first (token scope `read`).",
    status: 200,
    response: listOf(Run),
    errors: { 401: 'No valid bearer token.', 404: 'No such graph (or not visible to the token).' },
  },
  {
    method: 'get',
    path: '/v1/public/runs/{runId}/nodes',
    operationId: 'publicGetRunNodes',
    access: 'read',
    tag: 'public',
    summary: "A graph run's per-node states (token scope `read`).",
    status: 200,
    response: RunNodes,
    errors: { 401: 'No valid bearer token.', 404: 'No such run, or not a graph run (or not visible to the token).' },
  },
  ...TRIGGER_ROUTES,
  ...OUTGOING_HOOK_ROUTES,
  ...RESEARCH_ROUTES,
  ...MCP_ROUTES,
];
