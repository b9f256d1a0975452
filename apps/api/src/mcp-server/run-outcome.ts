import type { Approval, Run, RunStatus } from '@omniai/contracts';
import { TERMINAL_RUN_STATUSES } from '@omniai/contracts/pure';

/** How often a waiting call or `tasks/result` reads its run again; also the poll interval a task handle suggests. */
export const RUN_POLL_MS = 500;

/** The MCP task statuses (2025-11-25 `TaskStatus`). */
export type McpTaskStatus = 'working' | 'input_required' | 'completed' | 'failed' | 'cancelled';

/** An MCP task (2025-11-25 `Task`): the task id is the run id; runs are kept, so tasks never expire (`ttl: null`). */
export interface McpTask {
  taskId: string;
  status: McpTaskStatus;
  statusMessage?: string;
  createdAt: string;
  lastUpdatedAt: string;
  ttl: null;
  pollInterval: number;
}

/** What a run's outcome says to an MCP client: the run, and what it produced or waits for. */
export interface RunOutcome {
  run_id: string;
  kind: Run['kind'];
  status: RunStatus;
  /** A graph run's output node values, by node id (when it completed). */
  output?: Record<string, unknown>;
  /** A chat run's last assistant message (when it completed). */
  answer?: string;
  error?: { code: string; message: string };
  /** Approvals the run waits for: decide them with `approvals_decide`. */
  pending_approvals?: Array<Pick<Approval, 'id' | 'tool_id' | 'arguments_hash' | 'arguments_redacted'>>;
}

export const isTerminal = (status: RunStatus) => TERMINAL_RUN_STATUSES.has(status);

/** A run as an MCP task: a pending approval (or a paused run) is `input_required`, answered through `approvals_decide`. */
export function taskOf(run: Run, pending: RunOutcome['pending_approvals'] = []): McpTask {
  const base = {
    taskId: run.id,
    createdAt: run.created_at,
    lastUpdatedAt: run.ended_at ?? run.started_at ?? run.created_at,
    ttl: null,
    pollInterval: RUN_POLL_MS,
  };
  if (isTerminal(run.status)) {
    const status = run.status as 'completed' | 'failed' | 'cancelled';
    return { ...base, status, ...(run.error ? { statusMessage: `${run.error.code}: ${run.error.message}` } : {}) };
  }
  if (pending.length > 0) {
    const ids = pending.map((a) => a.id).join(', ');
    return { ...base, status: 'input_required', statusMessage: `Waiting for approval ${ids}: a reviewer decides it with the approvals_decide tool.` };
  }
  if (run.status === 'paused') return { ...base, status: 'input_required', statusMessage: 'Paused by its budget: an operator resumes or cancels it.' };
  return { ...base, status: 'working', statusMessage: `Run ${run.status}.` };
}

/** The text an MCP client shows for an outcome (the structured form rides along as `structuredContent`). */
export function outcomeText(o: RunOutcome): string {
  if (o.status === 'completed') return o.answer ?? JSON.stringify(o.output ?? {});
  if (o.error) return `Run ${o.run_id} ${o.status}: ${o.error.code}: ${o.error.message}`;
  if (o.pending_approvals?.length)
    return `Run ${o.run_id} waits for approval ${o.pending_approvals.map((a) => a.id).join(', ')}; decide with approvals_decide, then read it with runs_get.`;
  return `Run ${o.run_id} is ${o.status}; read it later with runs_get (run_id ${o.run_id}).`;
}
