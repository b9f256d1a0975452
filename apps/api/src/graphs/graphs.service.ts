import { Injectable } from '@nestjs/common';
import {
  type Actor,
  type Approval,
  type Graph,
  type GraphDiff,
  type GraphTemplate,
  type GraphValidation,
  type GraphVersion,
  type GraphVersionSummary,
  type NodeValue,
  type Run,
  type RunEvent,
  type RunNodes,
  type SavedGraph,
  type SavedGraphVersion,
  type SaveGraphRequest,
  type StartGraphRunRequest,
  GRAPH_GATE_TOOL_ID,
  RESEARCH_GATE_TOOL_ID,
  ResearchPlan,
} from '@omniai/contracts';
import { diffGraphs, GRAPH_TEMPLATES, parseNodeCallId, projectNodeStates } from '@omniai/graphs';
import { ArtifactStore, GraphStore, GraphStoreError, graphSpecHash, graphToolPins, RunStore, ToolRegistryStore } from '@omniai/store';
import { ApiException } from '../errors/api.exception';
import { DEFAULT_PINS } from '../runs/default-pins';
import { RunsService } from '../runs/runs.service';
import { GraphDeletion } from './graph-deletion';
import { GraphAnalysis, hasErrors } from './graph-analysis';
import { JsonSchemaChecks } from './json-schema-checks';

/** Events read per page when folding a run's node states. */
const EVENT_PAGE = 5_000;

/**
 * Workflow graphs over HTTP: saving versions (validated against the project's tools, policy and graphs), diffs, starting
 * runs of a pinned version with a validated input, and the per-node projection of a run. What a run does once started
 * is the engine's (`graphRunWorkflow`).
 */
@Injectable()
export class GraphsService {
  constructor(
    private readonly graphs: GraphStore,
    private readonly runs: RunStore,
    private readonly runsService: RunsService,
    private readonly artifacts: ArtifactStore,
    private readonly tools: ToolRegistryStore,
    private readonly analysis: GraphAnalysis,
    private readonly checks: JsonSchemaChecks,
    private readonly deletion: GraphDeletion,
  ) {}

  async list(projectId: string): Promise<{ items: Graph[] }> {
    await this.project(projectId);
    return { items: await this.graphs.list(projectId) };
  }

  async templates(projectId: string): Promise<{ items: GraphTemplate[] }> {
    await this.project(projectId);
    return { items: GRAPH_TEMPLATES };
  }

  /** Every issue of a spec, nothing saved. A spec with errors is a 200 with `valid: false`. */
  async validate(projectId: string, raw: unknown, by: Actor): Promise<GraphValidation> {
    await this.project(projectId);
    const { spec, issues } = await this.analysis.analyse(projectId, raw, by.id);
    return { valid: spec !== null && !hasErrors(issues), spec_hash: spec ? graphSpecHash(spec) : null, issues };
  }

  async create(projectId: string, body: SaveGraphRequest, by: Actor): Promise<SavedGraph> {
    await this.project(projectId);
    const { spec, warnings } = await this.acceptable(projectId, body.spec, by);
    const detail = await this.graphs.create(projectId, { spec, note: body.note, createdBy: by.id });
    return { ...detail, warnings };
  }

  /** Version n+1; `created: false` when the spec is the latest version's (nothing was added). */
  async addVersion(graphId: string, body: SaveGraphRequest, by: Actor): Promise<{ saved: SavedGraphVersion; created: boolean }> {
    const graph = await this.graph(graphId);
    const { spec, warnings } = await this.acceptable(graph.project_id, body.spec, by);
    try {
      const { version, created } = await this.graphs.addVersion(graphId, { spec, note: body.note, createdBy: by.id });
      return { saved: { ...version, warnings }, created };
    } catch (err) {
      throw storeRefusal(err);
    }
  }

  async get(graphId: string): Promise<{ graph: Graph; version: GraphVersion }> {
    const graph = await this.graph(graphId);
    return { graph, version: await this.version(graphId, graph.latest_version) };
  }

  async versions(graphId: string): Promise<{ items: GraphVersionSummary[] }> {
    await this.graph(graphId);
    return { items: await this.graphs.versions(graphId) };
  }

  async getVersion(graphId: string, version: number): Promise<GraphVersion> {
    await this.graph(graphId);
    return this.version(graphId, version);
  }

  async diff(graphId: string, from: number, to: number): Promise<GraphDiff> {
    await this.graph(graphId);
    const [a, b] = await Promise.all([this.version(graphId, from), this.version(graphId, to)]);
    return { from, to, ...diffGraphs(a.spec, b.spec) };
  }

  /** Deletes a graph; its triggers are paused first and removed once it is gone (kept running if it is not). */
  async delete(graphId: string): Promise<void> {
    const graph = await this.graph(graphId);
    await this.deletion.around(graphId, graph.name, async () => {
      try {
        await this.graphs.delete(graphId);
      } catch (err) {
        throw storeRefusal(err);
      }
    });
  }

  /**
   * Starts a run of a version (default: the latest): the input is validated against the version's `input_schema`
   * (422 with the failing field), claim-checked when large, and the run is pinned to the default model and to every
   * tool the spec names at its exact version (as a chat run pins the project's tools).
   */
  async startRun(graphId: string, body: StartGraphRunRequest, by: Actor): Promise<Run> {
    const graph = await this.graph(graphId);
    const version = await this.version(graphId, body.version ?? graph.latest_version);
    if (version.spec.input_schema) await this.checks.require(version.spec.input_schema, body.input, 'input', 'E_GRAPH_INPUT_INVALID', 'input');
    const stored = await this.artifacts.claimCheck(body.input);
    const input: NodeValue = 'inline' in stored ? { inline: body.input } : { artifact: stored.artifact, preview: JSON.stringify(body.input).slice(0, 200) };
    const pins = { ...DEFAULT_PINS, tools: await graphToolPins(this.tools, graph.project_id, version.spec) };
    return this.runsService.launchGraph(
      {
        projectId: graph.project_id,
        graph: { graph_id: graphId, version: version.version, spec_hash: version.spec_hash },
        pins,
        input,
        retryOf: null,
        budget: body.budget ?? null,
      },
      version.spec,
      by,
    );
  }

