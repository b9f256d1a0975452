import { z } from 'zod';
import { JsonValue } from './json';
import { GRAPH_LIMITS, GRAPH_SCHEMA } from './pure/graphs';
import { RESEARCH_LIMITS } from './pure/research';
import { NodeValue, RunBudget } from './run-events';

/**
 * Workflow graphs, schema `omni.graph/v1` (docs/GRAPHS.md). A graph is a directed acyclic graph of nodes; a run of it is
 * one `graphRunWorkflow` that interprets the spec pinned at start (a graph version, identified by the sha256 of the
 * canonical spec). Conditions and templates are JSON Logic, evaluated deterministically inside the workflow with size
 * limits (`@omniai/graphs`); nothing a user writes is ever executed as code in the API or the worker.
 */

/** A node id: stable across versions, used in expressions (`nodes.<id>.output`). */
export const NodeId = z.string().regex(/^[a-z][a-z0-9_]{0,62}$/, 'node ids are lower case letters, digits and _, starting with a letter (at most 63)');
export type NodeId = z.infer<typeof NodeId>;

/**
 * A JSON Logic rule (https://jsonlogic.com): any JSON value, evaluated against the run's scope
 * `{ input, nodes: { <id>: { output, status, port } }, item, index }`. Operators are an allowlist (no `method`).
 */
export const Expression = JsonValue;
export type Expression = z.infer<typeof Expression>;

/**
 * A template: any JSON. Strings may hold `{{ path }}` placeholders (a JSON Logic `var` path into the scope; a string that
 * is exactly one placeholder yields the value itself, not its text); an object `{ "$logic": rule }` is replaced by the
 * rule's result.
 */
export const Template = JsonValue;
export type Template = z.infer<typeof Template>;

/** A JSON Schema (draft 2020-12) for graph input/output, a model node's output or an approval form. */
export const JsonSchemaObject = z.record(z.string(), JsonValue);
export type JsonSchemaObject = z.infer<typeof JsonSchemaObject>;

/** Retries of a node that failed (a node error, not an infrastructure retry: activities retry on their own). */
export const NodeRetry = z.strictObject({
  max_attempts: z.number().int().min(1).max(10),
  initial_interval_ms: z.number().int().min(0).max(3_600_000).default(1000),
  backoff: z.number().min(1).max(10).default(2),
});
export type NodeRetry = z.infer<typeof NodeRetry>;

/** Model pins a node may override (the rest come from the run's pins). */
export const NodePins = z.strictObject({
  provider: z.string().min(1).max(100).optional(),
  model: z.string().min(1).max(200).optional(),
  params: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).optional(),
});
export type NodePins = z.infer<typeof NodePins>;

/** A tool by id, optionally at an exact version (absent: the version the project resolves at run start). */
export const GraphToolRef = z.strictObject({ id: z.string().min(1).max(200), version: z.string().min(1).max(100).optional() });
export type GraphToolRef = z.infer<typeof GraphToolRef>;

const common = {
  id: NodeId,
  title: z.string().max(200).optional(),
  retry: NodeRetry.optional(),
  /** Time limit of one attempt; over it the attempt fails with E_NODE_TIMEOUT. */
  timeout_ms: z
    .number()
    .int()
    .min(100)
    .max(7 * 86_400_000)
    .optional(),
  /** Where the builder drew the node. */
  position: z.strictObject({ x: z.number(), y: z.number() }).optional(),
};

/** One agent turn (prompt, pins, tools, budget) as a child `agentRunWorkflow`: a run of its own, linked to this one. */
export const AgentNode = z.strictObject({
  ...common,
  kind: z.literal('agent'),
  prompt: Template,
  pins: NodePins.optional(),
  tools: z.array(GraphToolRef).max(64).optional(),
  budget: RunBudget.optional(),
});

/** One model call; with `output_schema` the reply must be JSON valid against it (the node's output is that JSON). */
export const ModelNode = z.strictObject({
  ...common,
  kind: z.literal('model'),
  system: Template.optional(),
  prompt: Template,
  output_schema: JsonSchemaObject.optional(),
  pins: NodePins.optional(),
});

/** A registered tool with templated arguments: policy, approval and sandbox exactly as in chat. */
export const ToolNode = z.strictObject({
  ...common,
  kind: z.literal('tool'),
  tool: GraphToolRef,
  arguments: Template,
});

