import { Injectable, Logger } from '@nestjs/common';
import {
  type Capability,
  type FeatureFlags,
  type Graph,
  type JsonValue,
  type Run,
  type Thread,
  DecideApprovalRequest,
  ApprovalsQuery,
  ApprovalIdParam,
} from '@omniai/contracts';
import { GraphStore, RunStore } from '@omniai/store';
import {
  type CallToolResult,
  fromJsonSchema,
  McpServer,
  ProtocolError,
  ProtocolErrorCode,
  ResourceNotFoundError,
  ResourceTemplate,
} from '@modelcontextprotocol/server';
import { z } from 'zod';
import { ApprovalsService } from '../approvals/approvals.service';
import { accessRefusal } from '../auth/access';
import { type Actor, runActor, visibleProjects } from '../auth/actor';
import { ProjectScopes } from '../auth/project-scopes';
import { AppConfig } from '../config/app-config';
import { ApiException } from '../errors/api.exception';
import { GraphsService } from '../graphs/graphs.service';
import { featureOn } from '../config/features';
import { RunsService } from '../runs/runs.service';
import { isTerminal, type McpTask, outcomeText, RUN_POLL_MS, type RunOutcome, taskOf } from './run-outcome';

/** What one MCP request serves: who asks, and whether its `tools/call` asked for a task (2025-11-25 `params.task`). */
export interface McpCaller {
  actor: Actor;
  taskAsked: boolean;
}

/** The MCP tool names of the fixed tools (the issue's `runs/get` etc.: `/` is not allowed in a tool name). */
export const FIXED_TOOLS = { runsGet: 'runs_get', approvalsList: 'approvals_list', approvalsDecide: 'approvals_decide' } as const;
/** The resource template of a run's event log. */
export const RUN_EVENTS_URI = 'omniai://runs/{run_id}/events';
/** Projects, graphs and threads read per request to build the tool list. */
const LIST_LIMIT = 200;
/** Longest wait of a `tasks/result` (the client asks again after it). */
const TASK_RESULT_MAX_MS = 10 * 60_000;

const RunIdArgs = z.strictObject({ run_id: z.uuid().describe('The run id (a task id is a run id).') });
const ApprovalsListArgs = ApprovalsQuery.partial().extend({ limit: z.number().int().min(1).max(500).default(50) });
const ApprovalsDecideArgs = DecideApprovalRequest.extend({ approval_id: ApprovalIdParam.describe('The approval id, from approvals_list or a run outcome.') });
const AgentArgs = z.strictObject({ message: z.string().min(1).max(100_000).describe('The message for the agent: one chat turn on the thread.') });
const TaskIdParams = z.looseObject({ taskId: z.string() });

/**
 * `graph_<slug>_<id8>` / `agent_<slug>_<id8>`: the spec allows 1–128 of `A-Z a-z 0-9 _ - .`; the id prefix keeps two
 * graphs of the same name apart, the slug keeps the name readable to a model.
 */
export function toolNameOf(prefix: 'graph' | 'agent', name: string, id: string): string {
  const slug = name
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 80);
  return `${prefix}_${slug ? `${slug}_` : ''}${id.slice(0, 8)}`;
}

/**
 * The MCP surface of OmniAI for one caller (a per-request `McpServer`, built by the official SDK's handler): the
 * graphs and threads of the projects the token's user may see as tools, the reviewer tools, run events as resources,
 * and runs as MCP Tasks. Every tool reuses the `/v1/public` services and checks the scope its public route needs, in
 * the project it acts on (docs/MCP.md).
 */
@Injectable()
export class McpCatalog {
  private readonly logger = new Logger('mcp-server');

  constructor(
    private readonly runStore: RunStore,
    private readonly graphStore: GraphStore,
    private readonly runs: RunsService,
    private readonly graphs: GraphsService,
    private readonly approvals: ApprovalsService,
    private readonly scopes: ProjectScopes,
    private readonly config: AppConfig,
  ) {}

