import type { GraphSpec, NodeState, RunEvent } from '@omniai/contracts';
import { GRAPH_GATE_TOOL_ID } from '@omniai/contracts/pure';

/** The call id an approval node's gate is reviewed under: `<node_id>#<attempt>`. */
export function nodeCallId(nodeId: string, attempt: number): string {
  return `${nodeId}#${attempt}`;
}

const CALL_ID = /^([a-z][a-z0-9_]{0,62})#([1-9][0-9]{0,8})$/;

/** The node and attempt of a gate's call id, or null when it is not one. */
export function parseNodeCallId(callId: string): { node_id: string; attempt: number } | null {
  const m = CALL_ID.exec(callId);
  return m ? { node_id: m[1]!, attempt: Number(m[2]) } : null;
}

/**
 * Each node's state in a run, folded from the run's events (any order; they are sorted by seq): `node_started`,
 * `node_completed`, `node_failed`, `node_skipped`, and the `approval_requested` / `approval_decided` system events of
 * the `graph.approval` gate. Nodes come in spec order; a node without events is `pending`.
 *
 * `started_at` is the first attempt's start, `ended_at` the end of the last one, `duration_ms` the time between (so it
 * includes retries and the wait for a reviewer); `cost_usd` sums what the node's events carry.
 */
export function projectNodeStates(spec: GraphSpec, events: readonly RunEvent[]): NodeState[] {
  const states = new Map<string, NodeState>();
  for (const node of spec.nodes) {
    if (states.has(node.id)) continue;
    states.set(node.id, {
      node_id: node.id,
      kind: node.kind,
      status: 'pending',
      attempts: 0,
      started_at: null,
      ended_at: null,
      duration_ms: null,
      cost_usd: 0,
      port: null,
      output: null,
      error: null,
      child_run_id: null,
      approval_id: null,
      seqs: [],
    });
  }
  const byApproval = new Map<string, string>();
  const end = (s: NodeState, ts: string): void => {
    s.ended_at = ts;
    s.duration_ms = s.started_at === null ? null : Math.max(0, Date.parse(ts) - Date.parse(s.started_at));
  };

  for (const event of [...events].sort((a, b) => a.seq - b.seq)) {
    switch (event.kind) {
      case 'node_started': {
        const s = states.get(event.payload.node_id);
        if (!s) break;
        s.seqs.push(event.seq);
        s.status = 'running';
        s.attempts = Math.max(s.attempts, event.payload.attempt);
        s.started_at ??= event.ts;
        s.ended_at = null;
        s.duration_ms = null;
        s.port = null;
        s.output = null;
        s.error = null;
        break;
      }
      case 'node_completed': {
        const s = states.get(event.payload.node_id);
        if (!s) break;
        s.seqs.push(event.seq);
        s.status = 'completed';
        s.attempts = Math.max(s.attempts, event.payload.attempt);
        s.port = event.payload.port;
        s.output = event.payload.output;
        s.error = null;
        s.cost_usd += event.payload.cost_usd ?? 0;
        if (event.payload.child_run_id) s.child_run_id = event.payload.child_run_id;
        end(s, event.ts);
        break;
      }
      case 'node_failed': {
        const s = states.get(event.payload.node_id);
        if (!s) break;
        s.seqs.push(event.seq);
        s.attempts = Math.max(s.attempts, event.payload.attempt);
        s.error = { code: event.payload.code, message: event.payload.message };
        if (event.payload.child_run_id) s.child_run_id = event.payload.child_run_id;
        // A failure that will be retried leaves the node running (waiting for its next attempt).
        if (event.payload.will_retry) s.status = 'running';
        else {
          s.status = 'failed';
          end(s, event.ts);
        }
        break;
      }
      case 'node_skipped': {
        const s = states.get(event.payload.node_id);
        if (!s) break;
        s.seqs.push(event.seq);
        s.status = 'skipped';
        s.ended_at = event.ts;
        s.duration_ms = s.started_at === null ? null : Math.max(0, Date.parse(event.ts) - Date.parse(s.started_at));
        break;
      }
      case 'system_event': {
        const p = event.payload;
        if (p.type === 'approval_requested') {
          if (p.data.tool_id !== GRAPH_GATE_TOOL_ID) break;
          const ref = parseNodeCallId(p.data.call_id);
          const s = ref && states.get(ref.node_id);
          if (!s) break;
          s.seqs.push(event.seq);
          s.approval_id = p.data.approval_id;
          byApproval.set(p.data.approval_id, s.node_id);
          if (s.status === 'running' || s.status === 'pending') s.status = 'waiting_approval';
        } else if (p.type === 'approval_decided') {
          const id = byApproval.get(p.data.approval_id);
          const s = id === undefined ? undefined : states.get(id);
          if (!s) break;
          s.seqs.push(event.seq);
          // The gate is decided; the node's own node_completed / node_failed follows.
          if (s.status === 'waiting_approval') s.status = 'running';
        }
        break;
      }
      default:
        break;
    }
  }
  return [...states.values()];
}