/** A human gate. Ports: `out` (approved), `denied`, `timeout`. The reviewer's form input is the node's output. */
export const ApprovalNode = z.strictObject({
  ...common,
  kind: z.literal('approval'),
  title: z.string().min(1).max(200),
  instructions: Template.optional(),
  /** What the reviewer sees (rendered at request time; bound into the approval by hash). */
  show: Template.optional(),
  /** JSON Schema of what the reviewer fills in (validated by the API before the decision is recorded). */
  form_schema: JsonSchemaObject.optional(),
  /** Seconds to wait; then the `timeout` port (or, without a `timeout` edge, the node fails with E_APPROVAL_TIMEOUT). */
  timeout_s: z
    .number()
    .int()
    .min(1)
    .max(30 * 86_400)
    .default(86_400),
});

/** Declarative choice: the first case whose `when` holds takes its port (the case id); none → port `else`. */
export const BranchNode = z.strictObject({
  ...common,
  kind: z.literal('branch'),
  cases: z
    .array(z.strictObject({ id: NodeId, label: z.string().max(100).optional(), when: Expression }))
    .min(1)
    .max(32),
});

/**
 * Fan-out with join: every `out` edge starts a branch in parallel; the branches meet at `join_at`, which starts when
 * all (`all`), one (`any`) or `n` (`first_n`) of them arrived; branches still running then are cancelled (skipped).
 */
export const ParallelNode = z.strictObject({
  ...common,
  kind: z.literal('parallel'),
  join: z.enum(['all', 'any', 'first_n']).default('all'),
  n: z.number().int().min(1).max(64).optional(),
  join_at: NodeId,
});

/** What a `map` runs for each item (`item` and `index` are in scope). */
export const MapBody = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('tool'), tool: GraphToolRef, arguments: Template }),
  z.strictObject({
    kind: z.literal('model'),
    system: Template.optional(),
    prompt: Template,
    output_schema: JsonSchemaObject.optional(),
    pins: NodePins.optional(),
  }),
  z.strictObject({ kind: z.literal('subgraph'), graph_id: z.uuid(), version: z.number().int().positive(), input: Template }),
]);
export type MapBody = z.infer<typeof MapBody>;

/**
 * Runs `body` for every item of `items` (an expression yielding an array) with bounded concurrency, in child workflows
 * of `batch_size` items; the output is the array of results in item order. A tool that needs approval cannot run in a
 * map (put an approval node before it).
 */
export const MapNode = z.strictObject({
  ...common,
  kind: z.literal('map'),
  items: Expression,
  body: MapBody,
  concurrency: z.number().int().min(1).max(GRAPH_LIMITS.maxMapConcurrency).default(4),
  batch_size: z.number().int().min(1).max(GRAPH_LIMITS.maxMapBatchSize).default(50),
  /** `fail`: the first failed item fails the node; `continue`: failed items are `{ error: { code, message } }`. */
  on_item_error: z.enum(['fail', 'continue']).default('fail'),
});

/** A durable timer: for `duration_ms`, or until the time `until` renders to (ISO 8601). */
export const WaitNode = z.strictObject({
  ...common,
  kind: z.literal('wait'),
  duration_ms: z
    .number()
    .int()
    .min(0)
    .max(365 * 86_400_000)
    .optional(),
  until: Template.optional(),
});

/** Another graph at a pinned version, as a child run. */
export const SubgraphNode = z.strictObject({
  ...common,
  kind: z.literal('subgraph'),
  graph_id: z.uuid(),
  version: z.number().int().positive(),
  input: Template,
});

/**
 * A research run (docs/RESEARCH.md) as a child `researchWorkflow`: a run of its own (kind `research`), linked to this run
 * and node. `question` renders to a string (3 to 2000 characters). Only the project's documents are offered as a source
 * here: a web source needs the plan review, which belongs on the research page. The output is
 * `{ run_id, report_markdown, metrics, bibliography }`.
 */
