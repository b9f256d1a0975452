import { Injectable, type Signal, inject } from '@angular/core';
import { Router } from '@angular/router';
import type {
  AcceptInviteRequest,
  ApiToken,
  Approval,
  ApprovalDetail,
  ApprovalsQuery,
  AuditEvent,
  BackfillRequest,
  CreatedTrigger,
  CreateTriggerRequest,
  CreatedInvite,
  CreatedToken,
  CreateInviteRequest,
  CreateMcpServerRequest,
  CreateProviderRequest,
  DecideApprovalRequest,
  DecideApprovalResponse,
  ErrorEnvelope,
  FieldIssue,
  Graph,
  GraphDetail,
  GraphDiff,
  GraphTemplate,
  GraphValidation,
  GraphVersion,
  GraphVersionSummary,
  Invite,
  InviteInfo,
  LoginRequest,
  McpCatalog,
  McpCatalogTool,
  McpOAuthStart,
  McpServer,
  McpServerDetail,
  McpToolDiff,
  PinnedTool,
  Policy,
  Project,
  ProjectDocument,
  ProjectMember,
  ProjectRole,
  ProviderConfig,
  ProviderPresetInfo,
  RegisteredTool,
  ResearchSummary,
  ResearchView,
  Run,
  ResumeRunRequest,
  SchedulePreview,
  ScheduleSpec,
  RunEvent,
  RunNodes,
  SaveGraphRequest,
  SearchBackend,
  SessionInfo,
  SourceText,
  StartResearchRequest,
  StartGraphRunRequest,
  StartRunRequest,
  Thread,
  TokenScope,
  TryMcpToolRequest,
  TryMcpToolResponse,
  Trigger,
  TriggerDetail,
  TriggerFired,
  TriggersQuery,
  UpdateMcpServerRequest,
  UpdateTriggerRequest,
  UpdateUserRequest,
  WebhookDelivery,
  User,
} from '@omniai/contracts';
import { ApiError } from './api-error';

export { ApiError } from './api-error';

/** The envelope's `detail` as field issues, when it is a list of them (validation errors). */
function fieldIssues(detail: unknown): FieldIssue[] {
  if (!Array.isArray(detail)) return [];
  return detail.filter((d): d is FieldIssue => typeof d?.path === 'string' && typeof d?.message === 'string');
}

/** A list answered bare (`T[]`) or in the usual envelope (`{ items }`). */
function items<T>(list: T[] | { items: T[] }): T[] {
  return Array.isArray(list) ? list : list.items;
}

/** `?a=1&b=2` from the defined entries of a query object ('' when none). */
function queryString(query: object): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null) params.set(k, String(v));
  const text = params.toString();
  return text ? `?${text}` : '';
}

/** A tool of a server, by its name as the server lists it (any characters: URL-encoded). */
const mcpTool = (serverId: string, toolName: string) => `/v1/mcp/servers/${encodeURIComponent(serverId)}/tools/${encodeURIComponent(toolName)}`;

export interface EventsPage {
  items: RunEvent[];
  next_from_seq: number;
  has_more: boolean;
}

/** `POST /v1/invites`: the fields with defaults may be left out. */
export type InviteRequest = Pick<CreateInviteRequest, 'email' | 'role'> & Partial<Pick<CreateInviteRequest, 'projects' | 'expires_in_hours'>>;

/** `POST /v1/tokens`. */
export interface TokenRequest {
  name: string;
  scopes: TokenScope[];
  expires_in_days: number;
}

/**
 * What the client needs from the session: the CSRF token mutations send, a fresh one after a sign-in in another tab,
 * and forgetting a session that ended. `SessionStore` is provided as this (app.config.ts), so the client does not
 * import the store that calls it.
 */
export abstract class ApiSession {
  abstract readonly csrfToken: Signal<string | null>;
  /** Asks the API for the current session again; false when there is none. */
  abstract reload(): Promise<boolean>;
  abstract clear(): void;
}

