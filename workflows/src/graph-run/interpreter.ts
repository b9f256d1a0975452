import { CancellationScope, condition, isCancellation, sleep } from '@temporalio/workflow';
import type { GraphEdge, GraphNode, GraphRunInput, GraphSpec, NodeValue, RunEvent, TokenUsage } from '@omniai/contracts';
import { type GraphPlan, type GraphScope, graphPlan, holds } from '@omniai/graphs';
import type { RunLog } from '../run-log';
import type { OrderedAppend } from './graph-run.workflow';
import { SERVICE } from '../agent-run/actors';
import type { ApprovalBook } from '../agent-run/approvals';
import type { RunToolActivities } from '../activity-interfaces';
import { NodeError, nodeFailure } from './node-error';
import { executeNode, type NodeResult, renderNodeInput } from './nodes';
import { toNodeValue } from './values';

// VERSIONING. This interpreter is replayed by every graph run in flight: any change to the order of its commands
// (activities, timers, child workflows, events) must be guarded with `patched('<change>')` so that histories recorded
// before the change take the old path; the committed histories in workflow/src/graph-run/histories/ are replayed by
// apps/worker/src/replay/graph-replay.int-spec.ts and fail first when a change forgets that.

type Status = 'pending' | 'running' | 'completed' | 'failed' | 'skipped';

/** Everything a node needs from its run. */
export interface RunContext {
  input: GraphRunInput;
  log: RunLog;
  /** Appends in creation order; `defer` holds events for the next append (see `orderedAppend`). */
  append: OrderedAppend;
  approvals: ApprovalBook;
  /** The run's budget, checked one node at a time (see `serialBudget`). */
  budget: RunBudgetChecks;
  runTool: RunToolActivities['runTool'];
  /** The run's workflow id (`run-<run_id>`), from the input: child ids must not depend on how a replay names it. */
  workflowId: string;
}

/** What nodes ask of the run's budget. */
export interface RunBudgetChecks {
  checkBeforeStep(causedBy?: RunEvent): Promise<void>;
  checkAfterUsage(tokens: number, cost: number, causedBy: RunEvent): Promise<void>;
}

/**
 * The budget checks of concurrent nodes, one at a time: two branches over budget must not both pause (one resume
 * would wake only one of them); the second checks again after the first was resumed, with the new budget.
 */
export function serialBudget(guard: RunBudgetChecks): RunBudgetChecks {
  let chain: Promise<unknown> = Promise.resolve();
  const serially = <T>(check: () => Promise<T>): Promise<T> => {
    const next = chain.then(check);
    chain = next.catch(() => undefined);
    return next;
  };
  return {
    checkBeforeStep: (causedBy) => serially(() => guard.checkBeforeStep(causedBy)),
    checkAfterUsage: (tokens, cost, causedBy) => serially(() => guard.checkAfterUsage(tokens, cost, causedBy)),
  };
}

/** Why the run stops: a node failed and no `error` edge caught it. */
export class GraphNodeFailed extends Error {
  constructor(
    readonly nodeId: string,
    readonly code: string,
    readonly detail: string,
  ) {
    super(`node ${nodeId} failed: ${code}: ${detail}`);
    this.name = 'GraphNodeFailed';
  }
}

interface Join {
  parallel: string;
  rule: 'all' | 'any' | 'first_n';
  n: number;
  /** Nodes of the branches between the parallel node and its join: cancelled (skipped) once the join is satisfied. */
  members: Set<string>;
}

/**
 * Walks the pinned spec from its start nodes. A node runs once every incoming edge is resolved (taken or not) and at
 * least one was taken; when none was, it is skipped and its own edges resolve as not taken (the skip propagates). A
 * join (`parallel.join_at`) with `any` or `first_n` starts as soon as enough of its edges are taken, and the branches
 * still running are cancelled and recorded as skipped (`join_satisfied`). Nodes run concurrently where the graph
 * allows; their events are appended in the order they are created (one append chain, see `orderedAppend`).
 */
export class GraphInterpreter {
  private readonly plan: GraphPlan;
  private readonly status = new Map<string, Status>();
  private readonly taken = new Map<GraphEdge, boolean>();
  private readonly running = new Map<string, CancellationScope>();
  private readonly cancelledByJoin = new Set<string>();
  private readonly joins = new Map<string, Join>();
  private readonly scope: GraphScope;
  private outstanding = 0;
  private fatal: unknown = null;
  output: NodeValue | null = null;
  readonly usage: TokenUsage = { input_tokens: 0, output_tokens: 0 };