export const ResearchNode = z.strictObject({
  ...common,
  kind: z.literal('research'),
  question: Template,
  sources: z.strictObject({ documents: z.boolean().default(true) }).optional(),
  /** How many results per sub-question are read: 1 → 2, 2 → 3, 3 → 5. */
  depth: z.number().int().min(1).max(3).default(2),
  /** Distinct sources read at most. */
  max_sources: z.number().int().min(1).max(RESEARCH_LIMITS.maxSources).default(RESEARCH_LIMITS.defaultMaxSources),
  /** Wait for a reviewer to edit and approve the plan (in the approvals inbox) before anything is read. */
  plan_review: z.boolean().default(false),
  pins: NodePins.optional(),
  budget: RunBudget.optional(),
});

/** The graph's result (validated against the graph's `output_schema` when there is one). */
export const OutputNode = z.strictObject({
  ...common,
  kind: z.literal('output'),
  value: Template,
});

export const GraphNode = z.discriminatedUnion('kind', [
  AgentNode,
  ModelNode,
  ToolNode,
  ApprovalNode,
  BranchNode,
  ParallelNode,
  MapNode,
  WaitNode,
  SubgraphNode,
  ResearchNode,
  OutputNode,
]);
export type GraphNode = z.infer<typeof GraphNode>;
export type GraphNodeKind = GraphNode['kind'];
export const GRAPH_NODE_KINDS = GraphNode.options.map((o) => o.shape.kind.value) as GraphNodeKind[];

/**
 * An edge leaves a node's port: `out` (success; for an approval, approved), `error` (the node failed after its retries:
 * without one the run fails naming the node), an approval's `denied` / `timeout`, a branch's case id or `else`.
 * With a `condition` it is taken only when that holds (scope: the source's output is `nodes.<from>.output`).
 */
export const GraphEdge = z.strictObject({
  from: NodeId,
  to: NodeId,
  port: z
    .string()
    .regex(/^[a-z][a-z0-9_]{0,62}$/)
    .default('out'),
  condition: Expression.optional(),
});
export type GraphEdge = z.infer<typeof GraphEdge>;

export const GraphSpec = z.strictObject({
  schema: z.literal(GRAPH_SCHEMA),
  name: z.string().trim().min(1).max(120),
  description: z.string().max(2000).default(''),
  input_schema: JsonSchemaObject.optional(),
  output_schema: JsonSchemaObject.optional(),
  nodes: z.array(GraphNode).min(1).max(GRAPH_LIMITS.maxNodes),
  edges: z.array(GraphEdge).max(GRAPH_LIMITS.maxEdges),
});
export type GraphSpec = z.infer<typeof GraphSpec>;

/** One problem validation found: `error`s refuse the spec, `warning`s (e.g. a tool the policy denies) do not. */
export const GraphIssue = z.strictObject({
  severity: z.enum(['error', 'warning']),
  /** Stable: `unknown_tool`, `cycle`, `unreachable`, `missing_input`, `bad_expression`, `schema_mismatch`, … */
  code: z.string(),
  message: z.string(),
  /** The node the issue is pinned on (the builder shows it there). */
  node_id: NodeId.nullable(),
  /** Index of the edge, when the issue is an edge's. */
  edge: z.number().int().nonnegative().nullable(),
  /** Path inside the spec, e.g. `nodes.2.prompt`. */
  path: z.string(),
});
export type GraphIssue = z.infer<typeof GraphIssue>;

/** `POST /v1/projects/:projectId/graphs/validate` answer (nothing is saved). */
export const GraphValidation = z.strictObject({ valid: z.boolean(), spec_hash: z.string().nullable(), issues: z.array(GraphIssue) });
export type GraphValidation = z.infer<typeof GraphValidation>;

export const Graph = z.strictObject({
  id: z.uuid(),
  project_id: z.uuid(),
  name: z.string(),
  description: z.string(),
  latest_version: z.number().int().positive(),
  created_by: z.string(),
  created_at: z.iso.datetime(),
  updated_at: z.iso.datetime(),
  /** The latest run of any version, if any. */
  last_run: z.strictObject({ id: z.uuid(), status: z.string(), created_at: z.iso.datetime() }).nullable(),
});
export type Graph = z.infer<typeof Graph>;

