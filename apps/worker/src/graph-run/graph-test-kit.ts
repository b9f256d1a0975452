import { createHash, randomUUID } from 'node:crypto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowHandle } from '@temporalio/client';
import { type GraphRunInput, type GraphRunResult, GraphSpec, type Policy, type RunBudget, type RunEvent, type RunPins } from '@omniai/contracts';
import { canonicalSpec, collectRefs } from '@omniai/graphs';
import { createDataSource, GraphRunStore, migrate, PolicyStore, RunStore, ToolRegistryStore } from '@omniai/store';
import type { DataSource } from 'typeorm';
import { createTestDatabase } from '@omniai/store/testing';
import { approvalDecisionSignal, graphRunStart } from '@omniai/workflow-api';
import type { ScriptedFixture } from '@omniai/providers';
import { startTestWorker, testDataConverter, type TestWorker, type TestWorkerOptions } from '../testing';

export const REQUESTER = { type: 'user', id: 'operator@example.test' } as const;
export const REVIEWER = 'reviewer@example.test';

/** Lets every project read files (documents.search and files.read run without approval). */
export const READ_POLICY: Policy = {
  grants: [{ level: 'workspace', subject: '*', scopes: ['read_files'], require_approval: false }],
  kill_switch_external_writes: false,
};

/**
 * A real worker (every activity, the real Postgres of a fresh test database, the Temporal dev server) and a
 * TestWorkflowEnvironment client on the same server, plus helpers to store a graph version, create its run row the way
 * the API does, and start `graphRunWorkflow` on it.
 */
export class GraphKit {
  /** The in-process worker (absent when the test runs workers as processes of their own). */
  worker: TestWorker | null = null;
  env!: TestWorkflowEnvironment;
  projectId!: string;
  /** Postgres of the test database (the worker's, or the kit's own). */
  ds!: DataSource;
  taskQueue!: string;
  private db!: Awaited<ReturnType<typeof createTestDatabase>>;

  /** With an in-process worker on a new task queue. */
  static async start(name: string, fixtures: ScriptedFixture[] = [], worker: Omit<TestWorkerOptions, 'fixtures'> = {}): Promise<GraphKit> {
    const kit = new GraphKit();
    kit.db = await createTestDatabase(name);
    kit.worker = await startTestWorker(kit.db.url, { ...worker, fixtures });
    kit.ds = kit.worker.db;
    kit.taskQueue = kit.worker.taskQueue;
    return kit.connect(name);
  }

  /** Without a worker: the test starts worker processes on `taskQueue` against `databaseUrl` itself. */
  static async withoutWorker(name: string, taskQueue: string): Promise<GraphKit> {
    const kit = new GraphKit();
    kit.db = await createTestDatabase(name);
    kit.ds = createDataSource({ url: kit.db.url, applicationName: 'omniai-graph-test' });
    await kit.ds.initialize();
    await migrate(kit.ds);
    kit.taskQueue = taskQueue;
    return kit.connect(name);
  }

  get databaseUrl(): string {
    return this.db.url;
  }

  private async connect(name: string): Promise<GraphKit> {
    this.env = await TestWorkflowEnvironment.createFromExistingServer({
      address: process.env['OMNI_TEST_TEMPORAL_ADDRESS']!,
      client: { dataConverter: testDataConverter() },
    });
    this.projectId = (await this.runs.createProject(name, '')).id;
    await this.policy(READ_POLICY);
    return this;
  }

  get runs(): RunStore {
    return new RunStore(this.ds);
  }

  get graphRuns(): GraphRunStore {
    return new GraphRunStore(this.ds);
  }

  async policy(p: Policy): Promise<void> {
    await new PolicyStore(this.ds).put(p);
  }

  async stop(): Promise<void> {
    await this.env?.teardown();
    if (this.worker) await this.worker.stop();
    else if (this.ds?.isInitialized) await this.ds.destroy();
    await this.db?.drop();
  }

  /** Stores a graph with one version (the spec parsed with its defaults); its id, version and spec hash. */
  async saveGraph(raw: unknown): Promise<{ graph_id: string; version: number; spec_hash: string; spec: GraphSpec }> {
    const spec = GraphSpec.parse(raw);
    const graphId = randomUUID();
    const specHash = createHash('sha256').update(canonicalSpec(spec)).digest('hex');
    await this.ds.query(`insert into graphs (id, project_id, name, created_by) values ($1, $2, $3, $4)`, [graphId, this.projectId, spec.name, REQUESTER.id]);
    await this.ds.query(`insert into graph_versions (graph_id, version, spec_hash, spec, created_by) values ($1, 1, $2, $3, $4)`, [
      graphId,
      specHash,
      JSON.stringify(spec),
      REQUESTER.id,
    ]);
    return { graph_id: graphId, version: 1, spec_hash: specHash, spec };
  }

