import { GRAPH_LIMITS, GraphSpec, type GraphIssue } from '@omniai/contracts';
import { canonicalJson } from '@omniai/contracts/pure';
import { validateGraph, type ValidationContext } from './validate';

/**
 * `@omniai/graphs/parse`: a spec from the outside world (an HTTP body, the builder) to a typed `GraphSpec`, with zod's
 * errors turned into node-level issues. Kept out of the main entry so the workflow and console bundles stay zod-free.
 */
export type ParseResult = { ok: true; spec: GraphSpec } | { ok: false; issues: GraphIssue[] };

const utf8Bytes = (text: string): number => new TextEncoder().encode(text).length;

/**
 * Parses and normalises a spec (defaults filled in). Limits first, so a huge spec costs no schema walk: more than
 * {@link GRAPH_LIMITS.maxSpecBytes} canonical bytes → `too_large`, more than {@link GRAPH_LIMITS.maxNodes} nodes →
 * `too_many_nodes`, more than {@link GRAPH_LIMITS.maxEdges} edges → `too_many_edges`. Schema errors are issues with
 * code `unknown_node_kind` or `invalid_field`, pinned on the node or edge their path names.
 */
export function parseGraphSpec(raw: unknown): ParseResult {
  let text: string;
  try {
    text = canonicalJson(raw);
  } catch (err) {
    return fail('invalid_field', `The spec is not JSON: ${err instanceof Error ? err.message : String(err)}.`, null, null, '');
  }
  const bytes = utf8Bytes(text);
  if (bytes > GRAPH_LIMITS.maxSpecBytes)
    return fail('too_large', `The spec is ${bytes} bytes of canonical JSON; the limit is ${GRAPH_LIMITS.maxSpecBytes}.`, null, null, '');
  const record = typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? (raw as Record<string, unknown>) : {};
  const nodes = Array.isArray(record['nodes']) ? (record['nodes'] as unknown[]) : [];
  if (nodes.length > GRAPH_LIMITS.maxNodes)
    return fail('too_many_nodes', `The spec has ${nodes.length} nodes; the limit is ${GRAPH_LIMITS.maxNodes}.`, null, null, 'nodes');
  const edges = Array.isArray(record['edges']) ? (record['edges'] as unknown[]) : [];
  if (edges.length > GRAPH_LIMITS.maxEdges)
    return fail('too_many_edges', `The spec has ${edges.length} edges; the limit is ${GRAPH_LIMITS.maxEdges}.`, null, null, 'edges');

  const parsed = GraphSpec.safeParse(raw);
  if (parsed.success) return { ok: true, spec: parsed.data };
  return { ok: false, issues: parsed.error.issues.map((i) => toIssue(i, nodes)) };
}

/** Parses, then validates: the issues of both steps (`spec` is null when parsing failed). */
export function checkGraphSpec(raw: unknown, ctx?: ValidationContext): { spec: GraphSpec | null; issues: GraphIssue[] } {
  const parsed = parseGraphSpec(raw);
  if (!parsed.ok) return { spec: null, issues: parsed.issues };
  return { spec: parsed.spec, issues: validateGraph(parsed.spec, ctx) };
}

function fail(code: string, message: string, node_id: string | null, edge: number | null, path: string): ParseResult {
  return { ok: false, issues: [{ severity: 'error', code, message, node_id, edge, path }] };
}

const NODE_ID = /^[a-z][a-z0-9_]{0,62}$/;

type SchemaIssue = NonNullable<ReturnType<typeof GraphSpec.safeParse>['error']>['issues'][number];

function toIssue(i: SchemaIssue, nodes: unknown[]): GraphIssue {
  const path = i.path.map(String).join('.');
  let node_id: string | null = null;
  let edge: number | null = null;
  let where = path ? `"${path}"` : 'The spec';
  if (i.path[0] === 'nodes' && typeof i.path[1] === 'number') {
    const node = nodes[i.path[1]];
    const id = typeof node === 'object' && node !== null ? (node as Record<string, unknown>)['id'] : undefined;
    if (typeof id === 'string' && NODE_ID.test(id)) node_id = id;
    const rest = i.path.slice(2).map(String).join('.');
    where = `Node ${node_id ? `"${node_id}"` : i.path[1]}${rest ? `, field "${rest}"` : ''}`;
  } else if (i.path[0] === 'edges' && typeof i.path[1] === 'number') {
    edge = i.path[1];
    const rest = i.path.slice(2).map(String).join('.');
    where = `Edge ${edge}${rest ? `, field "${rest}"` : ''}`;
  }
  const unknownKind = i.path[0] === 'nodes' && i.path.length === 3 && i.path[2] === 'kind' && i.code === 'invalid_union';
  if (unknownKind) {
    const kind = (nodes[i.path[1] as number] as Record<string, unknown>)['kind'];
    return { severity: 'error', code: 'unknown_node_kind', message: `${where}: "${String(kind)}" is not a node kind.`, node_id, edge, path };
  }
  return { severity: 'error', code: 'invalid_field', message: `${where}: ${i.message}.`, node_id, edge, path };
}
