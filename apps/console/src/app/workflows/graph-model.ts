import { Graph as DagreGraph, layout as dagreLayout } from '@dagrejs/dagre';
import type { GraphEdge, GraphIssue, GraphNode, GraphNodeKind, GraphSpec } from '@omniai/contracts';
import { nodePorts } from '@omniai/graphs';

/**
 * The builder's model, pure (no Angular): the spec is the one source of truth (nodes, edges and each node's
 * `position`); every edit is a function `spec → spec` recorded in the undo history; the canvas, inspector and issues
 * are views of it. Kept here so the jest specs cover the edits without a browser.
 */

export const SCHEMA = 'omni.graph/v1' as const;

export interface KindInfo {
  kind: GraphNodeKind;
  label: string;
  /** One line for the palette. */
  hint: string;
  /** A letter for the node's badge. */
  glyph: string;
}

export const NODE_KINDS: readonly KindInfo[] = [
  { kind: 'tool', label: 'Tool', hint: 'A registered tool with templated arguments', glyph: 'T' },
  { kind: 'model', label: 'Model', hint: 'One model call, optionally JSON with a schema', glyph: 'M' },
  { kind: 'agent', label: 'Agent', hint: 'One agent turn with its own tools (a child run)', glyph: 'A' },
  { kind: 'approval', label: 'Approval', hint: 'A human gate: approved, denied or timed out', glyph: '✓' },
  { kind: 'branch', label: 'Branch', hint: 'The first case whose condition holds', glyph: 'B' },
  { kind: 'parallel', label: 'Parallel', hint: 'Fan out, join all / any / first n', glyph: '∥' },
  { kind: 'map', label: 'Map', hint: 'The same step over every item of a list', glyph: '⋯' },
  { kind: 'wait', label: 'Wait', hint: 'A durable timer', glyph: 'W' },
  { kind: 'subgraph', label: 'Subgraph', hint: 'Another graph at a pinned version', glyph: 'S' },
  { kind: 'research', label: 'Research', hint: 'A cited research report over the project documents (a child run)', glyph: 'R' },
  { kind: 'output', label: 'Output', hint: "The graph's result", glyph: 'O' },
];

export const KIND_INFO: Readonly<Record<GraphNodeKind, KindInfo>> = Object.fromEntries(NODE_KINDS.map((k) => [k.kind, k])) as Record<GraphNodeKind, KindInfo>;

export function isNodeKind(value: unknown): value is GraphNodeKind {
  return typeof value === 'string' && value in KIND_INFO;
}

export function blankSpec(name = 'Untitled workflow'): GraphSpec {
  return { schema: SCHEMA, name, description: '', nodes: [], edges: [] } as unknown as GraphSpec;
}

/** `tool_1`, `tool_2`, …: the first id of that kind not taken. */
export function freshNodeId(spec: GraphSpec, kind: GraphNodeKind): string {
  const taken = new Set(spec.nodes.map((n) => n.id));
  for (let i = 1; ; i++) if (!taken.has(`${kind}_${i}`)) return `${kind}_${i}`;
}

/** A new node of a kind with fields that make sense to start from (validation says what is still missing). */
export function defaultNode(kind: GraphNodeKind, id: string, position: { x: number; y: number }, toolId = ''): GraphNode {
  const p = { x: Math.round(position.x), y: Math.round(position.y) };
  const base = { id, position: p };
  switch (kind) {
    case 'tool':
      return { ...base, kind, tool: { id: toolId }, arguments: {} };
    case 'model':
      return { ...base, kind, prompt: 'Summarize: {{ input }}' };
    case 'agent':
      return { ...base, kind, prompt: '{{ input }}' };
    case 'approval':
      return { ...base, kind, title: 'Approve this step', instructions: 'Check the data below, then approve or deny.', timeout_s: 86_400 };
    case 'branch':
      return { ...base, kind, cases: [{ id: 'yes', when: { '==': [{ var: 'input.ok' }, true] } }] };
    case 'parallel':
      return { ...base, kind, join: 'all', join_at: '' };
    case 'map':
      return {
        ...base,
        kind,
        items: { var: 'input.items' },
        body: { kind: 'tool', tool: { id: toolId }, arguments: { item: '{{ item }}' } },
        concurrency: 4,
        batch_size: 50,
        on_item_error: 'fail',
      };
    case 'wait':
      return { ...base, kind, duration_ms: 1000 };
    case 'subgraph':
      return { ...base, kind, graph_id: '', version: 1, input: '{{ input }}' };
    case 'research':
      return { ...base, kind, question: '{{ input.topic }}', depth: 2, max_sources: 12, plan_review: false };
    case 'output':
      return { ...base, kind, value: '{{ input }}' };
  }
}

