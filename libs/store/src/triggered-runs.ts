import {
  type AgentRunInput,
  DEFAULT_PINS,
  type GraphRunInput,
  type GraphSpec,
  type JsonSchemaObject,
  type NodeValue,
  type PinnedTool,
  type Run,
  type RunTrigger,
  triggerActor,
} from '@omniai/contracts';
import { collectRefs, renderTriggerTemplate } from '@omniai/graphs';
import type { ArtifactStore } from './artifact-store';
import type { GraphStore } from './graph-store';
import { GraphGoneError, type RunStore, triggeredRunId } from './run-store';
import type { ToolRegistryStore } from './tool-registry-store';
import type { StoredTrigger } from './trigger-store';

/** Every tool a graph spec names, at the exact version a run of it uses (its own, else the project's). */
export async function graphToolPins(tools: ToolRegistryStore, projectId: string, spec: GraphSpec): Promise<PinnedTool[]> {
  const resolved = new Map((await tools.resolveForProject(projectId)).map((t) => [t.id, t]));
  const pins = new Map<string, PinnedTool>();
  for (const ref of collectRefs(spec).tools) {
    const at = ref.version ?? resolved.get(ref.id)?.version;
    const tool = at === undefined ? null : await tools.get(ref.id, at);
    // Saved versions were validated, but a tool may have been unpinned since: the run then fails that node.
    if (tool) pins.set(`${ref.id}@${at}`, { id: ref.id, version: tool.manifest.version, manifest_hash: tool.manifest_hash });
  }
  return [...pins.values()];
}

/** One fire of a trigger: the workflow id that names it, the payload (a webhook's body) and when it happened. */
export interface TriggerFire {
  workflowId: string;
  /** `webhook-id` of a webhook delivery; the workflow id for a schedule's fire. */
  fireId: string;
  payload: unknown;
  firedAt: string;
}

/** Why a fire started no run (the fire's result and the delivery log say so). */
export class TriggerFireRefused extends Error {
  constructor(
    readonly code: 'E_NOT_FOUND' | 'E_CONFLICT' | 'E_GRAPH_INPUT_INVALID' | 'E_VALIDATION',
    message: string,
    readonly detail?: unknown,
  ) {
    super(message);
  }
}

/** The run of a fire, created (or found, when this fire made it before) with the input of its run workflow. */
export type PreparedTriggeredRun = { run: Run; workflow: { kind: 'graph'; input: GraphRunInput } | { kind: 'agent'; input: AgentRunInput } };

/**
 * Checks a graph input against the version's `input_schema`: null when it is valid, else a one-line reason and the
 * field errors (the API and the worker each pass their own JSON Schema validator).
 */
export type InputCheck = (schema: JsonSchemaObject, value: unknown) => Promise<{ message: string; detail?: unknown } | null>;

/**
 * Creates the run of one trigger fire, idempotently: its id is derived from the fire's workflow id, so a retried
 * activity, or the API and the worker both preparing a webhook's run, make one row. A second call answers the run
 * as the first made it (the version, input and pins in the row, not a new "latest"), with its workflow input.
 * Used by the API (webhooks: the run exists before the 202) and by the worker's fire activity (schedules).
 */
export class TriggeredRuns {
  constructor(
    private readonly runs: RunStore,
    private readonly graphs: GraphStore,
    private readonly tools: ToolRegistryStore,
    private readonly artifacts: ArtifactStore,
    private readonly checkInput: InputCheck,
  ) {}

