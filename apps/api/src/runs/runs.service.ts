import { Injectable, Logger } from '@nestjs/common';
import {
  type Actor,
  type AgentRunInput,
  type GraphRunInput,
  type ResearchRunInput,
  MAX_RUN_TOOLS,
  type ResumeRunRequest,
  type ResumeRunSignal,
  type Run,
  type RunEventsPage,
  type StartRunRequest,
  TERMINAL_RUN_STATUSES,
} from '@omniai/contracts';
import { ArtifactStore, GraphGoneError, type NewGraphRun, type NewResearchRun, ProviderConfigStore, RunStore, ToolRegistryStore } from '@omniai/store';
import { WorkflowNotFoundError } from '@temporalio/client';
import { ApiException } from '../errors/api.exception';
import { RunWorkflows } from '../temporal/run-workflows';
import { DEFAULT_PINS } from './default-pins';

@Injectable()
export class RunsService {
  private readonly logger = new Logger('runs');

  constructor(
    private readonly store: RunStore,
    private readonly artifacts: ArtifactStore,
    private readonly tools: ToolRegistryStore,
    private readonly providers: ProviderConfigStore,
    private readonly workflows: RunWorkflows,
  ) {}

  async get(runId: string): Promise<Run> {
    const run = await this.store.getRun(runId);
    if (!run) throw new ApiException('E_NOT_FOUND', `No run ${runId}.`);
    return run;
  }

  async listForThread(threadId: string, triggerId?: string): Promise<{ items: Run[] }> {
    await this.thread(threadId);
    return { items: await this.store.listRuns({ threadId, triggerId }) };
  }

  async events(runId: string, fromSeq: number, limit: number): Promise<RunEventsPage> {
    await this.get(runId);
    const items = await this.store.listEvents(runId, fromSeq, limit + 1);
    const hasMore = items.length > limit;
    const page = hasMore ? items.slice(0, limit) : items;
    return { items: page, next_from_seq: page.length ? page[page.length - 1]!.seq + 1 : fromSeq, has_more: hasMore };
  }

  async start(threadId: string, body: StartRunRequest, requestedBy: Actor): Promise<Run> {
    const thread = await this.thread(threadId);
    const provider = body.pins?.provider ?? DEFAULT_PINS.provider;
    await this.refuseForeignProvider(provider, thread.project_id);
    // The offline model's knobs are defaults for the offline model only; a real provider gets just what was asked.
    const params = provider === DEFAULT_PINS.provider ? { ...DEFAULT_PINS.params, ...body.pins?.params } : { ...body.pins?.params };
    // The run is pinned to the project's tools at their exact versions (a retry reuses these pins).
    const tools = body.pins?.tools ?? (await this.tools.resolveForProject(thread.project_id));
    for (const [i, t] of (body.pins?.tools ?? []).entries()) {
      if ((await this.tools.get(t.id, t.version))?.manifest_hash !== t.manifest_hash) {
        throw new ApiException('E_VALIDATION', `Tool ${t.id}@${t.version} with that manifest hash is not registered.`, [
          { path: `pins.tools.${i}`, message: 'not registered' },
        ]);
      }
    }
    if (tools.length > MAX_RUN_TOOLS) {
      throw new ApiException('E_VALIDATION', `The project has ${tools.length} tools; a run can be offered at most ${MAX_RUN_TOOLS}: pass pins.tools.`, [
        { path: 'pins.tools', message: `at most ${MAX_RUN_TOOLS} tools` },
      ]);
    }
    const pins = { ...DEFAULT_PINS, ...body.pins, params, tools };
    return this.launch(
      { projectId: thread.project_id, threadId, pins, input: await this.artifacts.claimCheckText(body.message), retryOf: null, budget: body.budget ?? null },
      requestedBy,
    );
  }