// ---- edits: each returns a new spec (never mutates) ----

export function addNode(spec: GraphSpec, node: GraphNode): GraphSpec {
  return { ...spec, nodes: [...spec.nodes, node] };
}

/** Removes nodes and every edge touching them. */
export function removeNodes(spec: GraphSpec, ids: ReadonlySet<string>): GraphSpec {
  return {
    ...spec,
    nodes: spec.nodes.filter((n) => !ids.has(n.id)),
    edges: spec.edges.filter((e) => !ids.has(e.from) && !ids.has(e.to)),
  };
}

export function removeEdges(spec: GraphSpec, indices: ReadonlySet<number>): GraphSpec {
  return { ...spec, edges: spec.edges.filter((_, i) => !indices.has(i)) };
}

/** Adds `from --port--> to` unless the same edge exists or it would be a self-loop; null when nothing changes. */
export function connect(spec: GraphSpec, from: string, port: string, to: string): GraphSpec | null {
  if (from === to) return null;
  if (spec.edges.some((e) => e.from === from && e.to === to && (e.port ?? 'out') === port)) return null;
  const edge = { from, to, port } as GraphEdge;
  return { ...spec, edges: [...spec.edges, edge] };
}

/**
 * Sets (or, with `undefined`, removes) the condition of edge `index`; null when there is no such edge or nothing
 * changes. The caller checks the rule first (`checkExpression`): an invalid one never reaches the spec.
 */
export function setEdgeCondition(spec: GraphSpec, index: number, condition: unknown): GraphSpec | null {
  const edge = spec.edges[index];
  if (!edge) return null;
  if (condition === undefined) {
    if (edge.condition === undefined) return null;
    const rest = { from: edge.from, to: edge.to, port: edge.port } as GraphEdge;
    return { ...spec, edges: spec.edges.map((e, i) => (i === index ? rest : e)) };
  }
  if (JSON.stringify(edge.condition) === JSON.stringify(condition)) return null;
  const next = { ...edge, condition } as GraphEdge;
  return { ...spec, edges: spec.edges.map((e, i) => (i === index ? next : e)) };
}

export function moveNode(spec: GraphSpec, id: string, position: { x: number; y: number }): GraphSpec {
  const p = { x: Math.round(position.x), y: Math.round(position.y) };
  return { ...spec, nodes: spec.nodes.map((n) => (n.id === id ? ({ ...n, position: p } as GraphNode) : n)) };
}

/** Replaces a node (same id), dropping the edges whose port it no longer has (e.g. a removed branch case). */
export function replaceNode(spec: GraphSpec, node: GraphNode): GraphSpec {
  const nodes = spec.nodes.map((n) => (n.id === node.id ? node : n));
  const ports = new Set(safePorts(node));
  const edges = spec.edges.filter((e) => e.from !== node.id || ports.has(e.port ?? 'out'));
  return { ...spec, nodes, edges };
}

/** Renames a node, following it in edges and in `join_at` references; null when the id is taken. */
export function renameNode(spec: GraphSpec, from: string, to: string): GraphSpec | null {
  if (from === to) return spec;
  if (spec.nodes.some((n) => n.id === to)) return null;
  const nodes = spec.nodes.map((n) => {
    let next = n.id === from ? ({ ...n, id: to } as GraphNode) : n;
    if (next.kind === 'parallel' && next.join_at === from) next = { ...next, join_at: to };
    return next;
  });
  const edges = spec.edges.map((e) => ({ ...e, from: e.from === from ? to : e.from, to: e.to === from ? to : e.to }));
  return { ...spec, nodes, edges };
}

/** The ports a node may leave by (`nodePorts` of `@omniai/graphs`), tolerant of a half-edited node. */
export function safePorts(node: GraphNode): string[] {
  try {
    return nodePorts(node);
  } catch {
    return ['out', 'error'];
  }
}

// ---- layout ----

export const NODE_WIDTH = 210;
const PORT_ROW = 20;

/** A node's box on the canvas: tall enough for a row per port on its right side. */
export function nodeSize(node: GraphNode): { width: number; height: number } {
  return { width: NODE_WIDTH, height: Math.max(64, 28 + safePorts(node).length * PORT_ROW) };
}

/** The vertical offset of port `index` of `count` from the node's centre (the handles' `offsetY`). */
export function portOffset(index: number, count: number): number {
  return (index - (count - 1) / 2) * PORT_ROW;
}

