import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import { EventsQuery, IdParam, ResumeRunRequest, type Run, type RunEvent, StartRunRequest, StreamQuery } from '@omniai/contracts';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { type Actor, CurrentActor, runActor } from '../auth/actor';
import { ZodPipe } from '../errors/zod.pipe';
import { RunStreamService } from '../streams/run-stream.service';
import { RunsService } from './runs.service';

@Controller('v1')
export class RunsController {
  constructor(
    private readonly runs: RunsService,
    private readonly streams: RunStreamService,
  ) {}

  @Post('threads/:threadId/runs')
  @HttpCode(201)
  start(
    @Param('threadId', new ZodPipe(IdParam)) threadId: string,
    @Body(new ZodPipe(StartRunRequest)) body: StartRunRequest,
    @CurrentActor() actor: Actor,
  ): Promise<Run> {
    return this.runs.start(threadId, body, runActor(actor));
  }

  @Get('threads/:threadId/runs')
  list(@Param('threadId', new ZodPipe(IdParam)) threadId: string): Promise<{ items: Run[] }> {
    return this.runs.listForThread(threadId);
  }

  @Get('runs/:runId')
  get(@Param('runId', new ZodPipe(IdParam)) runId: string): Promise<Run> {
    return this.runs.get(runId);
  }

  @Get('runs/:runId/events')
  events(
    @Param('runId', new ZodPipe(IdParam)) runId: string,
    @Query(new ZodPipe(EventsQuery)) query: EventsQuery,
  ): Promise<{ items: RunEvent[]; next_from_seq: number; has_more: boolean }> {
    return this.runs.events(runId, query.from_seq, query.limit);
  }

  /** SSE: `id:` is the event's seq; resume with `Last-Event-ID` or `?from_seq=`; deltas carry no id. */
  @Get('runs/:runId/stream')
  stream(
    @Param('runId', new ZodPipe(IdParam)) runId: string,
    @Query(new ZodPipe(StreamQuery)) query: StreamQuery,
    @Headers('last-event-id') lastEventId: string | undefined,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    return this.streams.streamRun(runId, query, lastEventId, req, reply);
  }

  @Post('runs/:runId/cancel')
  @HttpCode(202)
  cancel(@Param('runId', new ZodPipe(IdParam)) runId: string): Promise<Run> {
    return this.runs.cancel(runId);
  }

  @Post('runs/:runId/resume')
  @HttpCode(202)
  resume(
    @Param('runId', new ZodPipe(IdParam)) runId: string,
    @Body(new ZodPipe(ResumeRunRequest.default({}))) body: ResumeRunRequest,
    @CurrentActor() actor: Actor,
  ): Promise<Run> {
    return this.runs.resume(runId, body, runActor(actor));
  }

  @Post('runs/:runId/retry')
  @HttpCode(201)
  retry(@Param('runId', new ZodPipe(IdParam)) runId: string, @CurrentActor() actor: Actor): Promise<Run> {
    return this.runs.retry(runId, runActor(actor));
  }
}