  async build(caller: McpCaller): Promise<McpServer> {
    const server = new McpServer(
      { name: 'omniai', title: 'OmniAI', version: this.config.version },
      {
        capabilities: { tools: { listChanged: false }, resources: {}, tasks: { cancel: {}, requests: { tools: { call: {} } } } },
        instructions:
          'OmniAI graphs (graph_*) and thread agents (agent_*) start durable runs. Ask for a task to get a handle at once; otherwise a call ' +
          'waits a while and then answers with the run id (read it with runs_get). A run waiting for a reviewer is input_required: ' +
          'a reviewer decides it with approvals_decide.',
      },
    );
    const projects = await this.runStore.listProjects(LIST_LIMIT, visibleProjects(caller.actor));
    for (const project of projects) {
      if (this.featureOn('workflows')) for (const graph of await this.graphStore.list(project.id, LIST_LIMIT)) await this.graphTool(server, caller, graph);
      if (this.featureOn('runs')) for (const thread of await this.runStore.listThreads(project.id, LIST_LIMIT)) this.agentTool(server, caller, thread);
    }
    this.fixedTools(server, caller);
    this.resources(server, caller);
    this.tasks(server, caller);
    return server;
  }

  // ── tools ───────────────────────────────────────────────────────────────────────────────────────────────────────
  private async graphTool(server: McpServer, caller: McpCaller, graph: Graph): Promise<void> {
    const { version } = await this.graphs.get(graph.id);
    const declared = version.spec.input_schema as Record<string, unknown> | undefined;
    // A tool's input is an object: a graph whose input is not one takes it as `input`.
    const wrapped = declared !== undefined && declared['type'] !== 'object';
    const schema = declared === undefined ? { type: 'object' } : wrapped ? { type: 'object', required: ['input'], properties: { input: declared } } : declared;
    const tool = server.registerTool(
      toolNameOf('graph', graph.name, graph.id),
      {
        title: graph.name,
        description: `${graph.description || graph.name} (OmniAI graph ${graph.id}, version ${version.version}; starts a run, token scope operate).`,
        inputSchema: fromJsonSchema<Record<string, JsonValue>>(schema as Parameters<typeof fromJsonSchema>[0]),
      },
      (args, ctx) =>
        this.guarded(async () => {
          await this.require(caller.actor, 'operate', graph.project_id);
          const input = (wrapped ? args['input'] : (args ?? {})) as JsonValue;
          return this.started(caller, await this.graphs.startRun(graph.id, { input }, runActor(caller.actor)), ctx.mcpReq.signal);
        }),
    );
    tool.execution = { taskSupport: 'optional' };
  }

  private agentTool(server: McpServer, caller: McpCaller, thread: Thread): void {
    const tool = server.registerTool(
      toolNameOf('agent', thread.title, thread.id),
      {
        title: thread.title,
        description: `The agent of OmniAI thread "${thread.title}" (${thread.id}): one chat turn as a durable run (token scope operate).`,
        inputSchema: AgentArgs,
      },
      ({ message }, ctx) =>
        this.guarded(async () => {
          await this.require(caller.actor, 'operate', thread.project_id);
          return this.started(caller, await this.runs.start(thread.id, { message }, runActor(caller.actor)), ctx.mcpReq.signal);
        }),
    );
    tool.execution = { taskSupport: 'optional' };
  }

  private fixedTools(server: McpServer, caller: McpCaller): void {
    server.registerTool(
      FIXED_TOOLS.runsGet,
      { title: 'Get a run', description: "A run's status and, once it ended, its output or error (token scope read).", inputSchema: RunIdArgs },
      ({ run_id }) =>
        this.guarded(async () => {
          await this.require(caller.actor, 'read', await this.scopes.projectOf({ runId: run_id }));
          return this.outcomeResult(await this.outcome(await this.runs.get(run_id), caller.actor));
        }),
    );
    if (!this.featureOn('approvals')) return;
    server.registerTool(
      FIXED_TOOLS.approvalsList,
      {
        title: 'List approvals',
        description: "Approvals in the token user's projects, newest first, e.g. status pending (token scope read).",
        inputSchema: ApprovalsListArgs,
      },
      (query) =>
        this.guarded(async () => {
          await this.require(caller.actor, 'read', undefined);
          const items = await this.approvals.list(query as ApprovalsQuery, visibleProjects(caller.actor));
          return { content: [{ type: 'text', text: JSON.stringify({ items }) }], structuredContent: { items } };
        }),
    );
    server.registerTool(
      FIXED_TOOLS.approvalsDecide,
      {
        title: 'Decide an approval',
        description:
          "Approve or deny a waiting tool call or approval node as the token's user (token scope review): the same rules as the console " +
          '(the arguments hash must match, no self-approval where the project asks for it, a form must match the node).',
        inputSchema: ApprovalsDecideArgs,
        annotations: { destructiveHint: false, idempotentHint: true },
      },
      ({ approval_id, ...decision }) =>
        this.guarded(async () => {
          await this.require(caller.actor, 'review', await this.scopes.projectOf({ approvalId: approval_id }));
          const answer = await this.approvals.decide(approval_id, decision, runActor(caller.actor));
          return { content: [{ type: 'text', text: `${answer.outcome}: ${answer.approval.status}` }], structuredContent: answer };
        }),
    );
  }

