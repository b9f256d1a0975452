import { Injectable } from '@angular/core';
import type {
  Approval,
  ApprovalsQuery,
  CreateProviderRequest,
  DecideApprovalRequest,
  DecideApprovalResponse,
  ErrorEnvelope,
  FieldIssue,
  Policy,
  Project,
  ProviderConfig,
  ProviderPresetInfo,
  RegisteredTool,
  Run,
  ResumeRunRequest,
  RunEvent,
  StartRunRequest,
  Thread,
} from '@omniai/contracts';

/** A failed API call, carrying the error envelope's stable code, user-safe message and field issues (if any). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly issues: FieldIssue[] = [],
  ) {
    super(message);
  }
}

/** The envelope's `detail` as field issues, when it is a list of them (validation errors). */
function fieldIssues(detail: unknown): FieldIssue[] {
  if (!Array.isArray(detail)) return [];
  return detail.filter((d): d is FieldIssue => typeof d?.path === 'string' && typeof d?.message === 'string');
}

/** `?a=1&b=2` from the defined entries of a query object ('' when none). */
function queryString(query: object): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null) params.set(k, String(v));
  const text = params.toString();
  return text ? `?${text}` : '';
}

export interface EventsPage {
  items: RunEvent[];
  next_from_seq: number;
  has_more: boolean;
}

/** One entry of an approval's decide log: every call, whatever came of it (applied, no_op, refused). */
export interface ApprovalDecisionLogEntry {
  decision: string;
  outcome: string;
  decided_by: string;
  at: string;
}

/** `GET /v1/approvals/:id`: the approval and its decide log. */
export type ApprovalDetail = Approval & { decisions: ApprovalDecisionLogEntry[] };

/** Typed client for `/v1`: request and response types come from `@omniai/contracts`. */
@Injectable({ providedIn: 'root' })
export class ApiClient {
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

  private async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    let res: Response;
    try {
      res = await fetch(path, {
        method,
        headers: body === undefined ? { accept: 'application/json' } : { accept: 'application/json', 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch {
      throw new ApiError(0, 'E_NETWORK', 'Cannot reach the OmniAI API.');
    }
    const text = await res.text();
    const json = text ? (JSON.parse(text) as unknown) : null;
    if (!res.ok) {
      const envelope = json as Partial<ErrorEnvelope> | null;
      throw new ApiError(
        res.status,
        envelope?.error?.code ?? `HTTP_${res.status}`,
        envelope?.error?.message ?? `The API answered ${res.status}.`,
        fieldIssues(envelope?.error?.detail),
      );
    }
    return json as T;
  }
}
