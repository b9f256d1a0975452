import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { type ApiToken, EventsQuery, IdParam, type Run, type RunEvent, StartRunRequest, type User } from '@omniai/contracts';
import { ZodPipe } from '../errors/zod.pipe';
import { RunsService } from '../runs/runs.service';
import { type Actor, CurrentActor, runActor } from './actor';

/**
 * The public lane (`/v1/public/*`): for integrations holding a bearer token. Cookies are ignored, CORS is off, the
 * token's scopes and its user's project roles both apply, and the lane has its own rate limit (D31).
 */
@Controller('v1/public')
export class PublicController {
  constructor(private readonly runs: RunsService) {}

  @Get('whoami')
  whoami(@CurrentActor() actor: Actor): { user: User; token: ApiToken } {
    return { user: actor.user, token: actor.token! };
  }

  @Post('threads/:threadId/runs')
  @HttpCode(201)
  start(@Param('threadId', new ZodPipe(IdParam)) threadId: string, @Body(new ZodPipe(StartRunRequest)) body: StartRunRequest, @CurrentActor() actor: Actor): Promise<Run> {
    return this.runs.start(threadId, body, runActor(actor));
  }

  @Get('runs/:runId')
  get(@Param('runId', new ZodPipe(IdParam)) runId: string): Promise<Run> {
    return this.runs.get(runId);
  }

  @Get('runs/:runId/events')
  events(@Param('runId', new ZodPipe(IdParam)) runId: string, @Query(new ZodPipe(EventsQuery)) query: EventsQuery): Promise<{ items: RunEvent[]; next_from_seq: number; has_more: boolean }> {
    return this.runs.events(runId, query.from_seq, query.limit);
  }
}