  // ── resources ───────────────────────────────────────────────────────────────────────────────────────────────────
  private resources(server: McpServer, caller: McpCaller): void {
    server.registerResource(
      'run-events',
      new ResourceTemplate(RUN_EVENTS_URI, { list: undefined }),
      {
        title: "A run's events",
        description: "The first 1,000 events of a run's append-only log, in seq order (token scope read).",
        mimeType: 'application/json',
      },
      async (uri, variables) => {
        const runId = String(variables['run_id']);
        const refusal = accessRefusal(caller.actor, 'read', await this.scopes.projectOf({ runId })) ?? null;
        // Not found and not visible answer alike (as the HTTP lanes do).
        if (refusal || !z.uuid().safeParse(runId).success) throw new ResourceNotFoundError(uri.href);
        const page = await this.runs.events(runId, 1, 1000);
        return { contents: [{ uri: uri.href, mimeType: 'application/json', text: JSON.stringify(page) }] };
      },
    );
  }

  // ── tasks (2025-11-25 wire: the SDK ships the schemas, no runtime; the run is the task's state) ─────────────────
  private tasks(server: McpServer, caller: McpCaller): void {
    // The typed surface leaves the task methods out (2025 vocabulary without an SDK runtime); the server accepts them
    // at run time with explicit schemas, as it does for extension methods.
    const low = server.server as unknown as {
      setRequestHandler(
        method: string,
        schemas: { params: typeof TaskIdParams },
        handler: (params: { taskId: string }, ctx: { mcpReq: { signal: AbortSignal } }) => Promise<unknown>,
      ): void;
    };
    low.setRequestHandler('tasks/get', { params: TaskIdParams }, async ({ taskId }) => {
      const run = await this.taskRun(caller, taskId, 'read');
      return taskOf(run, await this.pendingOf(run, caller.actor));
    });
    low.setRequestHandler('tasks/result', { params: TaskIdParams }, async ({ taskId }, ctx) => {
      let run = await this.taskRun(caller, taskId, 'read');
      run = await this.waitFor(run, TASK_RESULT_MAX_MS, () => false, ctx.mcpReq.signal);
      const result = this.outcomeResult(await this.outcome(run, caller.actor));
      return { ...result, _meta: { 'io.modelcontextprotocol/related-task': { taskId } } };
    });
    low.setRequestHandler('tasks/cancel', { params: TaskIdParams }, async ({ taskId }) => {
      const run = await this.taskRun(caller, taskId, 'operate');
      if (isTerminal(run.status)) throw new ProtocolError(ProtocolErrorCode.InvalidParams, `Task ${taskId} already ended (${run.status}).`);
      return taskOf(await this.mcpErrors(() => this.runs.cancel(taskId)));
    });
  }

  private async taskRun(caller: McpCaller, taskId: string, capability: Capability): Promise<Run> {
    const valid = z.uuid().safeParse(taskId).success;
    const refusal = valid ? accessRefusal(caller.actor, capability, await this.scopes.projectOf({ runId: taskId })) : null;
    if (!valid || refusal?.code === 'E_NOT_FOUND') throw new ProtocolError(ProtocolErrorCode.InvalidParams, `No task ${taskId}.`);
    if (refusal) throw new ProtocolError(ProtocolErrorCode.InvalidRequest, `${refusal.code}: ${refusal.message}`);
    const run = await this.runs.get(taskId).catch((err: unknown) => {
      if (err instanceof ApiException && err.code === 'E_NOT_FOUND') return null;
      throw err;
    });
    if (!run) throw new ProtocolError(ProtocolErrorCode.InvalidParams, `No task ${taskId}.`);
    return run;
  }

  // ── runs ────────────────────────────────────────────────────────────────────────────────────────────────────────
  /** A started run: a task handle at once when the client asked for one; else the outcome after waiting a while. */
  private async started(caller: McpCaller, run: Run, signal: AbortSignal): Promise<CallToolResult> {
    if (caller.taskAsked) {
      const task: McpTask = taskOf(run);
      // The 2025-11-25 CreateTaskResult (`{ task }`); `content` rides along for the SDK's result check, clients ignore it.
      return { content: [{ type: 'text', text: `Started run ${run.id} as task ${task.taskId}.` }], task } as CallToolResult;
    }
    const waited = await this.waitFor(run, this.config.mcpBlockMs, (r) => this.pendingOf(r, caller.actor).then((p) => p.length > 0), signal);
    return this.outcomeResult(await this.outcome(waited, caller.actor));
  }

