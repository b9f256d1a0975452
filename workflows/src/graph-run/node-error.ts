import { ActivityFailure, ApplicationFailure, ChildWorkflowFailure } from '@temporalio/workflow';
import { ExpressionError } from '@omniai/graphs';

/** A node attempt that failed, with a stable code (node_failed.code) and a user-safe message. */
export class NodeError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly childRunId?: string,
  ) {
    super(message);
    this.name = 'NodeError';
  }
}

/**
 * What a failed attempt records: a node error as it is; an expression or template over its limits is
 * `E_GRAPH_EXPRESSION` (never a stuck workflow task); an activity or child workflow failure carries its type when it
 * has one. Cancellations are never passed here (they end the node or the run, not an attempt).
 */
export function nodeFailure(err: unknown): { code: string; message: string; childRunId?: string } {
  if (err instanceof NodeError) return { code: err.code, message: err.message.slice(0, 2000), ...(err.childRunId ? { childRunId: err.childRunId } : {}) };
  if (err instanceof ExpressionError) return { code: 'E_GRAPH_EXPRESSION', message: err.message.slice(0, 2000) };
  let cause: unknown = err;
  while (cause instanceof ActivityFailure || cause instanceof ChildWorkflowFailure) cause = cause.cause ?? cause.message;
  if (cause instanceof ApplicationFailure && cause.type && /^E_[A-Z_]+$/.test(cause.type)) return { code: cause.type, message: cause.message.slice(0, 2000) };
  return { code: 'E_GRAPH_NODE_FAILED', message: (cause instanceof Error ? cause.message : String(cause)).slice(0, 2000) };
}