  /** The pins of a run of `spec`: the offline model (no delay) and every tool the spec names, at the project's versions. */
  async pins(spec: GraphSpec): Promise<RunPins> {
    const named = collectRefs(spec).tools;
    const tools = (await new ToolRegistryStore(this.ds).resolveForProject(this.projectId)).filter((t) => named.some((r) => r.id === t.id));
    return { provider: 'offline', model: 'offline-scripted-1', params: { delay_ms: 0, reply_words: 8 }, seed: 0, prompt_version: 'graph-v1', tools };
  }

  /** Saves the graph, inserts its queued run row (as the API's createGraphRun does) and starts the workflow. */
  async start(
    raw: unknown,
    input: unknown = {},
    options: { budget?: RunBudget } = {},
  ): Promise<{ runId: string; input: GraphRunInput; handle: WorkflowHandle<(i: GraphRunInput) => Promise<GraphRunResult>> }> {
    return this.startSaved(await this.saveGraph(raw), input, options);
  }

  /** Inserts a queued run row of a graph saved before (see saveGraph) and starts the workflow. */
  async startSaved(
    graph: Awaited<ReturnType<GraphKit['saveGraph']>>,
    input: unknown = {},
    options: { budget?: RunBudget } = {},
  ): Promise<{ runId: string; input: GraphRunInput; handle: WorkflowHandle<(i: GraphRunInput) => Promise<GraphRunResult>> }> {
    const runId = randomUUID();
    const pins = await this.pins(graph.spec);
    const runInput: GraphRunInput = {
      run_id: runId,
      project_id: this.projectId,
      graph: { graph_id: graph.graph_id, version: graph.version, spec_hash: graph.spec_hash },
      spec: graph.spec,
      input: { inline: input as never },
      pins,
      retry_of: null,
      requested_by: REQUESTER,
      ...(options.budget ? { budget: options.budget } : {}),
    };
    await this.ds.query(
      `insert into runs (id, project_id, thread_id, status, pins, input, retry_of, workflow_id, budget, kind, graph_id, graph_version, graph_spec_hash)
       values ($1, $2, null, 'queued', $3, $4, null, $5, $6, 'graph', $7, $8, $9)`,
      [
        runId,
        this.projectId,
        JSON.stringify(pins),
        JSON.stringify(runInput.input),
        `run-${runId}`,
        options.budget ? JSON.stringify(options.budget) : null,
        graph.graph_id,
        graph.version,
        graph.spec_hash,
      ],
    );
    const [type, opts] = graphRunStart(runInput, this.taskQueue);
    const handle = await this.env.client.workflow.start<(i: GraphRunInput) => Promise<GraphRunResult>>(type, opts);
    return { runId, input: runInput, handle };
  }

  async events(runId: string): Promise<RunEvent[]> {
    return this.runs.listEvents(runId, 1, 100_000);
  }

  /** Waits until `probe` answers something other than undefined. */
  async until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = await probe();
      if (found !== undefined) return found;
      if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** The pending approval of the run (projected from its approval_requested event). */
  async pendingApproval(runId: string): Promise<{ id: string; arguments_hash: string; tool_id: string; call_id: string }> {
    return this.until('a pending approval', async () => {
      const [row] = (await this.ds.query(`select id, arguments_hash, tool_id, call_id from approvals where run_id = $1 and status = 'pending'`, [
        runId,
      ])) as Array<{
        id: string;
        arguments_hash: string;
        tool_id: string;
        call_id: string;
      }>;
      return row;
    });
  }

  /** Decides an approval the way the API does (claims the pending row, then rings the run's doorbell). */
  async decide(runId: string, decision: 'approve' | 'deny', reason: string | null = null, form?: unknown): Promise<void> {
    const approval = await this.pendingApproval(runId);
    await this.ds.query(
      `update approvals set status = $2, decided_by = $3, decision_reason = $4, form = $5, decided_at = now() where id = $1 and status = 'pending'`,
      [approval.id, decision === 'approve' ? 'approved' : 'denied', REVIEWER, reason, form === undefined ? null : JSON.stringify(form)],
    );
    await this.env.client.workflow.getHandle(`run-${runId}`).signal(approvalDecisionSignal, {
      approval_id: approval.id,
      decision,
      arguments_hash: approval.arguments_hash,
      decided_by: { type: 'user', id: REVIEWER },
      ...(reason ? { reason } : {}),
    });
  }
}

/** The shape of a run's log: event kinds, with system events by type and node events with their node. */
export function shape(events: RunEvent[]): string[] {
  return events.map((e) =>
    e.kind === 'system_event'
      ? e.payload.type
      : e.kind === 'node_started' || e.kind === 'node_completed' || e.kind === 'node_failed'
        ? `${e.kind}:${e.payload.node_id}`
        : e.kind === 'node_skipped'
          ? `node_skipped:${e.payload.node_id}:${e.payload.reason}`
          : e.kind,
  );
}

/** The node events of one node. */
export const nodeEvents = (events: RunEvent[], nodeId: string) =>
  events.filter((e) => e.kind.startsWith('node_') && (e.payload as { node_id: string }).node_id === nodeId);
