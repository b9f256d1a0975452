import { createHash, randomUUID } from 'node:crypto';
import { agentRunWorkflowId, runStatusAfter, storableJson, TERMINAL_RUN_STATUSES } from '@omniai/contracts';
import type {
  ResearchRequest,
  AssistantMessageDelta,
  GraphSpec,
  MessageContent,
  NodeValue,
  Project,
  ResumeRunSignal,
  Run,
  RunEvent,
  RunBudget,
  RunGraphRef,
  RunPins,
  RunStatus,
  RunStatusChange,
  RunTrigger,
  Thread,
} from '@omniai/contracts';
import type { DataSource, EntityManager } from 'typeorm';
import { ApprovalStore } from './approval-store';
import { recordArtifactRefs } from './artifact-store';
import { iso, isoOrNull, type Row } from './rows';
import { notifyRun } from './run-notifications';

function toProject(r: Row): Project {
  return { id: String(r['id']), name: String(r['name']), description: String(r['description']), created_at: iso(r['created_at']) };
}

function toThread(r: Row): Thread {
  return { id: String(r['id']), project_id: String(r['project_id']), title: String(r['title']), created_at: iso(r['created_at']) };
}

function toRun(r: Row): Run {
  return {
    id: String(r['id']),
    project_id: String(r['project_id']),
    kind: r['kind'] === 'graph' ? 'graph' : r['kind'] === 'research' ? 'research' : 'chat',
    thread_id: (r['thread_id'] as string | null) ?? null,
    graph: r['graph_id'] != null ? { graph_id: String(r['graph_id']), version: Number(r['graph_version']), spec_hash: String(r['graph_spec_hash']) } : null,
    parent: r['parent_run_id'] != null ? { run_id: String(r['parent_run_id']), node_id: String(r['parent_node_id']) } : null,
    trigger:
      r['trigger_id'] != null
        ? { trigger_id: String(r['trigger_id']), kind: r['trigger_kind'] === 'webhook' ? 'webhook' : 'schedule', fire_id: String(r['trigger_fire_id']) }
        : null,
    status: r['status'] as RunStatus,
    pins: r['pins'] as RunPins,
    retry_of: (r['retry_of'] as string | null) ?? null,
    budget: (r['budget'] as Run['budget']) ?? null,
    workflow_id: String(r['workflow_id']),
    last_seq: Number(r['last_seq']),
    input_tokens: Number(r['input_tokens']),
    output_tokens: Number(r['output_tokens']),
    cost_usd: Number(r['cost_usd']),
    error: (r['error'] as Run['error']) ?? null,
    created_at: iso(r['created_at']),
    started_at: isoOrNull(r['started_at']),
    ended_at: isoOrNull(r['ended_at']),
  };
}

function triggerColumns(triggered: NewRun['triggered']): [string | null, string | null, string | null] {
  return triggered ? [triggered.trigger.trigger_id, triggered.trigger.kind, triggered.trigger.fire_id] : [null, null, null];
}

/**
 * The id of the run a trigger's fire creates, derived from the fire's workflow id (a name-based UUID, version 5 layout
 * over SHA-1): the worker's activity creating the run and the API answering a webhook compute the same id, and a
 * retried activity or a redelivered webhook finds the row it made before.
 */