  async cancel(runId: string): Promise<Run> {
    const run = await this.get(runId);
    if (TERMINAL_RUN_STATUSES.has(run.status)) throw new ApiException('E_CONFLICT', `Run ${runId} has already ended (${run.status}).`);
    try {
      await this.workflows.cancelRun(run.workflow_id);
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) throw new ApiException('E_CONFLICT', `Run ${runId} has already ended.`);
      throw this.temporalDown(err);
    }
    return run;
  }

  /**
   * Continues a paused run: records the resume for the current pause, then rings its workflow, which reads that record,
   * records `resumed` (with the budget now in force) and goes on.
   * Answers the run as it was; the status change arrives on the streams.
   */
  async resume(runId: string, body: ResumeRunRequest, resumedBy: Actor): Promise<Run> {
    const run = await this.get(runId);
    if (run.status !== 'paused') throw new ApiException('E_CONFLICT', `Run ${runId} is ${run.status}, not paused; only a paused run can be resumed.`);
    const signal: ResumeRunSignal = { resumed_by: resumedBy, ...(body.budget ? { budget: body.budget } : {}), ...(body.reason ? { reason: body.reason } : {}) };
    const pausedSeq = await this.store.lastPausedSeq(runId);
    if (pausedSeq === null) throw new ApiException('E_CONFLICT', `Run ${runId} has not paused yet; try again in a moment.`);
    // The workflow acts on the resume recorded here, the signal only rings (D37); the first resume per pause wins, and
    // a repeat rings again (a signal that did not get through is delivered then).
    await this.store.recordResume(runId, pausedSeq, signal);
    try {
      await this.workflows.resumeRun(run.workflow_id, signal);
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) throw new ApiException('E_CONFLICT', `Run ${runId} has already ended.`);
      throw this.temporalDown(err);
    }
    return run;
  }

  /** A new run with the same pinned inputs, linked to the first (a graph run: the same version, input and pins). */
  async retry(runId: string, requestedBy: Actor): Promise<Run> {
    const run = await this.get(runId);
    if (!TERMINAL_RUN_STATUSES.has(run.status)) throw new ApiException('E_CONFLICT', `Run ${runId} is still ${run.status}; cancel it or wait for it to end.`);
    if (run.kind === 'research') {
      const pinned = await this.store.researchRun(runId);
      if (!pinned) throw new ApiException('E_NOT_FOUND', `No run ${runId}.`);
      return this.launchResearch({ projectId: run.project_id, request: pinned.request, pins: run.pins, retryOf: run.id, budget: run.budget }, requestedBy);
    }
    if (run.kind === 'graph') {
      const pinned = await this.store.pinnedGraphRun(runId);
      if (!pinned || !run.graph) throw new ApiException('E_NOT_FOUND', `No run ${runId}.`);
      const graph = { graph_id: run.graph.graph_id, version: run.graph.version, spec_hash: run.graph.spec_hash };
      return this.launchGraph(
        { projectId: run.project_id, graph, pins: run.pins, input: pinned.input, retryOf: run.id, budget: run.budget },
        pinned.spec,
        requestedBy,
      );
    }
    const input = await this.store.getRunInput(runId);
    if (!input) throw new ApiException('E_NOT_FOUND', `No run ${runId}.`);
    if (run.thread_id === null) throw new ApiException('E_CONFLICT', `Run ${runId} is not a chat turn in a thread.`);
    return this.launch({ projectId: run.project_id, threadId: run.thread_id, pins: run.pins, input, retryOf: run.id, budget: run.budget }, requestedBy);
  }

  private async launch(spec: Parameters<RunStore['createRun']>[0], requestedBy: Actor): Promise<Run> {
    const run = await this.store.createRun(spec);
    const input: AgentRunInput = {
      run_id: run.id,
      project_id: run.project_id,
      thread_id: spec.threadId,
      message: spec.input,
      pins: spec.pins,
      retry_of: spec.retryOf,
      requested_by: requestedBy,
      ...(spec.budget ? { budget: spec.budget } : {}),
    };
    try {
      // Started by typed name: the API never imports workflow code.
      await this.workflows.startAgentRun(input);
    } catch (err) {
      await this.store.failUnstartedRun(run.id, 'E_DEPENDENCY_UNAVAILABLE', 'The run engine (Temporal) was unavailable.');
      throw this.temporalDown(err);
    }
    return run;
  }

  /**
   * Creates a graph run pinned to `spec` (the version `run.graph` names, by hash) and starts its `graphRunWorkflow`;
   * what the workflow then records is the engine's. A deleted graph starts nothing (409).
   */
  async launchGraph(run: NewGraphRun, spec: GraphRunInput['spec'], requestedBy: Actor): Promise<Run> {
    let created: Run;
    try {
      created = await this.store.createGraphRun(run);
    } catch (err) {
      if (err instanceof GraphGoneError) throw new ApiException('E_CONFLICT', `Graph ${run.graph.graph_id} was deleted; it starts no more runs.`);
      throw err;
    }
    const input: GraphRunInput = {
      run_id: created.id,
      project_id: created.project_id,
      graph: run.graph,
      spec,
      input: run.input,
      pins: run.pins,
      retry_of: run.retryOf,
      requested_by: requestedBy,
      ...(run.budget ? { budget: run.budget } : {}),
    };
    try {
      await this.workflows.startGraphRun(input);
    } catch (err) {
      await this.store.failUnstartedRun(created.id, 'E_DEPENDENCY_UNAVAILABLE', 'The run engine (Temporal) was unavailable.');
      throw this.temporalDown(err);
    }
    return created;
  }

  /** Creates a research run and starts its `researchWorkflow` (docs/RESEARCH.md). */
  async launchResearch(run: NewResearchRun, requestedBy: Actor): Promise<Run> {
    await this.refuseForeignProvider(run.pins.provider, run.projectId);
    const created = await this.store.createResearchRun(run);
    const input: ResearchRunInput = {
      run_id: created.id,
      project_id: created.project_id,
      request: run.request,
      pins: run.pins,
      retry_of: run.retryOf,
      requested_by: requestedBy,
      ...(run.budget ? { budget: run.budget } : {}),
    };
    try {
      await this.workflows.startResearchRun(input);
    } catch (err) {
      await this.store.failUnstartedRun(created.id, 'E_DEPENDENCY_UNAVAILABLE', 'The run engine (Temporal) was unavailable.');
      throw this.temporalDown(err);
    }
    return created;
  }

  /**
   * A provider configuration scoped to another project is not this run's to use (D41). An id that names no
   * configuration at all still starts the run, which then fails in the worker with E_PROVIDER_BAD_REQUEST.
   */
  private async refuseForeignProvider(provider: string, projectId: string): Promise<void> {
    const config = await this.providers.get(provider);
    if (config && !(await this.providers.getForProject(provider, projectId))) {
      throw new ApiException('E_VALIDATION', `Provider ${provider} is not available to this project.`, [
        { path: 'pins.provider', message: 'scoped to another project' },
      ]);
    }
  }

  private temporalDown(err: unknown): ApiException {
    this.logger.warn(`temporal call failed: ${err instanceof Error ? err.message : String(err)}`);
    return new ApiException('E_DEPENDENCY_UNAVAILABLE', 'The run engine (Temporal) is unavailable; retry shortly.');
  }

  private async thread(threadId: string) {
    const thread = await this.store.getThread(threadId);
    if (!thread) throw new ApiException('E_NOT_FOUND', `No thread ${threadId}.`);
    return thread;
  }
}
