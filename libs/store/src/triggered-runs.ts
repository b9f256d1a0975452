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
  // Each ref's read is independent (one round trip each): read them together, then pin in the spec's order.
  const refs = collectRefs(spec).tools.map((ref) => ({ ref, at: ref.version ?? resolved.get(ref.id)?.version }));
  const found = await Promise.all(refs.map(({ ref, at }) => (at === undefined ? null : tools.get(ref.id, at))));
  refs.forEach(({ ref, at }, i) => {
    const tool = found[i];
    // Saved versions were validated, but a tool may have been unpinned since: the run then fails that node.
    if (tool && !pins.has(`${ref.id}@${at}`)) pins.set(`${ref.id}@${at}`, { id: ref.id, version: tool.manifest.version, manifest_hash: tool.manifest_hash });
  });
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

/**
 * The run of a fire, created (or found, when this fire made it before) with the input of its run workflow; `created`
 * says whether this call made the row (a webhook delivery that finds it is a duplicate).
 */
export type PreparedTriggeredRun = {
  run: Run;
  created: boolean;
  workflow: { kind: 'graph'; input: GraphRunInput } | { kind: 'agent'; input: AgentRunInput };
};

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
    if (existing) return { ...(await this.fromRow(existing, ref)), created: false };
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
      // The tool pins and the payload's claim check are independent reads/writes: one wait for both.
      const [stored, tools] = await Promise.all([this.artifacts.claimCheck(value), graphToolPins(this.tools, trigger.project_id, version.spec)]);
      const input: NodeValue = 'inline' in stored ? { inline: value as never } : { artifact: stored.artifact, preview: JSON.stringify(value).slice(0, 200) };
      let made: { run: Run; created: boolean };
      try {
        made = await this.runs.insertGraphRun({
          projectId: trigger.project_id,
          graph: { graph_id: graph.id, version: version.version, spec_hash: version.spec_hash },
          pins: { ...DEFAULT_PINS, tools },
          input,
          retryOf: null,
          budget: target.budget ?? null,
          triggered,
        });
      } catch (err) {
        if (err instanceof GraphGoneError) throw new TriggerFireRefused('E_CONFLICT', `Graph ${graph.id} was deleted; it starts no more runs.`);
        throw err;
      }
      // A row another caller made first is answered as it was pinned; ours is what we just wrote (no second read).
      if (!made.created) return { ...(await this.fromRow(made.run, ref)), created: false };
      const run = made.run;
      return { run, created: true, workflow: { kind: 'graph', input: { ...this.common(run, ref), graph: run.graph!, spec: version.spec, input } } };
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
    return { ...(await this.fromRow(run, ref)), created: true };
  }

  /** The run workflow's input, rebuilt from what the row pinned (so a second prepare answers the first's). */
  private async fromRow(run: Run, trigger: RunTrigger): Promise<Omit<PreparedTriggeredRun, 'created'>> {
    const common = this.common(run, trigger);
    if (run.kind === 'graph') {
      const pinned = await this.runs.pinnedGraphRun(run.id);
      if (!pinned || !run.graph) throw new Error(`graph run ${run.id} has no pinned version`);
      return { run, workflow: { kind: 'graph', input: { ...common, graph: run.graph, spec: pinned.spec, input: pinned.input } } };
    }
    const message = await this.runs.getRunInput(run.id);
    if (!message) throw new Error(`run ${run.id} has no input`);
    return { run, workflow: { kind: 'agent', input: { ...common, thread_id: run.thread_id, message } } };
  }

  /** What every run workflow's input takes from the row. */
  private common(run: Run, trigger: RunTrigger) {
    return {
      run_id: run.id,
      project_id: run.project_id,
      pins: run.pins,
      retry_of: null,
      requested_by: triggerActor(trigger),
      ...(run.budget ? { budget: run.budget } : {}),
      trigger: run.trigger ?? trigger,
    };
  }
}