interface RequestOptions {
  /**
   * What a 401 E_AUTH_REQUIRED means: `redirect` (the default) ends the session here and sends the user to sign in;
   * `throw` leaves it to the caller (signing in, where 401 is "wrong password", and the session probe).
   */
  on401?: 'redirect' | 'throw';
  accept?: string;
}

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** Pages that work without a session: a 401 there is the page's own business. */
const PUBLIC_PAGES = /^\/(login|invite)(?:[/?#]|$)/;

/**
 * Typed client for `/v1`: request and response types come from `@omniai/contracts`. The session cookie goes along
 * by itself (same origin); mutations add the session's CSRF token as `x-csrf-token`.
 */
@Injectable({ providedIn: 'root' })
export class ApiClient {
  private readonly session = inject(ApiSession);
  private readonly router = inject(Router);

  listProjects = () => this.get<{ items: Project[] }>('/v1/projects');
  createProject = (name: string) => this.send<Project>('POST', '/v1/projects', { name });
  listThreads = (projectId: string) => this.get<{ items: Thread[] }>(`/v1/projects/${projectId}/threads`);
  createThread = (projectId: string, title: string) => this.send<Thread>('POST', `/v1/projects/${projectId}/threads`, { title });
  listRuns = (threadId: string) => this.get<{ items: Run[] }>(`/v1/threads/${threadId}/runs`);
  getRun = (runId: string) => this.get<Run>(`/v1/runs/${runId}`);
  startRun = (threadId: string, body: StartRunRequest) => this.send<Run>('POST', `/v1/threads/${threadId}/runs`, body);
  cancelRun = (runId: string) => this.send<Run>('POST', `/v1/runs/${runId}/cancel`, {});
  resumeRun = (runId: string, body: ResumeRunRequest = {}) => this.send<Run>('POST', `/v1/runs/${runId}/resume`, body);
  retryRun = (runId: string) => this.send<Run>('POST', `/v1/runs/${runId}/retry`, {});
  listProviders = () => this.get<{ items: ProviderConfig[] }>('/v1/providers');
  createProvider = (body: CreateProviderRequest) => this.send<ProviderConfig>('POST', '/v1/providers', body);
  deleteProvider = (providerId: string) => this.request<null>('DELETE', `/v1/providers/${providerId}`);
  listProviderPresets = () => this.get<{ items: ProviderPresetInfo[] }>('/v1/provider-presets');
  listTools = () => this.get<{ items: RegisteredTool[] }>('/v1/tools');
  getPolicy = () => this.get<Policy>('/v1/policy');
  putPolicy = (policy: Policy) => this.send<Policy>('PUT', '/v1/policy', policy);
  listApprovals = (query: Partial<ApprovalsQuery> = {}) => this.get<{ items: Approval[] }>(`/v1/approvals${queryString(query)}`);
  getApproval = (approvalId: string) => this.get<ApprovalDetail>(`/v1/approvals/${encodeURIComponent(approvalId)}`);
  decideApproval = (approvalId: string, body: DecideApprovalRequest) =>
    this.send<DecideApprovalResponse>('POST', `/v1/approvals/${encodeURIComponent(approvalId)}/decide`, body);
  /** The artifact's content as text; access follows the run's project. */
  artifactText = async (runId: string, sha256: string) => (await this.raw('GET', `/v1/runs/${runId}/artifacts/${sha256}`, undefined, { accept: '*/*' })).text();

  login = (body: LoginRequest) => this.request<SessionInfo>('POST', '/v1/auth/login', body, { on401: 'throw' });
  logout = () => this.request<null>('POST', '/v1/auth/logout', undefined, { on401: 'throw' });
  getSession = () => this.request<SessionInfo>('GET', '/v1/auth/session', undefined, { on401: 'throw' });
  getInvite = (token: string) => this.get<InviteInfo>(`/v1/auth/invites/${encodeURIComponent(token)}`);
  acceptInvite = (token: string, body: AcceptInviteRequest) =>
    this.request<SessionInfo>('POST', `/v1/auth/invites/${encodeURIComponent(token)}/accept`, body, { on401: 'throw' });
  listUsers = () => this.get<{ items: User[] }>('/v1/users');
  updateUser = (userId: string, body: UpdateUserRequest) => this.send<User>('PUT', `/v1/users/${userId}`, body);
  listInvites = () => this.get<{ items: Invite[] }>('/v1/invites');
  createInvite = (body: InviteRequest) => this.send<CreatedInvite>('POST', '/v1/invites', body);
  revokeInvite = (inviteId: string) => this.request<null>('DELETE', `/v1/invites/${inviteId}`);
  listMembers = (projectId: string) => this.get<{ items: ProjectMember[] }>(`/v1/projects/${projectId}/members`);
  putMember = (projectId: string, userId: string, role: ProjectRole) =>
    this.send<ProjectMember>('PUT', `/v1/projects/${projectId}/members/${userId}`, { role });
  removeMember = (projectId: string, userId: string) => this.request<null>('DELETE', `/v1/projects/${projectId}/members/${userId}`);
  listTokens = () => this.get<{ items: ApiToken[] }>('/v1/tokens');
  createToken = (body: TokenRequest) => this.send<CreatedToken>('POST', '/v1/tokens', body);
  revokeToken = (tokenId: string) => this.request<null>('DELETE', `/v1/tokens/${tokenId}`);
  listAudit = (query: { action?: string; before_id?: number; limit?: number } = {}) => this.get<{ items: AuditEvent[] }>(`/v1/audit${queryString(query)}`);
  // Workflow graphs (issue 14).
  listGraphs = async (projectId: string) => items(await this.get<Graph[] | { items: Graph[] }>(`/v1/projects/${projectId}/graphs`));
  createGraph = (projectId: string, body: SaveGraphRequest) => this.send<GraphDetail>('POST', `/v1/projects/${projectId}/graphs`, body);
  validateGraph = (projectId: string, spec: unknown) => this.send<GraphValidation>('POST', `/v1/projects/${projectId}/graphs/validate`, { spec });
  listGraphTemplates = async (projectId: string) =>
    items(await this.get<GraphTemplate[] | { items: GraphTemplate[] }>(`/v1/projects/${projectId}/graph-templates`));
  getGraph = (graphId: string) => this.get<GraphDetail>(`/v1/graphs/${graphId}`);
  deleteGraph = (graphId: string) => this.request<null>('DELETE', `/v1/graphs/${graphId}`);
  listGraphVersions = async (graphId: string) =>
    items(await this.get<GraphVersionSummary[] | { items: GraphVersionSummary[] }>(`/v1/graphs/${graphId}/versions`));
  saveGraphVersion = (graphId: string, body: SaveGraphRequest) => this.send<GraphVersion>('POST', `/v1/graphs/${graphId}/versions`, body);
  getGraphVersion = (graphId: string, version: number) => this.get<GraphVersion>(`/v1/graphs/${graphId}/versions/${version}`);
  diffGraph = (graphId: string, from: number, to: number) => this.get<GraphDiff>(`/v1/graphs/${graphId}/diff${queryString({ from, to })}`);
  startGraphRun = (graphId: string, body: StartGraphRunRequest) => this.send<Run>('POST', `/v1/graphs/${graphId}/runs`, body);
  listGraphRuns = async (graphId: string) => items(await this.get<Run[] | { items: Run[] }>(`/v1/graphs/${graphId}/runs`));
  // Triggers (issue 15): schedules and webhooks.
  listTriggers = async (projectId: string, query: TriggersQuery = {}) =>
    items(await this.get<Trigger[] | { items: Trigger[] }>(`/v1/projects/${projectId}/triggers${queryString(query)}`));
  createTrigger = (projectId: string, body: CreateTriggerRequest) => this.send<CreatedTrigger>('POST', `/v1/projects/${projectId}/triggers`, body);
  previewSchedule = (projectId: string, schedule: ScheduleSpec) =>
    this.send<SchedulePreview>('POST', `/v1/projects/${projectId}/triggers/preview`, { schedule });
  getTrigger = (triggerId: string) => this.get<TriggerDetail>(`/v1/triggers/${triggerId}`);
  updateTrigger = (triggerId: string, body: UpdateTriggerRequest) => this.send<Trigger>('PUT', `/v1/triggers/${triggerId}`, body);
  deleteTrigger = (triggerId: string) => this.request<null>('DELETE', `/v1/triggers/${triggerId}`);
  pauseTrigger = (triggerId: string, note?: string) => this.send<Trigger>('POST', `/v1/triggers/${triggerId}/pause`, note ? { note } : {});
  unpauseTrigger = (triggerId: string, note?: string) => this.send<Trigger>('POST', `/v1/triggers/${triggerId}/unpause`, note ? { note } : {});
  fireTrigger = (triggerId: string) => this.send<TriggerFired>('POST', `/v1/triggers/${triggerId}/fire`, {});
  backfillTrigger = (triggerId: string, body: BackfillRequest) => this.send<TriggerFired>('POST', `/v1/triggers/${triggerId}/backfill`, body);
  rotateTriggerSecret = (triggerId: string, overlapSeconds: number) =>
    this.send<CreatedTrigger>('POST', `/v1/triggers/${triggerId}/rotate-secret`, { overlap_seconds: overlapSeconds });
  listDeliveries = async (triggerId: string) => items(await this.get<WebhookDelivery[] | { items: WebhookDelivery[] }>(`/v1/triggers/${triggerId}/deliveries`));
  listTriggerRuns = async (triggerId: string) => items(await this.get<Run[] | { items: Run[] }>(`/v1/triggers/${triggerId}/runs`));
  // Research runs (issue 16).
  startResearch = (projectId: string, body: StartResearchRequest) => this.send<Run>('POST', `/v1/projects/${projectId}/research`, body);
  listResearch = async (projectId: string) => items(await this.get<ResearchSummary[] | { items: ResearchSummary[] }>(`/v1/projects/${projectId}/research`));
  getResearch = (runId: string) => this.get<ResearchView>(`/v1/runs/${runId}/research`);
  getResearchSource = (runId: string, sourceId: string) => this.get<SourceText>(`/v1/runs/${runId}/research/sources/${encodeURIComponent(sourceId)}`);
  listDocuments = async (projectId: string) => items(await this.get<ProjectDocument[] | { items: ProjectDocument[] }>(`/v1/projects/${projectId}/documents`));
  loadSampleCorpus = async (projectId: string) =>
    items(await this.send<ProjectDocument[] | { items: ProjectDocument[] }>('POST', `/v1/projects/${projectId}/documents/sample-corpus`, {}));
  listSearchBackends = async () => items(await this.get<SearchBackend[] | { items: SearchBackend[] }>('/v1/research/backends'));
  // The MCP hub (issue 17): servers, catalogs, drift review, trying and pinning a tool.
  listMcpServers = async () => items(await this.get<McpServer[] | { items: McpServer[] }>('/v1/mcp/servers'));
  createMcpServer = (body: CreateMcpServerRequest) => this.send<McpServerDetail>('POST', '/v1/mcp/servers', body);
  getMcpServer = (serverId: string) => this.get<McpServer>(`/v1/mcp/servers/${encodeURIComponent(serverId)}`);
  updateMcpServer = (serverId: string, body: UpdateMcpServerRequest) => this.send<McpServer>('PATCH', `/v1/mcp/servers/${encodeURIComponent(serverId)}`, body);
  deleteMcpServer = (serverId: string) => this.request<null>('DELETE', `/v1/mcp/servers/${encodeURIComponent(serverId)}`);
  authorizeMcpServer = (serverId: string) => this.send<McpOAuthStart>('POST', `/v1/mcp/servers/${encodeURIComponent(serverId)}/oauth/authorize`, {});
  checkMcpServer = (serverId: string) => this.send<McpServerDetail>('POST', `/v1/mcp/servers/${encodeURIComponent(serverId)}/check`, {});
  getMcpCatalog = (serverId: string) => this.get<McpCatalog>(`/v1/mcp/servers/${encodeURIComponent(serverId)}/catalog`);
  getMcpToolDiff = (serverId: string, toolName: string) => this.get<McpToolDiff>(`${mcpTool(serverId, toolName)}/diff`);
  approveMcpTool = (serverId: string, toolName: string, definitionHash: string) =>
    this.send<McpCatalogTool>('POST', `${mcpTool(serverId, toolName)}/approve`, { definition_hash: definitionHash });
  blockMcpTool = (serverId: string, toolName: string, blocked: boolean, reason?: string) =>
    this.send<McpCatalogTool>('POST', `${mcpTool(serverId, toolName)}/block`, reason ? { blocked, reason } : { blocked });
  tryMcpTool = (serverId: string, toolName: string, body: TryMcpToolRequest) =>
    this.send<TryMcpToolResponse>('POST', `${mcpTool(serverId, toolName)}/try`, body);
  listProjectTools = async (projectId: string) => items(await this.get<PinnedTool[] | { items: PinnedTool[] }>(`/v1/projects/${projectId}/tools`));
  pinProjectTool = async (projectId: string, toolId: string, version: string | null) =>
    items(await this.send<PinnedTool[] | { items: PinnedTool[] }>('PUT', `/v1/projects/${projectId}/tools/${encodeURIComponent(toolId)}`, { version }));
  runNodes = (runId: string) => this.get<RunNodes>(`/v1/runs/${runId}/nodes`);
  events = (runId: string, fromSeq: number, limit = 1000) => this.get<EventsPage>(`/v1/runs/${runId}/events?from_seq=${fromSeq}&limit=${limit}`);

  /** Every persisted event of a run, page by page. */
  async allEvents(runId: string): Promise<RunEvent[]> {
    const all: RunEvent[] = [];
    let from = 1;
    for (;;) {
      const page = await this.events(runId, from);
      all.push(...page.items);
      if (!page.has_more) return all;
      from = page.next_from_seq;
    }
  }

  private get<T>(path: string): Promise<T> {
    return this.request<T>('GET', path);
  }

  private send<T>(method: string, path: string, body: unknown): Promise<T> {
    return this.request<T>(method, path, body);
  }

  private async request<T>(method: string, path: string, body?: unknown, options: RequestOptions = {}): Promise<T> {
    const res = await this.raw(method, path, body, options);
    const text = await res.text();
    return (text ? JSON.parse(text) : null) as T;
  }

  /** Sends the request and answers the successful response; every failure becomes an ApiError. */
  private async raw(method: string, path: string, body?: unknown, options: RequestOptions = {}, retried = false): Promise<Response> {
    const headers: Record<string, string> = { accept: options.accept ?? 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const csrf = this.session.csrfToken();
    if (MUTATING.has(method) && csrf) headers['x-csrf-token'] = csrf;
    let res: Response;
    try {
      res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    } catch {
      throw new ApiError(0, 'E_NETWORK', 'Cannot reach the OmniAI API.');
    }
    if (res.ok) return res;
    const text = await res.text();
    let envelope: Partial<ErrorEnvelope> | null = null;
    try {
      envelope = text ? (JSON.parse(text) as Partial<ErrorEnvelope>) : null;
    } catch {
      // not JSON (a proxy's error page): the status says enough
    }
    const error = new ApiError(
      res.status,
      envelope?.error?.code ?? `HTTP_${res.status}`,
      envelope?.error?.message ?? `The API answered ${res.status}.`,
      fieldIssues(envelope?.error?.detail),
      envelope?.error?.detail,
    );
    // A sign-in in another tab replaces the session and its CSRF token: fetch the new one and try once more.
    if (error.code === 'E_AUTH_CSRF' && !retried && (await this.session.reload())) return this.raw(method, path, body, options, true);
    if (error.code === 'E_AUTH_REQUIRED' && (options.on401 ?? 'redirect') === 'redirect') this.signInAgain();
    throw error;
  }

  /** The session ended (expired, signed out elsewhere, user disabled): forget it and ask to sign in, then come back. */
  signInAgain(): void {
    this.session.clear();
    const here = this.router.url;
    if (PUBLIC_PAGES.test(here)) return;
    void this.router.navigate(['/login'], { queryParams: { next: here } });
  }
}