/** An immutable version: editing a graph creates the next one; runs pin one by `spec_hash`. */
export const GraphVersionSummary = z.strictObject({
  graph_id: z.uuid(),
  version: z.number().int().positive(),
  spec_hash: z.string(),
  note: z.string(),
  created_by: z.string(),
  created_at: z.iso.datetime(),
});
export type GraphVersionSummary = z.infer<typeof GraphVersionSummary>;

export const GraphVersion = GraphVersionSummary.extend({ spec: GraphSpec });
export type GraphVersion = z.infer<typeof GraphVersion>;

/** `GET /v1/graphs/:graphId`: the graph with its latest version. */
export const GraphDetail = z.strictObject({ graph: Graph, version: GraphVersion });
export type GraphDetail = z.infer<typeof GraphDetail>;

/** `POST /v1/projects/:projectId/graphs` (a new graph at version 1) and `POST /v1/graphs/:graphId/versions`. */
export const SaveGraphRequest = z.strictObject({ spec: z.unknown(), note: z.string().trim().max(500).default('') });
export type SaveGraphRequest = z.infer<typeof SaveGraphRequest>;

/** `POST /v1/projects/:projectId/graphs/validate` */
export const ValidateGraphRequest = z.strictObject({ spec: z.unknown() });
export type ValidateGraphRequest = z.infer<typeof ValidateGraphRequest>;

/** `GET /v1/graphs/:graphId/diff?from=&to=` */
export const GraphDiffQuery = z.strictObject({ from: z.coerce.number().int().positive(), to: z.coerce.number().int().positive() });
export type GraphDiffQuery = z.infer<typeof GraphDiffQuery>;

/** What changed between two versions, node by node (fields compared on the canonical JSON). */
export const GraphDiff = z.strictObject({
  from: z.number().int(),
  to: z.number().int(),
  nodes: z.strictObject({
    added: z.array(NodeId),
    removed: z.array(NodeId),
    changed: z.array(z.strictObject({ node_id: NodeId, fields: z.array(z.string()) })),
  }),
  edges: z.strictObject({ added: z.array(GraphEdge), removed: z.array(GraphEdge) }),
  /** Top-level fields that changed (`name`, `input_schema`, …). */
  graph: z.array(z.string()),
});
export type GraphDiff = z.infer<typeof GraphDiff>;

/** `POST /v1/graphs/:graphId/runs`: input is validated against the version's `input_schema` (422 with field errors). */
export const StartGraphRunRequest = z.strictObject({
  input: JsonValue.default({}),
  /** A version number; absent: the latest. */
  version: z.number().int().positive().optional(),
  budget: RunBudget.optional(),
});
export type StartGraphRunRequest = z.infer<typeof StartGraphRunRequest>;

/** A node's state in a run, folded from its `node_*` events (`projectNodeStates` in `@omniai/graphs`). */
export const NodeRunStatus = z.enum(['pending', 'running', 'waiting_approval', 'completed', 'failed', 'skipped']);
export type NodeRunStatus = z.infer<typeof NodeRunStatus>;

export const NodeState = z.strictObject({
  node_id: NodeId,
  kind: z.string(),
  status: NodeRunStatus,
  attempts: z.number().int().nonnegative(),
  started_at: z.iso.datetime().nullable(),
  ended_at: z.iso.datetime().nullable(),
  duration_ms: z.number().nonnegative().nullable(),
  cost_usd: z.number().nonnegative(),
  port: z.string().nullable(),
  output: NodeValue.nullable(),
  error: z.strictObject({ code: z.string(), message: z.string() }).nullable(),
  child_run_id: z.uuid().nullable(),
  approval_id: z.string().nullable(),
  /** Seqs of this node's events, for the drawer. */
  seqs: z.array(z.number().int().positive()),
});
export type NodeState = z.infer<typeof NodeState>;

/** `GET /v1/runs/:runId/nodes`: the per-node projection of a graph run. */
export const RunNodes = z.strictObject({ run_id: z.uuid(), graph_id: z.uuid(), version: z.number().int(), nodes: z.array(NodeState) });
export type RunNodes = z.infer<typeof RunNodes>;

/** A graph template the console offers under "New from template" (all run offline). */
export const GraphTemplate = z.strictObject({ id: z.string(), name: z.string(), description: z.string(), spec: GraphSpec, sample_input: JsonValue });
export type GraphTemplate = z.infer<typeof GraphTemplate>;
