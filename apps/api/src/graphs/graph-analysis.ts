import { Injectable } from '@nestjs/common';
import { GRAPH_LIMITS, MAX_RUN_TOOLS, type GraphIssue, type GraphSpec, type RegisteredTool } from '@omniai/contracts';
import { collectRefs, type ToolInfo, type ValidationContext, validateGraph } from '@omniai/graphs';
import { parseGraphSpec } from '@omniai/graphs/parse';
import { evaluatePolicy } from '@omniai/policy';
import { GraphStore, PolicyStore, ToolRegistryStore } from '@omniai/store';
import { schemaProblem } from '@omniai/tools';
import { ApiException } from '../errors/api.exception';

/** Issue codes of `parseGraphSpec` that are a limit, and the limit each one names. */
const LIMIT_ISSUES: Readonly<Record<string, keyof typeof GRAPH_LIMITS>> = {
  too_large: 'maxSpecBytes',
  too_many_nodes: 'maxNodes',
  too_many_edges: 'maxEdges',
};

/** A spec as the API judged it: parsed (null when it did not parse) and every issue, errors and warnings. */
export interface Analysis {
  spec: GraphSpec | null;
  issues: GraphIssue[];
}

export const hasErrors = (issues: readonly GraphIssue[]) => issues.some((i) => i.severity === 'error');

/**
 * The API's judgement of a spec: `parseGraphSpec` (shape, with node-level issues; a spec over a limit is a 413 naming
 * it), then `validateGraph` against what the project would run it with — its tools at the versions a run would pin,
 * the policy's verdict on each for the caller, and the graphs a subgraph pins — plus whether each JSON Schema in the
 * spec can be used (Ajv with RE2 patterns, what runs validate with).
 */
@Injectable()
export class GraphAnalysis {
  constructor(
    private readonly tools: ToolRegistryStore,
    private readonly policies: PolicyStore,
    private readonly graphs: GraphStore,
  ) {}

  async analyse(projectId: string, raw: unknown, userId: string): Promise<Analysis> {
    const parsed = parseGraphSpec(raw);
    if (!parsed.ok) {
      const limit = parsed.issues.find((i) => LIMIT_ISSUES[i.code] !== undefined);
      if (limit) {
        const name = LIMIT_ISSUES[limit.code]!;
        throw new ApiException('E_PAYLOAD_TOO_LARGE', `The graph is over the limit ${name} (${GRAPH_LIMITS[name]}): ${limit.message}`, {
          limit: name,
          max: GRAPH_LIMITS[name],
          issues: parsed.issues,
        });
      }
      return { spec: null, issues: parsed.issues };
    }
    const spec = parsed.spec;
    const ctx = await this.context(projectId, spec, userId);
    return { spec, issues: [...validateGraph(spec, ctx), ...schemaIssues(spec), ...toolCountIssues(spec)] };
  }

  /** collectRefs first, every lookup resolved here (async), then handed to the pure validator as sync lookups. */
  private async context(projectId: string, spec: GraphSpec, userId: string): Promise<ValidationContext> {
    const refs = collectRefs(spec);
    const [resolved, policy] = await Promise.all([this.tools.resolveForProject(projectId), this.policies.get()]);
    const projectVersion = new Map(resolved.map((t) => [t.id, t.version]));
    const tools = new Map<string, ToolInfo | null>();
    for (const ref of refs.tools) {
      const key = toolKey(ref.id, ref.version);
      if (tools.has(key)) continue;
      const version = ref.version ?? projectVersion.get(ref.id);
      const found = version === undefined ? null : await this.tools.get(ref.id, version);
      tools.set(
        key,
        found
          ? toolInfo(found, evaluatePolicy({ tool: found.manifest, policy, subject: { project_id: projectId, user_id: userId }, approval: 'none' }).decision)
          : null,
      );
    }
    const graphs = new Map<string, { input_schema?: Record<string, unknown>; output_schema?: Record<string, unknown> } | null>();
    for (const ref of refs.graphs) {
      const key = `${ref.graph_id}@${ref.version}`;
      if (graphs.has(key)) continue;
      // Only a graph of the same project (and not deleted) may be a subgraph.
      const graph = await this.graphs.get(ref.graph_id);
      const version = graph && graph.project_id === projectId ? await this.graphs.getVersion(ref.graph_id, ref.version) : null;
      graphs.set(
        key,
        version
          ? {
              ...(version.spec.input_schema ? { input_schema: version.spec.input_schema } : {}),
              ...(version.spec.output_schema ? { output_schema: version.spec.output_schema } : {}),
            }
          : null,
      );
    }
    return {
      tool: (id, version) => tools.get(toolKey(id, version)) ?? null,
      graph: (graphId, version) => graphs.get(`${graphId}@${version}`) ?? null,
    };
  }
}

const toolKey = (id: string, version: string | undefined) => `${id}@${version ?? ''}`;

function toolInfo(tool: RegisteredTool, decision: 'allow' | 'deny' | 'require_approval'): ToolInfo {
  return {
    id: tool.manifest.id,
    version: tool.manifest.version,
    input_schema: tool.manifest.input_schema,
    output_schema: tool.manifest.output_schema,
    requires_approval: decision === 'require_approval',
    denied: decision === 'deny',
  };
}

/** Every JSON Schema of the spec that a run could not validate with (`bad_schema`, pinned on its node). */
function schemaIssues(spec: GraphSpec): GraphIssue[] {
  const found: Array<{ schema: Record<string, unknown> | undefined; path: string; node_id: string | null }> = [
    { schema: spec.input_schema, path: 'input_schema', node_id: null },
    { schema: spec.output_schema, path: 'output_schema', node_id: null },
  ];
  spec.nodes.forEach((node, i) => {
    if (node.kind === 'model') found.push({ schema: node.output_schema, path: `nodes.${i}.output_schema`, node_id: node.id });
    if (node.kind === 'approval') found.push({ schema: node.form_schema, path: `nodes.${i}.form_schema`, node_id: node.id });
    if (node.kind === 'map' && node.body.kind === 'model')
      found.push({ schema: node.body.output_schema, path: `nodes.${i}.body.output_schema`, node_id: node.id });
  });
  return found.flatMap(({ schema, path, node_id }) => {
    const problem = schema === undefined ? undefined : schemaProblem(schema);
    return problem === undefined
      ? []
      : [{ severity: 'error' as const, code: 'bad_schema', message: `This JSON Schema cannot be used: ${problem}`, node_id, edge: null, path }];
  });
}

/** A run pins every tool its graph names, and a run pins at most {@link MAX_RUN_TOOLS}. */
function toolCountIssues(spec: GraphSpec): GraphIssue[] {
  const distinct = new Set(collectRefs(spec).tools.map((t) => toolKey(t.id, t.version))).size;
  if (distinct <= MAX_RUN_TOOLS) return [];
  return [
    {
      severity: 'error',
      code: 'too_many_tools',
      message: `The graph names ${distinct} tools; a run pins at most ${MAX_RUN_TOOLS}.`,
      node_id: null,
      edge: null,
      path: 'nodes',
    },
  ];
}