  constructor(
    private readonly run: RunContext,
    spec: GraphSpec,
    graphInput: unknown,
  ) {
    this.plan = graphPlan(spec);
    this.scope = { input: graphInput, nodes: {} };
    for (const id of this.plan.order) this.status.set(id, 'pending');
    for (const node of this.plan.nodes.values()) {
      if (node.kind === 'parallel') {
        this.joins.set(node.join_at, { parallel: node.id, rule: node.join, n: node.n ?? 1, members: this.branchMembers(node.id, node.join_at) });
      }
    }
  }

  /** Runs the graph to its end; throws {@link GraphNodeFailed} (or a cancellation, or a budget stop). */
  async execute(): Promise<void> {
    for (const id of this.plan.starts) this.start(id);
    try {
      await condition(() => this.outstanding === 0 || this.fatal !== null);
    } catch (err) {
      // A cancelled run waits for its nodes to take the cancel (child runs record run_cancelled; a parent that closed
      // first would terminate them and leave their runs open).
      if (isCancellation(err)) await CancellationScope.nonCancellable(() => condition(() => this.outstanding === 0));
      throw err;
    }
    if (this.fatal !== null) {
      for (const scope of this.running.values()) scope.cancel();
      await condition(() => this.outstanding === 0);
      throw this.fatal;
    }
  }

  /** Nodes reachable from the parallel node's branches without passing its join. */
  private branchMembers(parallelId: string, joinAt: string): Set<string> {
    const members = new Set<string>();
    const queue = (this.plan.outgoing.get(parallelId) ?? []).map((e) => e.to);
    while (queue.length) {
      const id = queue.shift()!;
      if (id === joinAt || members.has(id)) continue;
      members.add(id);
      for (const e of this.plan.outgoing.get(id) ?? []) queue.push(e.to);
    }
    return members;
  }

  /** Tracks a piece of work of the walk: the run ends when none is left; a failure of one stops the run. */
  private track(work: Promise<unknown>): void {
    this.outstanding += 1;
    work
      .catch((err: unknown) => {
        if (this.fatal === null) this.fatal = err;
      })
      .finally(() => {
        this.outstanding -= 1;
      });
  }

  private start(id: string): void {
    const node = this.plan.nodes.get(id)!;
    this.status.set(id, 'running');
    const scope = new CancellationScope();
    this.running.set(id, scope);
    this.track(
      scope
        .run(() => this.runNode(node))
        .then(
          (r) => this.settle(node, r),
          (err: unknown) => {
            if (isCancellation(err) && this.cancelledByJoin.has(id)) return this.skip(id, 'join_satisfied');
            throw err;
          },
        )
        .finally(() => this.running.delete(id)),
    );
  }

  /** A node's attempts, with its retry policy and time limit; its port and output, or its failure after the last. */
  private async runNode(node: GraphNode): Promise<NodeResult | { failed: { code: string; message: string } }> {
    const { log, append } = this.run;
    const maxAttempts = node.retry?.max_attempts ?? 1;
    let causedBy: RunEvent | undefined;
    for (let attempt = 1; ; attempt++) {
      await this.run.budget.checkBeforeStep(causedBy);
      const began = Date.now();
      let rendered: Awaited<ReturnType<typeof renderNodeInput>> | null = null;
      let renderError: unknown = null;
      try {
        rendered = await renderNodeInput(this.run, node, attempt, this.scope);
      } catch (err) {
        if (isCancellation(err)) throw err;
        renderError = err;
      }
      const started = log.event(
        'node_started',
        { node_id: node.id, attempt, node_kind: node.kind, ...(rendered?.stored ? { input: rendered.stored } : {}) },
        SERVICE,
      );
      // A tool node's start travels with its tool_call (vetting the call is a short local activity); every other
      // kind may wait long (a model, a reviewer, a timer, a child run), so its start is recorded at once.
      if (node.kind === 'tool' && !renderError) append.defer(started);
      else await append(started);
      causedBy = started;
      let failure: { code: string; message: string; childRunId?: string };
      try {
        if (renderError) throw renderError;
        const result = await this.withinTimeout(node, () => executeNode(this.run, node, attempt, rendered!, this.scope, started));
        const output = result.stored ?? (await toNodeValue(this.run.input.run_id, result.output));
        await append(
          log.event(
            'node_completed',
            {
              node_id: node.id,
              attempt,
              port: result.port,
              output,
              duration_ms: Date.now() - began,
              ...(result.cost_usd !== undefined ? { cost_usd: result.cost_usd } : {}),
              ...(result.usage ? { usage: result.usage } : {}),
              ...(result.childRunId ? { child_run_id: result.childRunId } : {}),
            },
            SERVICE,
            started,
          ),
        );
        if (result.usage) {
          this.usage.input_tokens += result.usage.input_tokens;
          this.usage.output_tokens += result.usage.output_tokens;
        }
        if (node.kind === 'output') this.output = output;
        return result;
      } catch (err) {
        if (isCancellation(err)) throw err;
        failure = nodeFailure(err);
      }
      const willRetry = attempt < maxAttempts;
      const retryIn = willRetry ? Math.round((node.retry?.initial_interval_ms ?? 1000) * (node.retry?.backoff ?? 2) ** (attempt - 1)) : undefined;
      const failed = log.event(
        'node_failed',
        {
          node_id: node.id,
          attempt,
          code: failure.code,
          message: failure.message,
          will_retry: willRetry,
          ...(retryIn !== undefined ? { retry_in_ms: retryIn } : {}),
          duration_ms: Date.now() - began,
          ...(failure.childRunId ? { child_run_id: failure.childRunId } : {}),
        },
        SERVICE,
        started,
      );
      await append(failed);
      causedBy = failed;
      if (!willRetry) return { failed: { code: failure.code, message: failure.message } };
      if (retryIn) await sleep(retryIn);
    }
  }

