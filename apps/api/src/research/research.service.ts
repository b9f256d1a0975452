import { Injectable } from '@nestjs/common';
import {
  type Actor,
  DEFAULT_PINS,
  type NodeValue,
  type ResearchRequest,
  type ResearchSummary,
  type ResearchView,
  type Run,
  type RunEvent,
  type SourceText,
  type StartResearchRequest,
} from '@omniai/contracts';
import { projectResearch } from '@omniai/research';
import { ArtifactStore, ResearchSourceStore, RunStore, ToolRegistryStore } from '@omniai/store';
import { ApiException } from '../errors/api.exception';
import { RunsService } from '../runs/runs.service';
import { SearchBackendResolver } from './search-backend-resolver';

const EVENT_PAGE = 5_000;

/** The offline model answers at once for research (the chat default types its reply out at 25 ms a token). */
const OFFLINE_RESEARCH_PARAMS = { delay_ms: 0 };

/** Research runs (docs/RESEARCH.md): start, list, and everything about one folded from its events. */
@Injectable()
export class ResearchService {
  constructor(
    private readonly runs: RunStore,
    private readonly runsService: RunsService,
    private readonly artifacts: ArtifactStore,
    private readonly sources: ResearchSourceStore,
    private readonly tools: ToolRegistryStore,
    private readonly backends: SearchBackendResolver,
  ) {}

  async start(projectId: string, body: StartResearchRequest, by: Actor): Promise<Run> {
    await this.project(projectId);
    const web = body.sources.web ? await this.backends.resolve(body.sources.web.backend_id) : undefined;
    if (body.sources.mcp_tools.length > 0) {
      const pinned = await this.tools.resolveForProject(projectId);
      for (const [i, id] of body.sources.mcp_tools.entries()) {
        const tool = pinned.find((t) => t.id === id);
        if (!tool)
          throw new ApiException('E_VALIDATION', `Tool ${id} is not pinned in this project.`, [{ path: `sources.mcp_tools.${i}`, message: 'not pinned' }]);
      }
    }
    if (!body.sources.documents && !web && body.sources.mcp_tools.length === 0) {
      throw new ApiException('E_VALIDATION', 'Choose at least one source: the project documents, the web or an MCP search tool.', [
        { path: 'sources', message: 'no source' },
      ]);
    }
    const request: ResearchRequest = {
      question: body.question,
      sources: { documents: body.sources.documents, ...(web ? { web } : {}), mcp_tools: body.sources.mcp_tools },
      depth: body.depth,
      max_sources: body.max_sources,
      // Reading the web needs a reviewer's approval: the plan review is where it is given (docs/RESEARCH.md).
      plan_review: body.plan_review || web !== undefined,
    };
    const provider = body.pins?.provider ?? DEFAULT_PINS.provider;
    const params = provider === DEFAULT_PINS.provider ? { ...OFFLINE_RESEARCH_PARAMS, ...body.pins?.params } : { ...body.pins?.params };
    const pins = {
      ...DEFAULT_PINS,
      provider,
      model: body.pins?.model ?? DEFAULT_PINS.model,
      params,
      prompt_version: 'research-v1',
    };
    return this.runsService.launchResearch({ projectId, request, pins, retryOf: null, budget: body.budget ?? null }, by);
  }

  async list(projectId: string): Promise<{ items: ResearchSummary[] }> {
    await this.project(projectId);
    const rows = await this.runs.listResearchRuns(projectId);
    return { items: rows.map((r) => ({ run: r.run, question: r.request.question })) };
  }

  /** The run folded by `projectResearch` from all its events (stored values read back from the artifact store). */
  async get(runId: string): Promise<ResearchView> {
    const found = await this.runs.researchRun(runId);
    if (!found) throw new ApiException('E_NOT_FOUND', `No research run ${runId}.`);
    const events = await this.events(runId);
    return { run: found.run, request: found.request, ...projectResearch(found.request, events) };
  }

  /** One source and its snapshot's text, exactly as the run read it. */
  async source(runId: string, sourceId: string): Promise<SourceText> {
    const view = await this.get(runId);
    const source = view.sources.find((s) => s.source_id === sourceId);
    if (!source?.snapshot) throw new ApiException('E_NOT_FOUND', `Research run ${runId} read no source ${sourceId}.`);
    const stored = await this.artifacts.get(source.snapshot.sha256);
    if (!stored) throw new ApiException('E_NOT_FOUND', `The snapshot of source ${sourceId} is gone.`);
    return { source, text: stored.content.toString('utf8') };
  }

  private async events(runId: string): Promise<RunEvent[]> {
    const events: RunEvent[] = [];
    for (let from = 1; ;) {
      const page = await this.runs.listEvents(runId, from, EVENT_PAGE);
      events.push(...page);
      if (page.length < EVENT_PAGE) break;
      from = page[page.length - 1]!.seq + 1;
    }
    return Promise.all(events.map((e) => this.inlined(e)));
  }

  /** A research step's stored input or output, read back inline for the projection. */
  private async inlined(e: RunEvent): Promise<RunEvent> {
    if (e.kind === 'node_started' && e.payload.input && 'artifact' in e.payload.input) {
      return { ...e, payload: { ...e.payload, input: await this.read(e.payload.input) } };
    }
    if (e.kind === 'node_completed' && 'artifact' in e.payload.output) {
      return { ...e, payload: { ...e.payload, output: await this.read(e.payload.output) } };
    }
    return e;
  }

  private async read(value: NodeValue): Promise<NodeValue> {
    if ('inline' in value) return value;
    const stored = await this.artifacts.get(value.artifact.sha256);
    return stored ? { inline: JSON.parse(stored.content.toString('utf8')) } : value;
  }

  private async project(projectId: string): Promise<void> {
    if (!(await this.runs.getProject(projectId))) throw new ApiException('E_NOT_FOUND', `No project ${projectId}.`);
  }
}