/** Positions every node left to right with dagre (ranks by edges, spec order among ties). */
export function autoLayout(spec: GraphSpec): GraphSpec {
  const g = new DagreGraph({ multigraph: true });
  g.setGraph({ rankdir: 'LR', nodesep: 36, ranksep: 80, marginx: 20, marginy: 20 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const n of spec.nodes) g.setNode(n.id, nodeSize(n));
  spec.edges.forEach((e, i) => {
    if (g.hasNode(e.from) && g.hasNode(e.to)) g.setEdge(e.from, e.to, {}, `e${i}`);
  });
  dagreLayout(g);
  const nodes = spec.nodes.map((n) => {
    const at = g.node(n.id);
    const size = nodeSize(n);
    return { ...n, position: { x: Math.round(at.x - size.width / 2), y: Math.round(at.y - size.height / 2) } } as GraphNode;
  });
  return { ...spec, nodes };
}

/** Whether some node has no position yet (a spec written by hand or from the API): then the builder lays it out. */
export function needsLayout(spec: GraphSpec): boolean {
  return spec.nodes.some((n) => !n.position);
}

// ---- issues ----

/** Local (structure) and server (tools, policy, schemas) issues, each once. */
export function mergeIssues(...lists: ReadonlyArray<readonly GraphIssue[]>): GraphIssue[] {
  const seen = new Set<string>();
  const out: GraphIssue[] = [];
  for (const list of lists)
    for (const i of list) {
      const key = `${i.severity}|${i.code}|${i.node_id ?? ''}|${i.edge ?? ''}|${i.message}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(i);
    }
  return out.sort((a, b) => (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1));
}

export function issuesByNode(issues: readonly GraphIssue[]): Map<string, GraphIssue[]> {
  const map = new Map<string, GraphIssue[]>();
  for (const i of issues) if (i.node_id) map.set(i.node_id, [...(map.get(i.node_id) ?? []), i]);
  return map;
}

// ---- run input ----

/** A starting input from a JSON Schema: each property's default, example or an empty value of its type. */
export function sampleFromSchema(schema: unknown, depth = 0): unknown {
  if (!schema || typeof schema !== 'object' || depth > 6) return {};
  const s = schema as Record<string, unknown>;
  if ('default' in s) return s['default'];
  if (Array.isArray(s['examples']) && s['examples'].length) return s['examples'][0];
  if (Array.isArray(s['enum']) && s['enum'].length) return s['enum'][0];
  const type = Array.isArray(s['type']) ? s['type'][0] : s['type'];
  switch (type) {
    case 'string':
      return '';
    case 'number':
    case 'integer':
      return 0;
    case 'boolean':
      return false;
    case 'array':
      return [];
    case 'null':
      return null;
    default: {
      const props = (s['properties'] ?? {}) as Record<string, unknown>;
      return Object.fromEntries(Object.entries(props).map(([k, v]) => [k, sampleFromSchema(v, depth + 1)]));
    }
  }
}

// ---- undo / redo ----

/**
 * Snapshots of the spec, newest last. `push` records an edit (and drops the redo side); edits with the same
 * `coalesce` key in a row (typing in one field) replace the newest snapshot instead of adding one.
 */
export class History<T> {
  private readonly past: T[] = [];
  private readonly future: T[] = [];
  private lastKey: string | null = null;

  constructor(
    private current: T,
    private readonly limit = 200,
  ) {}

  get value(): T {
    return this.current;
  }
  get canUndo(): boolean {
    return this.past.length > 0;
  }
  get canRedo(): boolean {
    return this.future.length > 0;
  }

  push(next: T, coalesce?: string): void {
    if (next === this.current) return;
    if (!(coalesce && coalesce === this.lastKey && this.past.length)) {
      this.past.push(this.current);
      if (this.past.length > this.limit) this.past.shift();
    }
    this.current = next;
    this.future.length = 0;
    this.lastKey = coalesce ?? null;
  }

  undo(): T | null {
    const prev = this.past.pop();
    if (prev === undefined) return null;
    this.future.push(this.current);
    this.current = prev;
    this.lastKey = null;
    return prev;
  }

  redo(): T | null {
    const next = this.future.pop();
    if (next === undefined) return null;
    this.past.push(this.current);
    this.current = next;
    this.lastKey = null;
    return next;
  }

  /** Starts over from `value` (a loaded version): nothing to undo. */
  reset(value: T): void {
    this.past.length = 0;
    this.future.length = 0;
    this.current = value;
    this.lastKey = null;
  }
}