export function triggeredRunId(fireWorkflowId: string): string {
  const h = createHash('sha1').update('omniai.trigger-run:').update(fireWorkflowId).digest();
  h[6] = (h[6]! & 0x0f) | 0x50;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

function toEvent(r: Row): RunEvent {
  return {
    event_id: String(r['event_id']),
    run_id: String(r['run_id']),
    seq: Number(r['seq']),
    kind: r['kind'],
    ts: iso(r['ts']),
    actor: r['actor'],
    correlation_id: String(r['correlation_id']),
    causation_id: (r['causation_id'] as string | null) ?? null,
    schema_version: Number(r['schema_version']),
    payload: r['payload'],
  } as RunEvent;
}

/**
 * The artifacts an event references in its structured places (claim-checked message text, tool arguments and
 * results). Text that merely mentions a hash is not a reference: a model or tool could write any hash there (D41).
 */
export function eventArtifactHashes(e: RunEvent): string[] {
  const stored =
    e.kind === 'user_message' || e.kind === 'assistant_message'
      ? e.payload.content
      : e.kind === 'tool_call'
        ? e.payload.arguments
        : e.kind === 'tool_result'
          ? e.payload.result
          : e.kind === 'node_started'
            ? (e.payload.input ?? null)
            : e.kind === 'node_completed'
              ? e.payload.output
              : e.kind === 'run_created'
                ? (e.payload.graph?.input ?? null)
                : null;
  return stored && 'artifact' in stored ? [stored.artifact.sha256] : [];
}

export interface NewRun {
  projectId: string;
  threadId: string;
  pins: RunPins;
  input: MessageContent;
  retryOf: string | null;
  budget: RunBudget | null;
  /** A triggered run: its id is derived from the fire ({@link triggeredRunId}), so creating it twice creates one row. */
  triggered?: { id: string; trigger: RunTrigger };
}

/** A graph run to create: the version it pins (by hash) and its input, already validated and claim-checked. */
export interface NewGraphRun {
  projectId: string;
  graph: Omit<RunGraphRef, 'input'>;
  pins: RunPins;
  input: NodeValue;
  retryOf: string | null;
  budget: RunBudget | null;
  /** A triggered run (see {@link NewRun.triggered}). */
  triggered?: { id: string; trigger: RunTrigger };
}

/** A research run to create: what was asked (validated, backends resolved) and the model it is pinned to. */
export interface NewResearchRun {
  projectId: string;
  request: ResearchRequest;
  pins: RunPins;
  retryOf: string | null;
  budget: RunBudget | null;
}

/** What a graph run pinned: everything a retry needs to run the same version with the same input. */
export interface PinnedGraphRun {
  run: Run;
  input: NodeValue;
  spec: GraphSpec;
  /** The graph was deleted since (its runs stay readable; nothing new starts from it). */
  graphDeleted: boolean;
}

/** The graph a run was to start from is gone (deleted) or never existed. */
export class GraphGoneError extends Error {}

/** Postgres projections of runs: everything the API lists and the workflow's append activity writes. */
export class RunStore {
  constructor(private readonly db: DataSource) {}

  async createProject(name: string, description: string): Promise<Project> {
    const rows: Row[] = await this.db.query(`insert into projects (id, name, description) values ($1, $2, $3) returning *`, [randomUUID(), name, description]);
    return toProject(rows[0]!);
  }

  /** Projects, newest first; `visible` limits them to these ids ('all': no limit). */
  async listProjects(limit = 200, visible: 'all' | string[] = 'all'): Promise<Project[]> {
    const rows: Row[] = await this.db.query(`select * from projects where ($2::uuid[] is null or id = any($2)) order by created_at desc limit $1`, [
      limit,
      visible === 'all' ? null : visible,
    ]);
    return rows.map(toProject);
  }

  async getProject(id: string): Promise<Project | null> {
    const rows: Row[] = await this.db.query(`select * from projects where id = $1`, [id]);
    return rows[0] ? toProject(rows[0]) : null;
  }

  async createThread(projectId: string, title: string): Promise<Thread> {
    const rows: Row[] = await this.db.query(`insert into threads (id, project_id, title) values ($1, $2, $3) returning *`, [randomUUID(), projectId, title]);
    return toThread(rows[0]!);
  }

  async listThreads(projectId: string, limit = 200): Promise<Thread[]> {
    const rows: Row[] = await this.db.query(`select * from threads where project_id = $1 order by created_at desc limit $2`, [projectId, limit]);
    return rows.map(toThread);
  }

  async getThread(id: string): Promise<Thread | null> {
    const rows: Row[] = await this.db.query(`select * from threads where id = $1`, [id]);
    return rows[0] ? toThread(rows[0]) : null;
  }

  /** Inserts a queued run; its workflow id is `run-<id>` (durable naming: see docs/DECISIONS.md). */
  async createRun(run: NewRun): Promise<Run> {
    const id = run.triggered?.id ?? randomUUID();
    const rows: Row[] = await this.db.query(
      `insert into runs (id, project_id, thread_id, status, pins, input, retry_of, workflow_id, budget, trigger_id, trigger_kind, trigger_fire_id)
       values ($1, $2, $3, 'queued', $4, $5, $6, $7, $8, $9, $10, $11) on conflict (id) do nothing returning *`,
      [
        id,
        run.projectId,
        run.threadId,
        JSON.stringify(run.pins),
        JSON.stringify(run.input),
        run.retryOf,
        agentRunWorkflowId(id),
        run.budget ? JSON.stringify(run.budget) : null,
        ...triggerColumns(run.triggered),
      ],
    );
    return rows[0] ? toRun(rows[0]) : this.existingRun(id);
  }

  /**
   * Inserts a queued graph run (`kind: graph`, no thread), pinned to a version by hash. Its `run_created` event (with
   * the `graph` ref) is the workflow's first, as for every run (the workflow assigns seqs). Refused with
   * {@link GraphGoneError} when the graph is deleted: the shared row lock orders this against {@link GraphStore.delete}.
   */
  async createGraphRun(run: NewGraphRun): Promise<Run> {
    return (await this.insertGraphRun(run)).run;
  }

  /** {@link createGraphRun}, saying whether this call inserted the row (false: a triggered run's id was there already). */
  async insertGraphRun(run: NewGraphRun): Promise<{ run: Run; created: boolean }> {
    return this.db.transaction(async (tx) => {
      const [g]: Row[] = await tx.query(`select id from graphs where id = $1 and project_id = $2 and deleted_at is null for share`, [
        run.graph.graph_id,
        run.projectId,
      ]);
      if (!g) throw new GraphGoneError(`No graph ${run.graph.graph_id} in this project.`);
      const id = run.triggered?.id ?? randomUUID();
      const rows: Row[] = await tx.query(
        `insert into runs (id, project_id, thread_id, kind, graph_id, graph_version, graph_spec_hash, status, pins, input, retry_of, workflow_id, budget,
                           trigger_id, trigger_kind, trigger_fire_id)
         values ($1, $2, null, 'graph', $3, $4, $5, 'queued', $6, $7, $8, $9, $10, $11, $12, $13) on conflict (id) do nothing returning *`,
        [
          id,
          run.projectId,
          run.graph.graph_id,
          run.graph.version,
          run.graph.spec_hash,
          JSON.stringify(run.pins),
          JSON.stringify(run.input),
          run.retryOf,
          agentRunWorkflowId(id),
          run.budget ? JSON.stringify(run.budget) : null,
          ...triggerColumns(run.triggered),
        ],
      );
      return rows[0] ? { run: toRun(rows[0]), created: true } : { run: await this.existingRun(id, tx), created: false };
    });
  }

  /** A graph's runs (of every version), newest first. */
  async listGraphRuns(graphId: string, triggerId?: string, limit = 100): Promise<Run[]> {
    const rows: Row[] = await this.db.query(
      `select * from runs where graph_id = $1 and ($2::uuid is null or trigger_id = $2) order by created_at desc limit $3`,
      [graphId, triggerId ?? null, limit],
    );
    return rows.map(toRun);
  }

  /** The version and input a graph run pinned (null: no such run, or not a graph run). */
  async pinnedGraphRun(runId: string): Promise<PinnedGraphRun | null> {
    const [r]: Row[] = await this.db.query(
      `select r.*, v.spec as pinned_spec, g.deleted_at as graph_deleted_at
         from runs r
         join graph_versions v on v.graph_id = r.graph_id and v.version = r.graph_version
         join graphs g on g.id = r.graph_id
        where r.id = $1 and r.kind = 'graph'`,
      [runId],
    );
    if (!r) return null;
    return { run: toRun(r), input: r['input'] as NodeValue, spec: r['pinned_spec'] as GraphSpec, graphDeleted: r['graph_deleted_at'] != null };
  }

  /** Inserts a queued research run (`kind: research`, no thread, no graph); its input is the request. */
  async createResearchRun(run: NewResearchRun): Promise<Run> {
    const id = randomUUID();
    const rows: Row[] = await this.db.query(
      `insert into runs (id, project_id, thread_id, kind, status, pins, input, retry_of, workflow_id, budget)
       values ($1, $2, null, 'research', 'queued', $3, $4, $5, $6, $7) returning *`,
      [
        id,
        run.projectId,
        JSON.stringify(run.pins),
        JSON.stringify(run.request),
        run.retryOf,
        agentRunWorkflowId(id),
        run.budget ? JSON.stringify(run.budget) : null,
      ],
    );
    return toRun(rows[0]!);
  }

  /** A project's research runs with their questions, newest first. */
  async listResearchRuns(projectId: string, limit = 100): Promise<Array<{ run: Run; request: ResearchRequest }>> {
    const rows: Row[] = await this.db.query(`select * from runs where project_id = $1 and kind = 'research' order by created_at desc limit $2`, [
      projectId,
      limit,
    ]);
    return rows.map((r) => ({ run: toRun(r), request: r['input'] as ResearchRequest }));
  }

  /** A research run and what it was asked; null when there is no such run or it is not a research run. */
  async researchRun(runId: string): Promise<{ run: Run; request: ResearchRequest } | null> {
    const rows: Row[] = await this.db.query(`select * from runs where id = $1 and kind = 'research'`, [runId]);
    return rows[0] ? { run: toRun(rows[0]), request: rows[0]['input'] as ResearchRequest } : null;
  }

  /** The run a repeated triggered create found already there. */
  private async existingRun(id: string, db: Pick<DataSource, 'query'> | EntityManager = this.db): Promise<Run> {
    const rows: Row[] = await db.query(`select * from runs where id = $1`, [id]);
    if (!rows[0]) throw new Error(`run ${id} conflicted but is not there`);
    return toRun(rows[0]);
  }

  /** Runs a trigger started, newest first. */
  async listTriggerRuns(triggerId: string, limit = 100): Promise<Run[]> {
    const rows: Row[] = await this.db.query(`select * from runs where trigger_id = $1 order by created_at desc limit $2`, [triggerId, limit]);
    return rows.map(toRun);
  }

  async getRun(id: string): Promise<Run | null> {
    const rows: Row[] = await this.db.query(`select * from runs where id = $1`, [id]);
    return rows[0] ? toRun(rows[0]) : null;
  }

  async getRunInput(id: string): Promise<MessageContent | null> {
    const rows: Row[] = await this.db.query(`select input from runs where id = $1`, [id]);
    return (rows[0]?.['input'] as MessageContent | undefined) ?? null;
  }

  async listRuns(filter: { threadId?: string; projectId?: string; triggerId?: string }, limit = 100): Promise<Run[]> {
    const [column, value] = filter.threadId ? ['thread_id', filter.threadId] : ['project_id', filter.projectId];
    const rows: Row[] = await this.db.query(
      `select * from runs where ${column} = $1 and ($2::uuid is null or trigger_id = $2) order by created_at desc limit $3`,
      [value, filter.triggerId ?? null, limit],
    );
    return rows.map(toRun);
  }

  /** Marks a run that never reached Temporal as failed (e.g. Temporal was down when it was started). */
  async failUnstartedRun(id: string, code: string, message: string): Promise<void> {
    await this.db.query(`update runs set status = 'failed', error = $2, ended_at = now() where id = $1 and status = 'queued'`, [
      id,
      JSON.stringify({ code, message }),
    ]);
  }

  /**
   * The conversation before a run: user and assistant messages of the thread's completed runs created before it,
   * oldest first, at most `maxTurns`. A retry sees what the run it retries saw (anchored at the original run).
   */
  async threadContext(runId: string, maxTurns = 50): Promise<Array<{ role: 'user' | 'assistant'; content: MessageContent }>> {
    const rows: Row[] = await this.db.query(
      `with recursive chain as (
         select id, retry_of, thread_id, created_at from runs where id = $1
         union all
         select r.id, r.retry_of, r.thread_id, r.created_at from runs r join chain c on r.id = c.retry_of
       ),
       anchor as (select thread_id, min(created_at) as created_at from chain group by thread_id),
       turns as (
         select r.id, r.created_at from runs r, anchor a
         where r.thread_id = a.thread_id and r.created_at < a.created_at and r.status = 'completed'
         order by r.created_at desc limit $2
       )
       select e.kind, e.payload from turns t join run_events e on e.run_id = t.id
       where e.kind in ('user_message', 'assistant_message')
       order by t.created_at, e.seq`,
      [runId, maxTurns],
    );
    return rows.map((r) => ({
      role: r['kind'] === 'user_message' ? ('user' as const) : ('assistant' as const),
      content: (r['payload'] as { content: MessageContent }).content,
    }));
  }

  /** The seq of the run's latest `paused` event (the pause a resume ends); null when it never paused. */
  async lastPausedSeq(runId: string): Promise<number | null> {
    const [r]: Row[] = await this.db.query(
      `select max(seq) as seq from run_events where run_id = $1 and kind = 'system_event' and payload->>'type' = 'paused'`,
      [runId],
    );
    return r?.['seq'] == null ? null : Number(r['seq']);
  }

  /** Records the resume of the pause whose `paused` event has `pausedSeq`; the first one recorded per pause wins. */
  async recordResume(runId: string, pausedSeq: number, resume: ResumeRunSignal): Promise<void> {
    await this.db.query(
      `insert into run_resumes (run_id, paused_seq, resumed_by, budget, reason) values ($1, $2, $3, $4, $5) on conflict (run_id, paused_seq) do nothing`,
      [runId, pausedSeq, JSON.stringify(resume.resumed_by), resume.budget ? JSON.stringify(resume.budget) : null, resume.reason ?? null],
    );
  }

  /** The resume recorded for that pause, if any (what the workflow acts on when the resume signal rings). */
  async recordedResume(runId: string, pausedSeq: number): Promise<ResumeRunSignal | null> {
    const [r]: Row[] = await this.db.query(`select resumed_by, budget, reason from run_resumes where run_id = $1 and paused_seq = $2`, [runId, pausedSeq]);
    if (!r) return null;
    return {
      resumed_by: r['resumed_by'] as ResumeRunSignal['resumed_by'],
      ...(r['budget'] ? { budget: r['budget'] as RunBudget } : {}),
      ...(r['reason'] != null ? { reason: String(r['reason']) } : {}),
    };
  }

  /** This run's model and tool steps so far, in order: what the next model call of the run must see. */
  async runSteps(runId: string): Promise<RunEvent[]> {
    const rows: Row[] = await this.db.query(
      `select * from run_events where run_id = $1 and kind in ('assistant_message', 'tool_call', 'tool_result', 'tool_error') order by seq`,
      [runId],
    );
    return rows.map(toEvent);
  }

  async listEvents(runId: string, fromSeq: number, limit: number): Promise<RunEvent[]> {
    const rows: Row[] = await this.db.query(`select * from run_events where run_id = $1 and seq >= $2 order by seq limit $3`, [runId, fromSeq, limit]);
    return rows.map(toEvent);
  }

  /**
   * Appends events idempotently: a (run_id, seq) that exists already is skipped, so activity retries and replays
   * never duplicate. Updates the run's projection and notifies listeners in the same transaction.
   * Returns how many events were new.
   */
  async appendEvents(runId: string, events: RunEvent[]): Promise<number> {
    if (events.length === 0) return 0;
    return this.db.transaction(async (tx) => {
      const inserted: Row[] = await tx.query(
        `insert into run_events (run_id, seq, event_id, kind, ts, actor, correlation_id, causation_id, schema_version, payload)
         select $1, e.seq, e.event_id, e.kind, e.ts, e.actor, e.correlation_id, e.causation_id, e.schema_version, e.payload
         from jsonb_to_recordset($2::jsonb) as e(seq int, event_id uuid, kind text, ts timestamptz, actor jsonb,
              correlation_id text, causation_id uuid, schema_version smallint, payload jsonb)
         on conflict (run_id, seq) do nothing
         returning seq`,
        // Last line of defence (D38): a NUL or a lone surrogate that slipped past the boundaries is replaced, not refused.
        [runId, JSON.stringify(storableJson(events))],
      );
      if (inserted.length === 0) return 0;
      const lastSeq = Math.max(...events.map((e) => e.seq));
      await this.project(tx, runId, events, lastSeq);
      return inserted.length;
    });
  }

  /** Sends an ephemeral delta to every listening API process. Never stored. */
  async publishDelta(delta: AssistantMessageDelta): Promise<void> {
    await notifyRun(this.db, { kind: 'delta', delta });
  }

  private async project(tx: EntityManager, runId: string, events: RunEvent[], lastSeq: number): Promise<void> {
    let status: RunStatus | undefined;
    let inputTokens = 0;
    let outputTokens = 0;
    let cost = 0;
    let error: { code: string; message: string } | null = null;
    for (const e of events) {
      status = runStatusAfter(e) ?? status;
      if (e.kind === 'assistant_message') {
        inputTokens += e.payload.usage.input_tokens;
        outputTokens += e.payload.usage.output_tokens;
        cost += e.payload.cost_usd ?? 0;
      } else if (e.kind === 'node_completed') {
        // A graph node's model call or child run (agent, subgraph): the graph run's usage is the sum of its nodes'.
        inputTokens += e.payload.usage?.input_tokens ?? 0;
        outputTokens += e.payload.usage?.output_tokens ?? 0;
        cost += e.payload.cost_usd ?? 0;
      }
      if (e.kind === 'run_failed') error = { code: e.payload.code, message: e.payload.message };
    }
    for (const e of events) await ApprovalStore.project(tx, runId, e);
    const terminal = status !== undefined && TERMINAL_RUN_STATUSES.has(status);
    // TypeORM answers UPDATE … RETURNING with [rows, affectedCount].
    const [rows]: [Row[], number] = await tx.query(
      `update runs set
         last_seq = greatest(last_seq, $2),
         status = coalesce($3, status),
         started_at = coalesce(started_at, case when $3 = 'running' then now() end),
         ended_at = case when $4 then coalesce(ended_at, now()) else ended_at end,
         input_tokens = input_tokens + $5,
         output_tokens = output_tokens + $6,
         error = coalesce($7::jsonb, error),
         cost_usd = cost_usd + $8
       where id = $1
       returning id, project_id, thread_id, status, last_seq`,
      [runId, lastSeq, status ?? null, terminal, inputTokens, outputTokens, error ? JSON.stringify(error) : null, cost],
    );
    const run = rows[0];
    if (run) await recordArtifactRefs(tx, { projectId: String(run['project_id']), runId }, events.flatMap(eventArtifactHashes));
    await notifyRun(tx, { kind: 'events', run_id: runId, last_seq: lastSeq });
    if (run && status) {
      const change: RunStatusChange = {
        run_id: runId,
        project_id: String(run['project_id']),
        thread_id: (run['thread_id'] as string | null) ?? null,
        status: run['status'] as RunStatus,
        last_seq: Number(run['last_seq']),
        at: new Date().toISOString(),
      };
      await notifyRun(tx, { kind: 'status', change });
    }
  }
}
