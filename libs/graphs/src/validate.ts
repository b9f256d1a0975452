import type { GraphEdge, GraphIssue, GraphNode, GraphSpec, GraphToolRef } from '@omniai/contracts';
import { canonicalJson, RESEARCH_NODE_OUTPUT_FIELDS, RESEARCH_NODE_QUESTION } from '@omniai/contracts/pure';
import { checkExpression, checkTemplate, expressionPaths, templatePaths } from './expressions';
import { ancestors, graphCycles, graphPlan, nodePorts, reachableFrom, type GraphPlan } from './plan';

/** What validation knows about a tool, as the project resolves it (the API and the console fill this in). */
export interface ToolInfo {
  id: string;
  version: string;
  input_schema: Record<string, unknown> | null;
  output_schema: Record<string, unknown> | null;
  requires_approval: boolean;
  /** The project's policy refuses it (a warning: the run would record `policy_denied` on the node). */
  denied: boolean;
}

/** Lookups validation needs beyond the spec; without a context, tools and subgraphs are not checked. */
export interface ValidationContext {
  tool(id: string, version?: string): ToolInfo | null;
  graph(graphId: string, version: number): { input_schema?: Record<string, unknown>; output_schema?: Record<string, unknown> } | null;
}

/** The canonical JSON text of a spec (keys sorted, no whitespace): its sha256 is the version's `spec_hash`. */
export function canonicalSpec(spec: GraphSpec): string {
  return canonicalJson(spec);
}

/** Every tool and subgraph a spec names (tool, agent and map nodes; subgraph nodes and map bodies), without repeats. */
export function collectRefs(spec: GraphSpec): { tools: GraphToolRef[]; graphs: { graph_id: string; version: number }[] } {
  const tools = new Map<string, GraphToolRef>();
  const graphs = new Map<string, { graph_id: string; version: number }>();
  const tool = (ref: GraphToolRef): void => {
    const key = `${ref.id}@${ref.version ?? ''}`;
    if (!tools.has(key)) tools.set(key, ref.version === undefined ? { id: ref.id } : { id: ref.id, version: ref.version });
  };
  const graph = (graph_id: string, version: number): void => {
    const key = `${graph_id}@${version}`;
    if (!graphs.has(key)) graphs.set(key, { graph_id, version });
  };
  for (const node of spec.nodes) {
    if (node.kind === 'tool') tool(node.tool);
    else if (node.kind === 'agent') (node.tools ?? []).forEach(tool);
    else if (node.kind === 'subgraph') graph(node.graph_id, node.version);
    else if (node.kind === 'map') {
      if (node.body.kind === 'tool') tool(node.body.tool);
      else if (node.body.kind === 'subgraph') graph(node.body.graph_id, node.body.version);
    }
  }
  return { tools: [...tools.values()], graphs: [...graphs.values()] };
}

type Schema = Record<string, unknown>;

/**
 * Every problem of a parsed spec (see docs/GRAPHS.md "Validation" for the codes): errors refuse the spec, warnings
 * do not. Issues are pinned on a node (`node_id`) or an edge (`edge`) with the path inside the spec. Pure and
 * deterministic: the console runs it live, the API before saving, the interpreter trusts a spec that passed it.
 */
