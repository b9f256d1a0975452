import { ApplicationFailure, CancellationScope, isCancellation, patched } from '@temporalio/workflow';
import { agentRunWorkflowId } from '@omniai/contracts/pure';
import type { ErrorCode, GraphRunInput, GraphRunResult, RunEvent } from '@omniai/contracts';
import { RunLog } from '../run-log';
import { type Append, appender } from '../agent-run/activities';
import { toolActivities } from '../agent-run/activities';
import { runCreator, SERVICE } from '../agent-run/actors';
import { listenForDecisions } from '../agent-run/approvals';
import { BudgetGuard } from '../agent-run/budget-guard';
import { BUDGET_EXCEEDED, providerFailure } from '../agent-run/failures';
import { RejectedSignals } from '../agent-run/signal-payloads';
import { GraphInterpreter, GraphNodeFailed, serialBudget } from './interpreter';
import { fromNodeValue } from './values';

/** Appends in creation order; `defer` holds events until the next append (of any node) carries them. */
export interface OrderedAppend extends Append {
  defer(...events: RunEvent[]): void;
}

/**
 * Appends in creation order: nodes run concurrently, and a later seq must never be stored before an earlier one (the
 * timeline and SSE read the log by seq). Events are created (seq assigned) and handed here in the same tick. Deferred
 * events go out first with the next append, whoever makes it: a tool node's `node_started` travels with its
 * `tool_call`, its `tool_result` with its `node_completed` (half the appends of a tool node, D50).
 */
export function orderedAppend(append: Append): OrderedAppend {
  let chain: Promise<unknown> = Promise.resolve();
  let deferred: RunEvent[] = [];
  const ordered = ((...events: RunEvent[]) => {
    const batch = [...deferred, ...events];
    deferred = [];
    const next = chain.then(() => append(...batch));
    chain = next.catch(() => undefined);
    return next;
  }) as OrderedAppend;
  ordered.defer = (...events: RunEvent[]) => {
    deferred.push(...events);
  };
  return ordered;
}

// Codes a node failure may end the run with; anything else ends it as E_GRAPH_NODE_FAILED naming the node.
const RUN_CODES: ReadonlySet<string> = new Set<ErrorCode>(['E_NODE_TIMEOUT', 'E_APPROVAL_TIMEOUT', 'E_GRAPH_NODE_FAILED']);

/**
 * One run of a pinned graph version: the same run lifecycle as a chat run (run_created … run_completed / run_failed /
 * run_cancelled, budgets with pause and resume, approvals through the inbox, cancel), with every node's steps as
 * `node_*` events in the same log. The interpreter is deterministic: see interpreter.ts for how to change it.
 */
export async function graphRunWorkflow(input: GraphRunInput): Promise<GraphRunResult> {
  const log = new RunLog(input.run_id);
  const append = orderedAppend(appender(input.run_id));
  const started = Date.now();
  const created = log.event(
    'run_created',
    {
      project_id: input.project_id,
      thread_id: null,
      pins: input.pins,
      retry_of: input.retry_of,
      graph: { ...input.graph, input: input.input },
      ...(input.parent ? { parent: input.parent } : {}),
      ...(input.trigger ? { trigger: input.trigger } : {}),
    },
    runCreator(input),
  );
  // Graph runs began after the approval doorbell (D37): signals are doorbells from the start, no patch needed.
  const rejected = new RejectedSignals(true);
  const approvals = listenForDecisions(true, rejected);
  const budget = new BudgetGuard(input.budget, started, log, append, { doorbell: true, rejected });
  let interpreter: GraphInterpreter | null = null;
  try {
    await append(created);
    const graphInput = await fromNodeValue(input.input);
    // Versioning: runs started before 2026-12-03 checked the budget of concurrent nodes without a queue (two branches
    // over budget both paused); since then the checks run one at a time, which orders commands differently. Remove
    // once no such run can be replayed (graph-run/histories/graph-run-approved-parallel-map.json is re-recorded).
    const queuedBudget = patched('graph-serial-budget');
    interpreter = new GraphInterpreter(
      {
        input,
        log,
        append,
        approvals,
        budget: queuedBudget ? serialBudget(budget) : budget,
        runTool: toolActivities().runTool,
        workflowId: agentRunWorkflowId(input.run_id),
      },
      input.spec,
      graphInput,
    );
    await interpreter.execute();
    const late = rejected.drain(log);
    await append(...late, log.event('run_completed', { duration_ms: Date.now() - started, usage: interpreter.usage }, SERVICE));
    return { status: 'completed', last_seq: log.lastSeq, output: interpreter.output };
  } catch (err) {
    if (err instanceof ApplicationFailure && err.type === BUDGET_EXCEEDED) throw err;
    if (isCancellation(err)) {
      await CancellationScope.nonCancellable(() => append(log.event('run_cancelled', { reason: 'cancelled by request', partial_output: false }, SERVICE)));
      throw err;
    }
    let code: ErrorCode;
    let message: string;
    if (err instanceof GraphNodeFailed) {
      code = (RUN_CODES.has(err.code) ? err.code : 'E_GRAPH_NODE_FAILED') as ErrorCode;
      message = `Node ${err.nodeId} failed: ${err.code}: ${err.detail}`;
    } else {
      ({ code, message } = providerFailure(err));
    }
    await append(log.event('run_failed', { code, message: message.slice(0, 500) }, SERVICE));
    throw ApplicationFailure.nonRetryable(`run failed: ${message.slice(0, 200)}`, 'RunFailed');
  }
}