  /** Reads the run until it ends, `stop` says so, `maxMs` passed or the client cancelled the request; answers its last state. */
  private async waitFor(run: Run, maxMs: number, stop: (run: Run) => Promise<boolean> | boolean, signal: AbortSignal): Promise<Run> {
    const deadline = Date.now() + maxMs;
    let current = run;
    while (!isTerminal(current.status) && Date.now() < deadline && !signal.aborted && !(await stop(current))) {
      await new Promise((resolve) => setTimeout(resolve, Math.min(RUN_POLL_MS, Math.max(0, deadline - Date.now()))));
      current = await this.runs.get(run.id);
    }
    return current;
  }

  private async pendingOf(run: Run, actor: Actor): Promise<NonNullable<RunOutcome['pending_approvals']>> {
    if (isTerminal(run.status) || !this.featureOn('approvals')) return [];
    const pending = await this.approvals.list({ status: 'pending', run_id: run.id, limit: 20 }, visibleProjects(actor));
    return pending.map(({ id, tool_id, arguments_hash, arguments_redacted }) => ({ id, tool_id, arguments_hash, arguments_redacted }));
  }

  private async outcome(run: Run, actor: Actor): Promise<RunOutcome> {
    const base: RunOutcome = { run_id: run.id, kind: run.kind, status: run.status, ...(run.error ? { error: run.error } : {}) };
    if (run.status !== 'completed') {
      const pending = await this.pendingOf(run, actor);
      return pending.length ? { ...base, pending_approvals: pending } : base;
    }
    if (run.kind === 'graph') {
      const { nodes } = await this.graphs.nodes(run.id);
      const outputs = nodes.filter((n) => n.kind === 'output' && n.status === 'completed' && n.output);
      return { ...base, output: Object.fromEntries(outputs.map((n) => [n.node_id, 'inline' in n.output! ? n.output.inline : n.output!.preview])) };
    }
    if (run.kind === 'chat') {
      const page = await this.runs.events(run.id, Math.max(1, run.last_seq - 200), 1000);
      const last = page.items.filter((e) => e.kind === 'assistant_message').pop();
      if (last && last.kind === 'assistant_message')
        return { ...base, answer: 'text' in last.payload.content ? last.payload.content.text : last.payload.content.preview };
    }
    return base;
  }

  private outcomeResult(outcome: RunOutcome): CallToolResult {
    const failed = outcome.status === 'failed' || outcome.status === 'cancelled';
    return { content: [{ type: 'text', text: outcomeText(outcome) }], structuredContent: { ...outcome }, ...(failed ? { isError: true } : {}) };
  }

  // ── access and errors ───────────────────────────────────────────────────────────────────────────────────────────
  /** The check `AuthGuard` makes for the matching `/v1/public` route: the token's scope and the user's role there. */
  private async require(actor: Actor, capability: Capability, projectId: string | null | undefined): Promise<void> {
    const refusal = accessRefusal(actor, capability, projectId);
    if (refusal) throw refusal;
  }

  private featureOn(feature: keyof FeatureFlags): boolean {
    return featureOn(this.config, feature);
  }

  /** A tool's failure as an MCP tool error (`isError`, the error code and message; never a stack trace). */
  private async guarded(fn: () => Promise<CallToolResult>): Promise<CallToolResult> {
    try {
      return await fn();
    } catch (err) {
      const error =
        err instanceof ApiException
          ? { code: err.code, message: err.message, ...(err.detail === undefined ? {} : { detail: err.detail }) }
          : this.internal(err);
      return { content: [{ type: 'text', text: `${error.code}: ${error.message}` }], structuredContent: { error }, isError: true };
    }
  }

  /** A protocol handler's failure as a JSON-RPC error with our code and message. */
  private async mcpErrors<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      const error = err instanceof ApiException ? { code: err.code, message: err.message } : this.internal(err);
      const code = error.code === 'E_NOT_FOUND' ? ProtocolErrorCode.InvalidParams : ProtocolErrorCode.InternalError;
      throw new ProtocolError(code, `${error.code}: ${error.message}`);
    }
  }

  private internal(err: unknown): { code: 'E_INTERNAL'; message: string } {
    this.logger.error(`MCP call failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    return { code: 'E_INTERNAL', message: 'Internal error; the server log has the details.' };
  }
}