export function validateGraph(spec: GraphSpec, ctx?: ValidationContext): GraphIssue[] {
  const issues: GraphIssue[] = [];
  const issue = (
    severity: GraphIssue['severity'],
    code: string,
    message: string,
    at: { node_id?: string | null; edge?: number | null; path: string },
  ): void => {
    issues.push({ severity, code, message, node_id: at.node_id ?? null, edge: at.edge ?? null, path: at.path });
  };
  const plan = graphPlan(spec);
  const indexOf = new Map<string, number>();
  spec.nodes.forEach((node, i) => {
    if (indexOf.has(node.id))
      issue('error', 'duplicate_node', `Node "${node.id}" is defined twice (nodes ${indexOf.get(node.id)} and ${i}); node ids must be unique.`, {
        node_id: node.id,
        path: `nodes.${i}.id`,
      });
    else indexOf.set(node.id, i);
  });

  // Helpers for paths, templates, expressions, tools and subgraphs.
  const inputProps = schemaProperties(spec.input_schema);
  const checkPaths = (
    paths: string[],
    upstream: Set<string>,
    inMap: boolean,
    what: string,
    at: { node_id: string | null; edge?: number | null; path: string },
  ): void => {
    for (const p of new Set(paths)) {
      const problem = pathProblem(p, upstream, inMap);
      if (problem) issue(problem.severity, 'missing_input', `${what} refers to "${p}": ${problem.message}.`, at);
    }
  };
  const pathProblem = (p: string, upstream: Set<string>, inMap: boolean): { severity: GraphIssue['severity']; message: string } | null => {
    const [root, second, third, fourth] = p.split('.');
    if (root === 'input') {
      if (second !== undefined && inputProps && !Object.hasOwn(inputProps, second))
        return { severity: 'error', message: `the input schema has no property "${second}"` };
      return null;
    }
    if (root === 'item' || root === 'index') return inMap ? null : { severity: 'error', message: `"${root}" exists only inside a map node's body` };
    if (root !== 'nodes') return { severity: 'error', message: 'expressions see only input, nodes, item and index' };
    if (second === undefined) return null;
    if (!plan.nodes.has(second)) return { severity: 'error', message: `there is no node "${second}"` };
    if (!upstream.has(second)) return { severity: 'error', message: `node "${second}" does not run before it (it is not upstream)` };
    if (third !== undefined && !['output', 'status', 'port'].includes(third))
      return { severity: 'error', message: `a node exposes only output, status and port` };
    if (third === 'output' && fourth !== undefined) {
      const source = plan.nodes.get(second)!;
      const props = source.kind === 'model' ? schemaProperties(source.output_schema) : null;
      if (props && !Object.hasOwn(props, fourth)) {
        const closed = source.kind === 'model' && source.output_schema?.['additionalProperties'] === false;
        return { severity: closed ? 'error' : 'warning', message: `the output schema of "${second}" has no property "${fourth}"` };
      }
      // A research node's output has a fixed shape.
      if (source.kind === 'research' && !(RESEARCH_NODE_OUTPUT_FIELDS as readonly string[]).includes(fourth))
        return { severity: 'error', message: `a research node's output has only ${RESEARCH_NODE_OUTPUT_FIELDS.join(', ')}` };
    }
    return null;
  };
  const template = (value: unknown, upstream: Set<string>, inMap: boolean, node: string, path: string, what: string): void => {
    if (value === undefined) return;
    const problem = checkTemplate(value);
    if (problem) issue('error', 'bad_expression', `Node "${node}", ${what}: ${problem}.`, { node_id: node, path });
    else checkPaths(templatePaths(value), upstream, inMap, `Node "${node}", ${what},`, { node_id: node, path });
  };
  const expression = (value: unknown, upstream: Set<string>, node: string, path: string, what: string): void => {
    const problem = checkExpression(value);
    if (problem) issue('error', 'bad_expression', `Node "${node}", ${what}: ${problem}.`, { node_id: node, path });
    else checkPaths(expressionPaths(value), upstream, false, `Node "${node}", ${what},`, { node_id: node, path });
  };
  const toolRef = (ref: GraphToolRef, node: string, path: string, inMap: boolean): ToolInfo | null => {
    if (!ctx) return null;
    const info = ctx.tool(ref.id, ref.version);
    const named = ref.version ? `${ref.id}@${ref.version}` : ref.id;
    if (!info) {
      issue('error', 'unknown_tool', `Node "${node}" uses the tool "${named}", which this project does not have.`, { node_id: node, path });
      return null;
    }
    if (info.denied)
      issue(
        'warning',
        'policy_denied',
        `Node "${node}" uses the tool "${named}", which the project's policy denies: the run would fail there (or follow its error edge).`,
        { node_id: node, path },
      );
    if (inMap && info.requires_approval)
      issue(
        'error',
        'approval_in_map',
        `Node "${node}" maps the tool "${named}", which needs approval: a map cannot stop for a reviewer per item. Put an approval node before the map and use a tool that needs none.`,
        { node_id: node, path },
      );
    return info;
  };
  const subgraph = (graphId: string, version: number, input: unknown, node: string, path: string): void => {
    if (!ctx) return;
    const child = ctx.graph(graphId, version);
    if (!child)
      issue('error', 'unknown_graph', `Node "${node}" runs graph ${graphId} version ${version}, which does not exist in this project.`, {
        node_id: node,
        path,
      });
    else if (child.input_schema) schemaMismatch(input, child.input_schema, node, `${path}.input`, `the input of graph ${graphId} v${version}`);
  };
  // The schema of a scope path where the spec (input schema, model output schemas) or the context (tool output
  // schemas) declares it.
  const schemaOfPath = (p: string): Schema | null => {
    const [root, id, field, ...rest] = p.split('.');
    if (root === 'input') return schemaAt(spec.input_schema, p.split('.').slice(1));
    if (root !== 'nodes' || id === undefined) return null;
    if (field === 'status' || field === 'port') return rest.length ? null : { type: 'string' };
    if (field !== 'output') return null;
    const source = plan.nodes.get(id);
    if (source?.kind === 'model') return schemaAt(source.output_schema, rest);
    if (source?.kind === 'tool' && ctx) return schemaAt(ctx.tool(source.tool.id, source.tool.version)?.output_schema, rest);
    return null;
  };
  const schemaMismatch = (value: unknown, schema: Schema, node: string, path: string, against: string): void => {
    for (const m of templateMismatches(value, schema, '', schemaOfPath)) {
      issue('error', 'schema_mismatch', `Node "${node}": ${m.where ? `"${m.where}"` : 'the value'} ${m.message} (${against}).`, {
        node_id: node,
        path: m.where ? `${path}.${m.where}` : path,
      });
    }
  };

  // Edges: endpoints, ports, repeats, conditions.
  const seenEdges = new Map<string, number>();
  spec.edges.forEach((edge, i) => {
    const path = `edges.${i}`;
    const name = `Edge ${i} ("${edge.from}".${edge.port} → "${edge.to}")`;
    const from = plan.nodes.get(edge.from);
    if (!from) issue('error', 'unknown_node', `Edge ${i} leaves "${edge.from}", which is not a node of this graph.`, { edge: i, path: `${path}.from` });
    if (!plan.nodes.has(edge.to))
      issue('error', 'unknown_node', `Edge ${i} from "${edge.from}" leads to "${edge.to}", which is not a node of this graph.`, {
        node_id: from ? edge.from : null,
        edge: i,
        path: `${path}.to`,
      });
    if (from && !nodePorts(from).includes(edge.port))
      issue('error', 'unknown_port', `Node "${edge.from}" (${from.kind}) has no port "${edge.port}"; its ports are ${nodePorts(from).join(', ')}.`, {
        node_id: edge.from,
        edge: i,
        path: `${path}.port`,
      });
    const key = `${edge.from}|${edge.port}|${edge.to}|${edge.condition === undefined ? '' : canonicalJson(edge.condition)}`;
    if (seenEdges.has(key))
      issue('warning', 'duplicate_edge', `${name} repeats edge ${seenEdges.get(key)}.`, {
        node_id: edge.from,
        edge: i,
        path,
      });
    else seenEdges.set(key, i);
    if (edge.condition !== undefined) {
      const problem = checkExpression(edge.condition);
      if (problem)
        issue('error', 'bad_expression', `The condition of ${name.toLowerCase()}: ${problem}.`, {
          node_id: edge.from,
          edge: i,
          path: `${path}.condition`,
        });
      else if (from) {
        // The condition is evaluated when its source ended: the source and its ancestors are in scope.
        const upstream = ancestors(plan, edge.from);
        upstream.add(edge.from);
        checkPaths(expressionPaths(edge.condition), upstream, false, `The condition of ${name.toLowerCase()}`, {
          node_id: edge.from,
          edge: i,
          path: `${path}.condition`,
        });
      }
    }
  });

  // Cycles and reachability.
  for (const cycle of graphCycles(plan)) {
    const members = new Set(cycle);
    const closing = spec.edges.findIndex((e) => members.has(e.from) && members.has(e.to) && (cycle.length > 1 || e.from === e.to));
    issue(
      'error',
      'cycle',
      cycle.length === 1
        ? `Node "${cycle[0]}" has an edge to itself. Graphs are acyclic: repeat work with a map node or the node's retry policy.`
        : `Nodes ${cycle.map((id) => `"${id}"`).join(', ')} form a cycle. Graphs are acyclic: repeat work with a map node or a node's retry policy.`,
      { node_id: cycle[0]!, edge: closing >= 0 ? closing : null, path: closing >= 0 ? `edges.${closing}` : `nodes.${indexOf.get(cycle[0]!)}` },
    );
  }
  const reached = reachableFrom(plan, plan.starts);
  for (const [id] of plan.nodes) {
    const at = { node_id: id, path: `nodes.${indexOf.get(id)}` };
    if (!reached.has(id)) issue('error', 'unreachable', `Node "${id}" can never run: every path to it goes through a cycle.`, at);
    else if (plan.nodes.size > 1 && plan.incoming.get(id)!.length === 0 && plan.outgoing.get(id)!.length === 0)
      issue('warning', 'unreachable', `Node "${id}" is not connected to any other node: it would run on its own at the start of every run.`, at);
  }
  if (![...plan.nodes.values()].some((n) => n.kind === 'output'))
    issue('error', 'no_output', 'The graph has no output node: add one to say what a run returns.', { path: 'nodes' });

  // Nodes: their expressions, templates, references and kind-specific rules.
  spec.nodes.forEach((node, i) => {
    if (plan.nodes.get(node.id) !== node) return; // a duplicate, reported above
    checkNode(node, `nodes.${i}`, ancestors(plan, node.id));
  });

  /**
   * A literal question must fit the run's limits; a templated one is checked when it renders (a node error then). Graph
   * research nodes search the project's documents only: web sources need the plan review of the research page.
   */
  function checkResearch(node: Extract<GraphNode, { kind: 'research' }>, path: string): void {
    const q = node.question;
    const at = { node_id: node.id, path: `${path}.question` };
    if (typeof q === 'string') {
      const literal = !/\{\{[\s\S]*?\}\}/.test(q);
      const length = q.trim().length;
      if (literal && (length < RESEARCH_NODE_QUESTION.min || length > RESEARCH_NODE_QUESTION.max))
        issue(
          'error',
          'bad_question',
          `Research "${node.id}": the question must be ${RESEARCH_NODE_QUESTION.min} to ${RESEARCH_NODE_QUESTION.max} characters (it has ${length}).`,
          at,
        );
    } else if (!(q !== null && typeof q === 'object' && !Array.isArray(q) && Object.hasOwn(q, '$logic')))
      issue('error', 'bad_question', `Research "${node.id}": the question is text, a "{{ path }}" template or a { "$logic": rule } that yields text.`, at);
    if (node.sources?.documents === false)
      issue(
        'error',
        'no_source',
        `Research "${node.id}" has no source: in a graph a research node searches the project's documents (web and MCP sources need the plan review of the research page).`,
        { node_id: node.id, path: `${path}.sources.documents` },
      );
  }

  function checkNode(node: GraphNode, path: string, up: Set<string>): void {
    const id = node.id;
    switch (node.kind) {
      case 'agent':
        template(node.prompt, up, false, id, `${path}.prompt`, 'prompt');
        (node.tools ?? []).forEach((t, j) => toolRef(t, id, `${path}.tools.${j}`, false));
        break;
      case 'model':
        template(node.system, up, false, id, `${path}.system`, 'system prompt');
        template(node.prompt, up, false, id, `${path}.prompt`, 'prompt');
        break;
      case 'tool': {
        template(node.arguments, up, false, id, `${path}.arguments`, 'arguments');
        const info = toolRef(node.tool, id, `${path}.tool`, false);
        if (info?.input_schema) schemaMismatch(node.arguments, info.input_schema, id, `${path}.arguments`, `the input schema of ${info.id}`);
        break;
      }
      case 'approval':
        template(node.instructions, up, false, id, `${path}.instructions`, 'instructions');
        template(node.show, up, false, id, `${path}.show`, 'what it shows');
        break;
      case 'branch': {
        const seen = new Set<string>();
        node.cases.forEach((c, j) => {
          if (seen.has(c.id) || c.id === 'else' || c.id === 'error')
            issue(
              'error',
              'duplicate_port',
              `Branch "${id}": case id "${c.id}" ${seen.has(c.id) ? 'is used twice' : 'is reserved (else, error)'}; case ids name the branch's ports.`,
              { node_id: id, path: `${path}.cases.${j}.id` },
            );
          seen.add(c.id);
          expression(c.when, up, id, `${path}.cases.${j}.when`, `case "${c.id}"`);
        });
        break;
      }
      case 'parallel':
        checkParallel(node, path, plan);
        break;
      case 'map': {
        expression(node.items, up, id, `${path}.items`, 'items');
        const body = node.body;
        if (body.kind === 'tool') {
          template(body.arguments, up, true, id, `${path}.body.arguments`, 'body arguments');
          const info = toolRef(body.tool, id, `${path}.body.tool`, true);
          if (info?.input_schema) schemaMismatch(body.arguments, info.input_schema, id, `${path}.body.arguments`, `the input schema of ${info.id}`);
        } else if (body.kind === 'model') {
          template(body.system, up, true, id, `${path}.body.system`, 'body system prompt');
          template(body.prompt, up, true, id, `${path}.body.prompt`, 'body prompt');
        } else {
          template(body.input, up, true, id, `${path}.body.input`, 'body input');
          subgraph(body.graph_id, body.version, body.input, id, `${path}.body`);
        }
        break;
      }
      case 'wait':
        if ((node.duration_ms === undefined) === (node.until === undefined))
          issue('error', 'bad_wait', `Wait "${id}" needs exactly one of duration_ms or until.`, { node_id: id, path });
        template(node.until, up, false, id, `${path}.until`, 'until');
        break;
      case 'subgraph':
        template(node.input, up, false, id, `${path}.input`, 'input');
        subgraph(node.graph_id, node.version, node.input, id, path);
        break;
      case 'research':
        template(node.question, up, false, id, `${path}.question`, 'question');
        checkResearch(node, path);
        break;
      case 'output':
        template(node.value, up, false, id, `${path}.value`, 'value');
        if (spec.output_schema) schemaMismatch(node.value, spec.output_schema, id, `${path}.value`, "the graph's output schema");
        break;
    }
  }

  function checkParallel(node: Extract<GraphNode, { kind: 'parallel' }>, path: string, p: GraphPlan): void {
    const id = node.id;
    const branches = [
      ...new Set(
        p.outgoing
          .get(id)!
          .filter((e: GraphEdge) => e.port === 'out')
          .map((e) => e.to),
      ),
    ];
    const at = { node_id: id, path: `${path}.join_at` };
    if (branches.length === 0)
      issue('error', 'parallel_join', `Parallel "${id}" has no branches: draw an edge from its out port to each branch.`, { node_id: id, path });
    if (!p.nodes.has(node.join_at)) issue('error', 'parallel_join', `Parallel "${id}" joins at "${node.join_at}", which is not a node of this graph.`, at);
    else if (node.join_at === id || branches.includes(node.join_at))
      issue(
        'error',
        'parallel_join',
        `Parallel "${id}" joins at "${node.join_at}", which is ${node.join_at === id ? 'the parallel node itself' : 'one of its branches'}; join at the node where the branches meet.`,
        at,
      );
    else {
      const missing = branches.filter((b) => !reachableFrom(p, [b]).has(node.join_at));
      if (missing.length)
        issue(
          'error',
          'parallel_join',
          `Parallel "${id}" joins at "${node.join_at}", but the branch${missing.length > 1 ? 'es' : ''} starting at ${missing.map((b) => `"${b}"`).join(', ')} never reach${missing.length > 1 ? '' : 'es'} it.`,
          at,
        );
    }
    if (node.join === 'first_n') {
      if (node.n === undefined)
        issue('error', 'parallel_join', `Parallel "${id}" joins the first n branches but has no n.`, { node_id: id, path: `${path}.n` });
      else if (node.n > branches.length)
        issue('error', 'parallel_join', `Parallel "${id}" waits for ${node.n} branches but has ${branches.length}.`, { node_id: id, path: `${path}.n` });
    } else if (node.n !== undefined)
      issue('warning', 'parallel_join', `Parallel "${id}": n is used only with join "first_n".`, { node_id: id, path: `${path}.n` });
  }

  return issues;
}