  async listRuns(graphId: string, triggerId?: string): Promise<{ items: Run[] }> {
    await this.graph(graphId);
    return { items: await this.runs.listGraphRuns(graphId, triggerId) };
  }

  /** The run's node states, folded from all its events by `projectNodeStates` over the spec it pinned. */
  async nodes(runId: string): Promise<RunNodes> {
    const pinned = await this.runs.pinnedGraphRun(runId);
    if (!pinned || !pinned.run.graph) throw new ApiException('E_NOT_FOUND', `No graph run ${runId}.`);
    const events: RunEvent[] = [];
    for (let from = 1; ;) {
      const page = await this.runs.listEvents(runId, from, EVENT_PAGE);
      events.push(...page);
      if (page.length < EVENT_PAGE) break;
      from = page[page.length - 1]!.seq + 1;
    }
    return { run_id: runId, graph_id: pinned.run.graph.graph_id, version: pinned.run.graph.version, nodes: projectNodeStates(pinned.spec, events) };
  }

  /**
   * For a decision on an approval node's gate (`graph.approval`): the reviewer's `form` must match the node's
   * `form_schema` (found through the run's pinned spec and the call id `<node_id>#<attempt>`), 422 otherwise. A form
   * on any other approval, or on a node without a form schema, is refused (400). Approvals of tools pass untouched.
   */
  async checkGateForm(approval: Approval, decision: 'approve' | 'deny', form: unknown): Promise<void> {
    if (approval.tool_id === RESEARCH_GATE_TOOL_ID) return checkPlanForm(decision, form);
    if (approval.tool_id !== GRAPH_GATE_TOOL_ID) {
      if (form !== undefined)
        throw new ApiException('E_VALIDATION', 'Only an approval node of a graph takes a form.', [{ path: 'form', message: 'not expected' }]);
      return;
    }
    const pinned = await this.runs.pinnedGraphRun(approval.run_id);
    const call = parseNodeCallId(approval.call_id);
    const node = pinned && call ? pinned.spec.nodes.find((n) => n.id === call.node_id) : undefined;
    if (!node || node.kind !== 'approval') throw new ApiException('E_CONFLICT', `Approval ${approval.id} names no approval node of its run's graph.`);
    // A denial needs no form; an approval of a node with a form schema needs a valid one.
    if (decision === 'deny' || !node.form_schema) {
      if (form !== undefined && !node.form_schema) {
        throw new ApiException('E_VALIDATION', `Approval node ${node.id} has no form.`, [{ path: 'form', message: 'not expected' }]);
      }
      return;
    }
    await this.checks.require(node.form_schema, form ?? null, 'form', 'E_GRAPH_INPUT_INVALID', `form of approval node ${node.id}`);
  }

  /** A spec that may be saved (400 E_GRAPH_INVALID with every issue otherwise), with the warnings to answer. */
  private async acceptable(projectId: string, raw: unknown, by: Actor) {
    const { spec, issues } = await this.analysis.analyse(projectId, raw, by.id);
    if (!spec || hasErrors(issues)) {
      const errors = issues.filter((i) => i.severity === 'error').length;
      throw new ApiException('E_GRAPH_INVALID', `The graph has ${errors} error(s); see detail.issues.`, { issues });
    }
    return { spec, warnings: issues.filter((i) => i.severity === 'warning') };
  }

  private async project(projectId: string): Promise<void> {
    if (!(await this.runs.getProject(projectId))) throw new ApiException('E_NOT_FOUND', `No project ${projectId}.`);
  }

  private async graph(graphId: string): Promise<Graph> {
    const graph = await this.graphs.get(graphId);
    if (!graph) throw new ApiException('E_NOT_FOUND', `No graph ${graphId}.`);
    return graph;
  }

  private async version(graphId: string, version: number): Promise<GraphVersion> {
    const found = await this.graphs.getVersion(graphId, version);
    if (!found) throw new ApiException('E_NOT_FOUND', `Graph ${graphId} has no version ${version}.`);
    return found;
  }
}

function storeRefusal(err: unknown): unknown {
  if (err instanceof GraphStoreError) return new ApiException(err.kind === 'not_found' ? 'E_NOT_FOUND' : 'E_CONFLICT', err.message);
  return err;
}

/**
 * A research plan review (`research.plan_review`): an approval may carry the edited plan (1 to 8 sub-questions); a
 * denial carries none. Without a form the proposed plan runs as it is.
 */
function checkPlanForm(decision: 'approve' | 'deny', form: unknown): void {
  if (form === undefined) return;
  if (decision === 'deny') throw new ApiException('E_VALIDATION', 'A denial takes no plan.', [{ path: 'form', message: 'not expected' }]);
  const parsed = ResearchPlan.safeParse(form);
  if (!parsed.success) {
    const fields = parsed.error.issues.map((i) => ({ path: ['form', ...i.path].join('.'), message: i.message }));
    throw new ApiException('E_VALIDATION', 'The edited plan is invalid: 1 to 8 sub-questions of at most 500 characters.', fields);
  }
}
