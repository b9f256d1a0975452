import type { GraphDiff, GraphEdge, GraphSpec } from '@omniai/contracts';
import { canonicalJson } from '@omniai/contracts/pure';

/**
 * What changed from `a` to `b`: nodes matched by id (a changed node lists the fields whose canonical JSON differs,
 * sorted), edges compared whole (an edge whose condition or port changed is one removed and one added), and the
 * top-level fields that changed. Layout counts: a moved node lists `position`.
 */
export function diffGraphs(a: GraphSpec, b: GraphSpec): Omit<GraphDiff, 'from' | 'to'> {
  const before = new Map(a.nodes.map((n) => [n.id, n as unknown as Record<string, unknown>]));
  const after = new Map(b.nodes.map((n) => [n.id, n as unknown as Record<string, unknown>]));
  const added = [...after.keys()].filter((id) => !before.has(id));
  const removed = [...before.keys()].filter((id) => !after.has(id));
  const changed: { node_id: string; fields: string[] }[] = [];
  for (const [id, next] of after) {
    const prev = before.get(id);
    if (prev) {
      const fields = changedFields(prev, next);
      if (fields.length) changed.push({ node_id: id, fields });
    }
  }
  const top = changedFields(
    Object.fromEntries(Object.entries(a).filter(([k]) => k !== 'nodes' && k !== 'edges')),
    Object.fromEntries(Object.entries(b).filter(([k]) => k !== 'nodes' && k !== 'edges')),
  );
  return {
    nodes: { added, removed, changed },
    edges: { added: edgesMinus(b.edges, a.edges), removed: edgesMinus(a.edges, b.edges) },
    graph: top,
  };
}

function changedFields(a: Record<string, unknown>, b: Record<string, unknown>): string[] {
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  return keys.filter((k) => canonical(a[k]) !== canonical(b[k]));
}

const canonical = (v: unknown): string => (v === undefined ? '' : canonicalJson(v));

/** Edges of `xs` not in `ys`, counted as a multiset (a repeated edge removed once shows once). */
function edgesMinus(xs: GraphEdge[], ys: GraphEdge[]): GraphEdge[] {
  const left = new Map<string, number>();
  for (const e of ys) left.set(canonicalJson(e), (left.get(canonicalJson(e)) ?? 0) + 1);
  const out: GraphEdge[] = [];
  for (const e of xs) {
    const key = canonicalJson(e);
    const n = left.get(key) ?? 0;
    if (n > 0) left.set(key, n - 1);
    else out.push(e);
  }
  return out;
}