/** The `properties` of an object schema, or null when it declares none. */
function schemaProperties(schema: Schema | undefined | null): Record<string, unknown> | null {
  const props = schema?.['properties'];
  return typeof props === 'object' && props !== null && !Array.isArray(props) ? (props as Record<string, unknown>) : null;
}

// A string that is exactly one placeholder, or a `$logic` object: its value is known only at run time.
const isTemplated = (v: unknown): boolean =>
  (typeof v === 'string' && /^\{\{\s*[^{}]+?\s*\}\}$/.test(v)) ||
  (typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length === 1 && Object.keys(v)[0] === '$logic');

const WHOLE_PLACEHOLDER = /^\{\{\s*([^{}]+?)\s*\}\}$/;

/** The JSON types a schema declares (`type`, or the types of its `enum` / `const`); empty when it does not say. */
function schemaTypes(schema: Schema): string[] {
  const declared = schema['type'];
  if (typeof declared === 'string') return [declared];
  if (Array.isArray(declared)) return declared.filter((t): t is string => typeof t === 'string');
  if ('const' in schema) return [jsonType(schema['const'])];
  if (Array.isArray(schema['enum']) && schema['enum'].length) return [...new Set(schema['enum'].map(jsonType))];
  return [];
}

// An integer is a number; a number may hold an integer (only run time tells), so both fit each other.
const fits = (type: string, wanted: string[]): boolean =>
  wanted.includes(type) || (type === 'integer' && wanted.includes('number')) || (type === 'number' && wanted.includes('integer'));

