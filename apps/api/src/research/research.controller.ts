import { Controller, Get, HttpCode, Post } from '@nestjs/common';
import { type ResearchSummary, type ResearchView, type Run, SourceId, type SourceText, StartResearchRequest } from '@omniai/contracts';
import { type Actor, CurrentActor, runActor } from '../auth/actor';
import { BodyOf, ParamOf } from '../errors/zod.pipe';
import { ResearchService } from './research.service';

/** Research runs on the UI lane (the public lane's are in PublicApiController). */
@Controller('v1')
export class ResearchController {
  constructor(private readonly research: ResearchService) {}

  @Post('projects/:projectId/research')
  @HttpCode(202)
  start(@ParamOf('projectId') projectId: string, @BodyOf(StartResearchRequest) body: StartResearchRequest, @CurrentActor() actor: Actor): Promise<Run> {
    return this.research.start(projectId, body, runActor(actor));
  }

  @Get('projects/:projectId/research')
  list(@ParamOf('projectId') projectId: string): Promise<{ items: ResearchSummary[] }> {
    return this.research.list(projectId);
  }

  @Get('runs/:runId/research')
  get(@ParamOf('runId') runId: string): Promise<ResearchView> {
    return this.research.get(runId);
  }

  @Get('runs/:runId/research/sources/:sourceId')
  source(@ParamOf('runId') runId: string, @ParamOf('sourceId', SourceId) sourceId: string): Promise<SourceText> {
    return this.research.source(runId, sourceId);
  }
}
