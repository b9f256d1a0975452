import { Controller, Get, HttpCode, Post } from '@nestjs/common';
import {
  type ApiToken,
  type Approval,
  ApprovalsQuery,
  DecideApprovalRequest,
  type DecideApprovalResponse,
  EventsQuery,
  type Run,
  type RunNodes,
  StartGraphRunRequest,
  StartResearchRequest,
  type ResearchView,
  type RunEventsPage,
  StartRunRequest,
  type User,
} from '@omniai/contracts';
import { ApprovalId } from '../approvals/approvals.controller';
import { ApprovalsService } from '../approvals/approvals.service';
import { type Actor, CurrentActor, runActor, visibleProjects } from '../auth/actor';
import { BodyOf, ParamOf, QueryOf } from '../errors/zod.pipe';
import { GraphsService } from '../graphs/graphs.service';
import { ResearchService } from '../research/research.service';
import { RunsService } from '../runs/runs.service';

/**
 * The public lane (`/v1/public/*`): for integrations holding a bearer token. Cookies are ignored, CORS is off, the
 * token's scopes and its user's project roles both apply, and the lane has its own rate limit (D31).
 */
@Controller('v1/public')
export class PublicApiController {
  constructor(
    private readonly runs: RunsService,
    private readonly approvalsService: ApprovalsService,
    private readonly graphs: GraphsService,
    private readonly research: ResearchService,
  ) {}

  @Get('whoami')
  whoami(@CurrentActor() actor: Actor): { user: User; token: ApiToken } {
    return { user: actor.user, token: actor.token! };
  }

  @Post('threads/:threadId/runs')
  @HttpCode(201)
  start(@ParamOf('threadId') threadId: string, @BodyOf(StartRunRequest) body: StartRunRequest, @CurrentActor() actor: Actor): Promise<Run> {
    return this.runs.start(threadId, body, runActor(actor));
  }

  @Get('runs/:runId')
  get(@ParamOf('runId') runId: string): Promise<Run> {
    return this.runs.get(runId);
  }

  @Get('approvals')
  async approvals(@QueryOf(ApprovalsQuery) query: ApprovalsQuery, @CurrentActor() actor: Actor): Promise<{ items: Approval[] }> {
    return { items: await this.approvalsService.list(query, visibleProjects(actor)) };
  }

  @Post('approvals/:approvalId/decide')
  @HttpCode(200)
  decide(@ApprovalId() id: string, @BodyOf(DecideApprovalRequest) body: DecideApprovalRequest, @CurrentActor() actor: Actor): Promise<DecideApprovalResponse> {
    return this.approvalsService.decide(id, body, runActor(actor));
  }

  @Get('runs/:runId/events')
  events(@ParamOf('runId') runId: string, @QueryOf(EventsQuery) query: EventsQuery): Promise<RunEventsPage> {
    return this.runs.events(runId, query.from_seq, query.limit);
  }

  @Post('graphs/:graphId/runs')
  @HttpCode(202)
  startGraphRun(@ParamOf('graphId') graphId: string, @BodyOf(StartGraphRunRequest) body: StartGraphRunRequest, @CurrentActor() actor: Actor): Promise<Run> {
    return this.graphs.startRun(graphId, body, runActor(actor));
  }

  @Get('graphs/:graphId/runs')
  graphRuns(@ParamOf('graphId') graphId: string): Promise<{ items: Run[] }> {
    return this.graphs.listRuns(graphId);
  }

  @Get('runs/:runId/nodes')
  nodes(@ParamOf('runId') runId: string): Promise<RunNodes> {
    return this.graphs.nodes(runId);
  }

  @Post('projects/:projectId/research')
  @HttpCode(202)
  startResearch(@ParamOf('projectId') projectId: string, @BodyOf(StartResearchRequest) body: StartResearchRequest, @CurrentActor() actor: Actor): Promise<Run> {
    return this.research.start(projectId, body, runActor(actor));
  }

  @Get('runs/:runId/research')
  getResearch(@ParamOf('runId') runId: string): Promise<ResearchView> {
    return this.research.get(runId);
  }
}