/** The schema at a path below `schema` (object properties, array items), or null when the schema does not say. */
function schemaAt(schema: Schema | null | undefined, segments: string[]): Schema | null {
  let at: unknown = schema;
  for (const seg of segments) {
    if (typeof at !== 'object' || at === null || Array.isArray(at)) return null;
    const s = at as Schema;
    if (/^[0-9]+$/.test(seg) && typeof s['items'] === 'object') at = s['items'];
    else at = schemaProperties(s)?.[seg];
  }
  return typeof at === 'object' && at !== null && !Array.isArray(at) ? (at as Schema) : null;
}

function jsonType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

/**
 * Where a template certainly disagrees with a JSON Schema: missing required properties, properties a closed schema
 * does not have, literal values of the wrong type, and whole placeholders whose path has a declared type that does not
 * fit. `$logic` values, and placeholders whose path has no known schema, are unknown until run time and pass.
 */
function templateMismatches(value: unknown, schema: Schema, where: string, schemaOf: (path: string) => Schema | null): { where: string; message: string }[] {
  const out: { where: string; message: string }[] = [];
  const types = schemaTypes(schema);
  const whole = typeof value === 'string' ? WHOLE_PLACEHOLDER.exec(value) : null;
  if (whole) {
    // One placeholder yields the value at its path: when that path's schema is known, its type must fit.
    const path = whole[1]!.trim();
    const source = schemaOf(path);
    const got = source ? schemaTypes(source) : [];
    if (types.length && got.length && !got.some((t) => fits(t, types)))
      out.push({ where, message: `gets "${path}", declared ${got.join(' or ')}, but the schema wants ${types.join(' or ')}` });
    return out;
  }
  if (isTemplated(value)) return [];
  const actual = jsonType(value);
  if (types.length && !fits(actual, types)) {
    out.push({
      where,
      message: `is ${actual === 'integer' ? 'a number' : `${/^[aeiou]/.test(actual) ? 'an' : 'a'} ${actual}`} but the schema wants ${types.join(' or ')}`,
    });
    return out;
  }
  if (actual !== 'object') return out;
  const record = value as Record<string, unknown>;
  const required = Array.isArray(schema['required']) ? (schema['required'] as unknown[]).filter((r): r is string => typeof r === 'string') : [];
  for (const r of required) if (!Object.hasOwn(record, r)) out.push({ where, message: `lacks the required property "${r}"` });
  const props = schemaProperties(schema);
  for (const [k, v] of Object.entries(record)) {
    const sub = `${where ? `${where}.` : ''}${k}`;
    const propSchema = props?.[k];
    if (propSchema === undefined) {
      if (schema['additionalProperties'] === false) out.push({ where: sub, message: 'is not a property the schema allows' });
    } else if (typeof propSchema === 'object' && propSchema !== null && !Array.isArray(propSchema))
      out.push(...templateMismatches(v, propSchema as Schema, sub, schemaOf));
  }
  return out;
}
