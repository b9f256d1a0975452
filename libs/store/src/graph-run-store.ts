import { agentRunWorkflowId } from '@omniai/contracts';
import type { GraphSpec, MessageContent, NodeValue, ResearchRequest, RunBudget, RunPins, TokenUsage, ToolOutcome } from '@omniai/contracts';
import type { DataSource } from 'typeorm';
import type { Row } from './rows';

/**
 * A child run of a graph node: an agent node's chat run (no thread), a subgraph node's graph run, or a research node's
 * research run (no thread, no graph; its input is the ResearchRequest, as `RunStore.createResearchRun` stores it).
 */
export interface NewChildRun {
  id: string;
  projectId: string;
  parentRunId: string;
  parentNodeId: string;
  kind: 'chat' | 'graph' | 'research';
  pins: RunPins;
  input: MessageContent | NodeValue | ResearchRequest;
  budget: RunBudget | null;
  graph?: { graph_id: string; version: number; spec_hash: string };
}

/** What the tool activity finds when it claims an idempotency key. */
export type ToolExecutionClaim = { state: 'claimed'; attempts: number } | { state: 'done'; outcome: ToolOutcome };

/**
 * The worker's side of graph runs: child run rows of agent and subgraph nodes (ids chosen by the workflow, so a
 * retried activity inserts nothing twice), what a finished child left, graph versions for subgraph nodes, and the
 * tool execution record that makes a tool call with an idempotency key run once.
 */
export class GraphRunStore {
  constructor(private readonly db: DataSource) {}

  /** Inserts the child run (queued) unless it exists already. */
  async createChildRun(run: NewChildRun): Promise<void> {
    await this.db.query(
      `insert into runs (id, project_id, thread_id, status, pins, input, retry_of, workflow_id, budget, kind, graph_id, graph_version,
         graph_spec_hash, parent_run_id, parent_node_id)
       values ($1, $2, null, 'queued', $3, $4, null, $5, $6, $7, $8, $9, $10, $11, $12)
       on conflict (id) do nothing`,
      [
        run.id,
        run.projectId,
        JSON.stringify(run.pins),
        JSON.stringify(run.input),
        agentRunWorkflowId(run.id),
        run.budget ? JSON.stringify(run.budget) : null,
        run.kind,
        run.graph?.graph_id ?? null,
        run.graph?.version ?? null,
        run.graph?.spec_hash ?? null,
        run.parentRunId,
        run.parentNodeId,
      ],
    );
  }

  /** The child runs a graph run started, oldest first. */
  async childRuns(parentRunId: string): Promise<Array<{ id: string; node_id: string; kind: string; status: string }>> {
    const rows: Row[] = await this.db.query(`select id, parent_node_id, kind, status from runs where parent_run_id = $1 order by created_at, id`, [
      parentRunId,
    ]);
    return rows.map((r) => ({ id: String(r['id']), node_id: String(r['parent_node_id']), kind: String(r['kind']), status: String(r['status']) }));
  }

  /** A finished child run's last assistant message (agent runs) and what it cost. */
  async childRunSummary(runId: string): Promise<{ content: MessageContent | null; cost_usd: number; usage: TokenUsage }> {
    const [run]: Row[] = await this.db.query(`select cost_usd, input_tokens, output_tokens from runs where id = $1`, [runId]);
    const [last]: Row[] = await this.db.query(`select payload from run_events where run_id = $1 and kind = 'assistant_message' order by seq desc limit 1`, [
      runId,
    ]);
    return {
      content: last ? ((last['payload'] as { content: MessageContent }).content ?? null) : null,
      cost_usd: Number(run?.['cost_usd'] ?? 0),
      usage: { input_tokens: Number(run?.['input_tokens'] ?? 0), output_tokens: Number(run?.['output_tokens'] ?? 0) },
    };
  }

  /** The output of a step of a finished run (its last `node_completed` for that node), as recorded: null when none. */
  async nodeOutput(runId: string, nodeId: string): Promise<NodeValue | null> {
    const [row]: Row[] = await this.db.query(
      `select payload from run_events where run_id = $1 and kind = 'node_completed' and payload->>'node_id' = $2 order by seq desc limit 1`,
      [runId, nodeId],
    );
    return row ? ((row['payload'] as { output?: NodeValue }).output ?? null) : null;
  }

  /** A graph version of the project (a subgraph node pins it by id and version). */
  async graphVersion(projectId: string, graphId: string, version: number): Promise<{ spec: GraphSpec; spec_hash: string } | null> {
    const [row]: Row[] = await this.db.query(
      `select v.spec, v.spec_hash from graph_versions v join graphs g on g.id = v.graph_id
       where v.graph_id = $1 and v.version = $2 and g.project_id = $3`,
      [graphId, version, projectId],
    );
    return row ? { spec: row['spec'] as GraphSpec, spec_hash: String(row['spec_hash']) } : null;
  }

  /**
   * Claims a tool call's idempotency key before the tool runs: the first attempt inserts it; a later one counts itself
   * and gets the recorded outcome when the tool already ran to one (then the tool must not run again).
   */
  async claimToolExecution(key: string, runId: string, toolId: string): Promise<ToolExecutionClaim> {
    const [row]: Row[] = await this.db.query(
      `insert into tool_executions (idempotency_key, run_id, tool_id) values ($1, $2, $3)
       on conflict (idempotency_key) do update set attempts = tool_executions.attempts + 1
       returning attempts, outcome`,
      [key, runId, toolId],
    );
    const outcome = row?.['outcome'] as ToolOutcome | null | undefined;
    // A failed outcome does not close the key: a node retry may run the call again.
    return outcome?.ok ? { state: 'done', outcome } : { state: 'claimed', attempts: Number(row?.['attempts'] ?? 1) };
  }

  /** Records the tool's outcome under its key (the first good outcome stays: a racing second attempt changes nothing). */
  async recordToolExecution(key: string, outcome: ToolOutcome): Promise<ToolOutcome> {
    const [row]: Row[] = await this.db.query(
      `update tool_executions set executions = executions + 1,
         outcome = case when (outcome->>'ok')::boolean then outcome else $2::jsonb end, completed_at = now()
       where idempotency_key = $1 returning outcome`,
      [key, JSON.stringify(outcome)],
    );
    return (row?.['outcome'] as ToolOutcome | undefined) ?? outcome;
  }

  /** The execution records of a run (tests and operators: each key, its attempts and executions). */
  async toolExecutions(runId: string): Promise<Array<{ idempotency_key: string; tool_id: string; attempts: number; executions: number; ok: boolean | null }>> {
    const rows: Row[] = await this.db.query(
      `select idempotency_key, tool_id, attempts, executions, outcome from tool_executions where run_id = $1 order by idempotency_key`,
      [runId],
    );
    return rows.map((r) => ({
      idempotency_key: String(r['idempotency_key']),
      tool_id: String(r['tool_id']),
      attempts: Number(r['attempts']),
      executions: Number(r['executions']),
      ok: r['outcome'] == null ? null : Boolean((r['outcome'] as ToolOutcome).ok),
    }));
  }
}