  async prepare(trigger: StoredTrigger, fire: TriggerFire): Promise<PreparedTriggeredRun> {
    const id = triggeredRunId(fire.workflowId);
    const ref: RunTrigger = { trigger_id: trigger.id, kind: trigger.kind, fire_id: fire.fireId.slice(0, 300) };
    const existing = await this.runs.getRun(id);
    if (existing) return this.fromRow(existing, ref);
    if (trigger.deleted) throw new TriggerFireRefused('E_NOT_FOUND', `Trigger ${trigger.id} was deleted.`);
    const scope = { payload: fire.payload ?? null, trigger: { id: trigger.id, name: trigger.name, kind: trigger.kind }, fired_at: fire.firedAt };
    const target = trigger.target;
    const triggered = { id, trigger: ref };
    if (target.kind === 'graph') {
      const graph = await this.graphs.get(target.graph_id);
      if (!graph) throw new TriggerFireRefused('E_NOT_FOUND', `Graph ${target.graph_id} was deleted; the trigger starts nothing.`);
      const version = await this.graphs.getVersion(target.graph_id, target.version ?? graph.latest_version);
      if (!version) throw new TriggerFireRefused('E_NOT_FOUND', `Graph ${target.graph_id} has no version ${target.version}.`);
      const value = target.input === undefined ? (trigger.kind === 'webhook' ? scope.payload : {}) : renderTriggerTemplate(target.input, scope);
      if (version.spec.input_schema) {
        const problem = await this.checkInput(version.spec.input_schema, value);
        if (problem) throw new TriggerFireRefused('E_GRAPH_INPUT_INVALID', problem.message, problem.detail);
      }
      const stored = await this.artifacts.claimCheck(value);
      const input: NodeValue = 'inline' in stored ? { inline: value as never } : { artifact: stored.artifact, preview: JSON.stringify(value).slice(0, 200) };
      let run: Run;
      try {
        run = await this.runs.createGraphRun({
          projectId: trigger.project_id,
          graph: { graph_id: graph.id, version: version.version, spec_hash: version.spec_hash },
          pins: { ...DEFAULT_PINS, tools: await graphToolPins(this.tools, trigger.project_id, version.spec) },
          input,
          retryOf: null,
          budget: target.budget ?? null,
          triggered,
        });
      } catch (err) {
        if (err instanceof GraphGoneError) throw new TriggerFireRefused('E_CONFLICT', `Graph ${graph.id} was deleted; it starts no more runs.`);
        throw err;
      }
      return this.fromRow(run, ref);
    }
    const thread = await this.runs.getThread(target.thread_id);
    if (!thread) throw new TriggerFireRefused('E_NOT_FOUND', `Thread ${target.thread_id} is gone; the trigger starts nothing.`);
    const rendered = renderTriggerTemplate(target.message_template, scope);
    const message = typeof rendered === 'string' ? rendered : JSON.stringify(rendered);
    if (!message.trim()) throw new TriggerFireRefused('E_VALIDATION', 'The message template rendered an empty message.');
    const run = await this.runs.createRun({
      projectId: trigger.project_id,
      threadId: thread.id,
      pins: { ...DEFAULT_PINS, tools: await this.tools.resolveForProject(trigger.project_id) },
      input: await this.artifacts.claimCheckText(message),
      retryOf: null,
      budget: target.budget ?? null,
      triggered,
    });
    return this.fromRow(run, ref);
  }

  /** The run workflow's input, rebuilt from what the row pinned (so a second prepare answers the first's). */
  private async fromRow(run: Run, trigger: RunTrigger): Promise<PreparedTriggeredRun> {
    const common = {
      run_id: run.id,
      project_id: run.project_id,
      pins: run.pins,
      retry_of: null,
      requested_by: triggerActor(trigger),
      ...(run.budget ? { budget: run.budget } : {}),
      trigger: run.trigger ?? trigger,
    };
    if (run.kind === 'graph') {
      const pinned = await this.runs.pinnedGraphRun(run.id);
      if (!pinned || !run.graph) throw new Error(`graph run ${run.id} has no pinned version`);
      return { run, workflow: { kind: 'graph', input: { ...common, graph: run.graph, spec: pinned.spec, input: pinned.input } } };
    }
    const message = await this.runs.getRunInput(run.id);
    if (!message) throw new Error(`run ${run.id} has no input`);
    return { run, workflow: { kind: 'agent', input: { ...common, thread_id: run.thread_id, message } } };
  }
}
