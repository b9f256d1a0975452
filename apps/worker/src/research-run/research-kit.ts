import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import type { ResearchRequest, ResearchRunInput, ResearchRunResult, ResearchView, RunEvent, RunPins } from '@omniai/contracts';
import { projectResearch } from '@omniai/research';
import { ArtifactStore, DocumentStore, ResearchSourceStore } from '@omniai/store';
import { researchRunStart } from '@omniai/workflow-api';
import { GraphKit, REQUESTER } from '../graph-run/graph-test-kit';

/** The question the shipped fixtures answer over the sample corpus (apps/worker/fixtures/scripted/research-sample.json). */
export const SAMPLE_QUESTION = 'How does OmniAI keep agent runs durable and safe?';

const CORPUS_DIR = join(dirname(require.resolve('@omniai/research/package.json')), 'corpus');

/** The offline model, answering at once. */
export const RESEARCH_PINS: RunPins = {
  provider: 'offline',
  model: 'offline-scripted-1',
  params: { delay_ms: 0 },
  seed: 0,
  prompt_version: 'research-v1',
};

/** A research request over the project's documents. */
export const researchRequest = (question: string, overrides: Partial<ResearchRequest> = {}): ResearchRequest => ({
  question,
  sources: { documents: true, mcp_tools: [] },
  depth: 2,
  max_sources: 12,
  plan_review: false,
  ...overrides,
});

/**
 * A real worker over a fresh database with the sample corpus in the project, and helpers to start a research run the
 * way the API does and fold its events the way the API does.
 */
export class ResearchKit {
  private constructor(readonly graph: GraphKit) {}

  static async start(name: string, worker?: Parameters<typeof GraphKit.start>[2], fixtures: Parameters<typeof GraphKit.start>[1] = []): Promise<ResearchKit> {
    return new ResearchKit(await GraphKit.start(name, fixtures, worker)).withCorpus();
  }

  static async withoutWorker(name: string, taskQueue: string): Promise<ResearchKit> {
    return new ResearchKit(await GraphKit.withoutWorker(name, taskQueue)).withCorpus();
  }

  private async withCorpus(): Promise<ResearchKit> {
    const docs = new DocumentStore(this.graph.ds);
    for (const name of readdirSync(CORPUS_DIR).filter((n) => n.endsWith('.md'))) {
      await docs.ingest(this.graph.projectId, `research-corpus/${name}`, readFileSync(join(CORPUS_DIR, name), 'utf8'), 'text/markdown');
    }
    return this;
  }

  get sources(): ResearchSourceStore {
    return new ResearchSourceStore(this.graph.ds);
  }

  /** Inserts the queued run row (as the API does) and starts `researchWorkflow`. */
  async start(
    request: ResearchRequest,
    pins: RunPins = RESEARCH_PINS,
  ): Promise<{ runId: string; handle: WorkflowHandle<(i: ResearchRunInput) => Promise<ResearchRunResult>> }> {
    const run = await this.graph.runs.createResearchRun({ projectId: this.graph.projectId, request, pins, retryOf: null, budget: null });
    const input: ResearchRunInput = { run_id: run.id, project_id: run.project_id, request, pins, retry_of: null, requested_by: REQUESTER };
    const [type, opts] = researchRunStart(input, this.graph.taskQueue);
    const handle = await this.graph.env.client.workflow.start<(i: ResearchRunInput) => Promise<ResearchRunResult>>(type, opts);
    return { runId: run.id, handle };
  }

  /** The run's events with stored values read back, as the API reads them. */
  async events(runId: string): Promise<RunEvent[]> {
    const artifacts = new ArtifactStore(this.graph.ds);
    const events = await this.graph.events(runId);
    return Promise.all(
      events.map(async (e) => {
        if (e.kind === 'node_completed' && 'artifact' in e.payload.output) {
          const stored = await artifacts.get(e.payload.output.artifact.sha256);
          return { ...e, payload: { ...e.payload, output: { inline: JSON.parse(stored!.content.toString('utf8')) } } };
        }
        if (e.kind === 'node_started' && e.payload.input && 'artifact' in e.payload.input) {
          const stored = await artifacts.get(e.payload.input.artifact.sha256);
          return { ...e, payload: { ...e.payload, input: { inline: JSON.parse(stored!.content.toString('utf8')) } } };
        }
        return e;
      }),
    );
  }

  /** What `GET /v1/runs/:id/research` answers (without the run row). */
  async view(runId: string, request: ResearchRequest): Promise<Omit<ResearchView, 'run' | 'request'>> {
    return projectResearch(request, await this.events(runId));
  }

  /** A snapshot's text. */
  async snapshotText(sha256: string): Promise<string> {
    const stored = await new ArtifactStore(this.graph.ds).get(sha256);
    return stored!.content.toString('utf8');
  }

  async stop(): Promise<void> {
    await this.graph.stop();
  }
}
