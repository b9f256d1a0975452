/**
 * The values of the graph contracts (`omni.graph/v1`, docs/GRAPHS.md) without zod: the graph language
 * (`@omniai/graphs`), the workflow bundle and the console read them from here; `../graphs.ts` builds the schemas on them.
 */
import { RESEARCH_LIMITS } from './research';

export const GRAPH_SCHEMA = 'omni.graph/v1';

/** Limits of one spec; over them the API answers 413 (`E_PAYLOAD_TOO_LARGE`) naming the limit. */
export const GRAPH_LIMITS = {
  /** Canonical JSON bytes of a whole spec. */
  maxSpecBytes: 1_000_000,
  maxNodes: 500,
  maxEdges: 2_000,
  /** Canonical JSON bytes of one expression or template. */
  maxExpressionBytes: 16_384,
  /** Nesting depth of one expression or template. */
  maxExpressionDepth: 32,
  /** Items one `map` node may iterate over. */
  maxMapItems: 10_000,
  maxMapConcurrency: 32,
  maxMapBatchSize: 500,
  /** Bytes of a value a template or expression may produce (a bigger one is a node error, E_GRAPH_EXPRESSION). */
  maxValueBytes: 1_000_000,
} as const;

/**
 * An approval node of a graph is reviewed like a call of this pseudo tool (so the inbox, hash check, rules, expiry and
 * doorbell apply unchanged): `call_id` is `<node_id>#<attempt>`, `manifest_hash` the graph version's spec hash, and the
 * reviewed arguments are `{ title, instructions, show, form_schema }` as rendered, carried by the node's `node_started`
 * event (`input`).
 */
export const GRAPH_GATE_TOOL_ID = 'graph.approval';

/** Characters a research node's rendered question may have (trimmed): the research run's own limits. */
export const RESEARCH_NODE_QUESTION = { min: 3, max: RESEARCH_LIMITS.questionChars } as const;

/** The fields of a research node's output (`nodes.<id>.output.<field>`). */
export const RESEARCH_NODE_OUTPUT_FIELDS = ['run_id', 'report_markdown', 'metrics', 'bibliography'] as const;