  /** Runs one attempt under the node's `timeout_ms`: over it the attempt is cancelled and fails with E_NODE_TIMEOUT. */
  private async withinTimeout<T>(node: GraphNode, attempt: () => Promise<T>): Promise<T> {
    const limit = node.timeout_ms;
    if (!limit) return attempt();
    const work = new CancellationScope();
    const timer = new CancellationScope();
    let timedOut = false;
    const pending = work.run(attempt);
    timer
      .run(() => sleep(limit))
      .then(
        () => {
          timedOut = true;
          work.cancel();
        },
        () => undefined,
      );
    try {
      return await pending;
    } catch (err) {
      if (timedOut && isCancellation(err)) throw new NodeError('E_NODE_TIMEOUT', `${node.id} did not finish within ${limit} ms`);
      throw err;
    } finally {
      timer.cancel();
    }
  }

  /** A node ended: record its state in the scope, resolve its outgoing edges, start or skip what became ready. */
  private settle(node: GraphNode, r: NodeResult | { failed: { code: string; message: string } }): void {
    if ('failed' in r) {
      const hasErrorEdge = (this.plan.outgoing.get(node.id) ?? []).some((e) => e.port === 'error');
      this.status.set(node.id, 'failed');
      this.scope.nodes[node.id] = { output: { error: r.failed }, status: 'failed', port: hasErrorEdge ? 'error' : null };
      if (!hasErrorEdge) throw new GraphNodeFailed(node.id, r.failed.code, r.failed.message);
      this.resolve(node.id, 'error');
      return;
    }
    this.status.set(node.id, 'completed');
    this.scope.nodes[node.id] = { output: r.output, status: 'completed', port: r.port };
    this.resolve(node.id, r.port);
  }

  /** Resolves the node's outgoing edges for the port it left by (conditions evaluated now), then checks each target. */
  private resolve(id: string, port: string | null): void {
    const edges = this.plan.outgoing.get(id) ?? [];
    for (const e of edges) {
      let take = port !== null && (e.port ?? 'out') === port;
      if (take && e.condition !== undefined) {
        try {
          take = holds(e.condition, this.scope);
        } catch (err) {
          const f = nodeFailure(err);
          throw new GraphNodeFailed(id, f.code, `the condition of its edge to ${e.to} failed: ${f.message}`);
        }
      }
      this.taken.set(e, take);
    }
    for (const to of new Set(edges.map((e) => e.to))) this.check(to);
  }

  private check(id: string): void {
    if (this.status.get(id) !== 'pending') return;
    const incoming = this.plan.incoming.get(id) ?? [];
    const taken = incoming.filter((e) => this.taken.get(e) === true).length;
    const resolved = incoming.every((e) => this.taken.has(e));
    const join = this.joins.get(id);
    if (join && join.rule !== 'all' && taken >= (join.rule === 'any' ? 1 : join.n)) {
      this.start(id);
      this.cancelBranches(join);
      return;
    }
    if (!resolved) return;
    if (taken > 0) this.start(id);
    else this.skip(id, 'not_taken');
  }

  /** A satisfied join: the branch nodes still running are cancelled, the ones not started are skipped. */
  private cancelBranches(join: Join): void {
    for (const id of this.plan.order) {
      if (!join.members.has(id)) continue;
      const s = this.status.get(id);
      if (s === 'running') {
        this.cancelledByJoin.add(id);
        this.running.get(id)?.cancel();
      } else if (s === 'pending') this.skip(id, 'join_satisfied');
    }
  }

  private skip(id: string, reason: 'not_taken' | 'join_satisfied'): void {
    this.status.set(id, 'skipped');
    this.scope.nodes[id] = { status: 'skipped', port: null };
    this.track(this.run.append(this.run.log.event('node_skipped', { node_id: id, reason }, SERVICE)));
    this.resolve(id, null);
  }
}
