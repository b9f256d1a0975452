import type { GraphEdge, GraphNode, GraphSpec } from '@omniai/contracts';

/**
 * The shape of a spec the validator and the interpreter both walk: nodes by id, edges by endpoint, the start nodes and
 * a topological order. Built the same way everywhere (the workflow, the API, the console), so all three agree on what
 * "upstream" means.
 */
export interface GraphPlan {
  /** Nodes by id (the first of duplicate ids wins; validation reports the others). */
  nodes: Map<string, GraphNode>;
  /** Edges into each node, in spec order (every node has an entry; edges naming unknown nodes are left out). */
  incoming: Map<string, GraphEdge[]>;
  /** Edges out of each node, in spec order. */
  outgoing: Map<string, GraphEdge[]>;
  /** Nodes without incoming edges, in spec order: a run starts them all. */
  starts: string[];
  /** Topological order, spec order among ties. When the graph is cyclic, the nodes of and behind a cycle come last, in spec order. */
  order: string[];
  /** Whether the edges form a cycle (validation refuses such a spec). */
  cyclic: boolean;
}

/** The ports a node may leave by: every node `out` and `error`; an approval `denied` and `timeout`; a branch its case ids and `else`. */
export function nodePorts(node: GraphNode): string[] {
  switch (node.kind) {
    case 'approval':
      return ['out', 'denied', 'timeout', 'error'];
    case 'branch':
      return [...node.cases.map((c) => c.id), 'else', 'error'];
    default:
      return ['out', 'error'];
  }
}

export function graphPlan(spec: GraphSpec): GraphPlan {
  const nodes = new Map<string, GraphNode>();
  const rank = new Map<string, number>();
  for (const node of spec.nodes) {
    if (nodes.has(node.id)) continue;
    rank.set(node.id, nodes.size);
    nodes.set(node.id, node);
  }
  const incoming = new Map<string, GraphEdge[]>();
  const outgoing = new Map<string, GraphEdge[]>();
  for (const id of nodes.keys()) {
    incoming.set(id, []);
    outgoing.set(id, []);
  }
  for (const edge of spec.edges) {
    if (!nodes.has(edge.from) || !nodes.has(edge.to)) continue;
    outgoing.get(edge.from)!.push(edge);
    incoming.get(edge.to)!.push(edge);
  }
  const starts = [...nodes.keys()].filter((id) => incoming.get(id)!.length === 0);

  // Kahn's algorithm; the ready set is kept sorted by spec order so the order is stable and readable.
  const remaining = new Map<string, number>();
  for (const id of nodes.keys()) remaining.set(id, new Set(incoming.get(id)!.map((e) => e.from)).size);
  const ready = [...starts];
  const order: string[] = [];
  while (ready.length) {
    const id = ready.shift()!;
    order.push(id);
    for (const next of new Set(outgoing.get(id)!.map((e) => e.to))) {
      const left = remaining.get(next)! - 1;
      remaining.set(next, left);
      if (left === 0) insertByRank(ready, next, rank);
    }
  }
  const cyclic = order.length < nodes.size;
  if (cyclic) {
    const placed = new Set(order);
    for (const id of nodes.keys()) if (!placed.has(id)) order.push(id);
  }
  return { nodes, incoming, outgoing, starts, order, cyclic };
}

function insertByRank(list: string[], id: string, rank: Map<string, number>): void {
  const r = rank.get(id)!;
  let i = list.length;
  while (i > 0 && rank.get(list[i - 1]!)! > r) i--;
  list.splice(i, 0, id);
}

/** Nodes from which `id` can be reached (not `id` itself unless it is on a cycle). */
export function ancestors(plan: GraphPlan, id: string): Set<string> {
  return walk(plan.incoming, [id], (e) => e.from);
}

/** Nodes reachable from `id` (not `id` itself unless it is on a cycle). */
export function descendants(plan: GraphPlan, id: string): Set<string> {
  return walk(plan.outgoing, [id], (e) => e.to);
}

/** Nodes reachable from any of `ids`, including them. */
export function reachableFrom(plan: GraphPlan, ids: Iterable<string>): Set<string> {
  const list = [...ids].filter((id) => plan.nodes.has(id));
  const seen = walk(plan.outgoing, list, (e) => e.to);
  for (const id of list) seen.add(id);
  return seen;
}

function walk(edges: Map<string, GraphEdge[]>, from: string[], next: (e: GraphEdge) => string): Set<string> {
  const seen = new Set<string>();
  const stack = [...from];
  while (stack.length) {
    const id = stack.pop()!;
    for (const edge of edges.get(id) ?? []) {
      const n = next(edge);
      if (!seen.has(n)) {
        seen.add(n);
        stack.push(n);
      }
    }
  }
  return seen;
}

/**
 * The cycles of the graph: its strongly connected components with more than one node, or one node with an edge to
 * itself. Each is listed in spec order (Tarjan's algorithm, iterative so 500 nodes never exhaust the stack).
 */
export function graphCycles(plan: GraphPlan): string[][] {
  const ids = [...plan.nodes.keys()];
  const rank = new Map(ids.map((id, i) => [id, i]));
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const cycles: string[][] = [];
  let counter = 0;
  for (const root of ids) {
    if (index.has(root)) continue;
    const frames: { id: string; next: number; succ: string[] }[] = [];
    const open = (id: string): void => {
      index.set(id, counter);
      low.set(id, counter);
      counter++;
      stack.push(id);
      onStack.add(id);
      frames.push({ id, next: 0, succ: [...new Set(plan.outgoing.get(id)!.map((e) => e.to))] });
    };
    open(root);
    while (frames.length) {
      const frame = frames[frames.length - 1]!;
      if (frame.next < frame.succ.length) {
        const w = frame.succ[frame.next++]!;
        if (!index.has(w)) open(w);
        else if (onStack.has(w)) low.set(frame.id, Math.min(low.get(frame.id)!, index.get(w)!));
        continue;
      }
      frames.pop();
      const parent = frames[frames.length - 1];
      if (parent) low.set(parent.id, Math.min(low.get(parent.id)!, low.get(frame.id)!));
      if (low.get(frame.id) === index.get(frame.id)) {
        const component: string[] = [];
        let w: string;
        do {
          w = stack.pop()!;
          onStack.delete(w);
          component.push(w);
        } while (w !== frame.id);
        const selfLoop = component.length === 1 && plan.outgoing.get(frame.id)!.some((e) => e.to === frame.id);
        if (component.length > 1 || selfLoop) cycles.push(component.sort((a, b) => rank.get(a)! - rank.get(b)!));
      }
    }
  }
  return cycles.sort((a, b) => rank.get(a[0]!)! - rank.get(b[0]!)!);
}
