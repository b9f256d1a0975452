import { Controller, Get, Headers, HttpCode, Post, Req, Res } from '@nestjs/common';
import { EventsQuery, ResumeRunRequest, type Run, type RunEventsPage, RunsByTriggerQuery, StartRunRequest, StreamQuery } from '@omniai/contracts';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { type Actor, CurrentActor, runActor } from '../auth/actor';
import { BodyOf, ParamOf, QueryOf } from '../errors/zod.pipe';
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
  start(@ParamOf('threadId') threadId: string, @BodyOf(StartRunRequest) body: StartRunRequest, @CurrentActor() actor: Actor): Promise<Run> {
    return this.runs.start(threadId, body, runActor(actor));
  }

  @Get('threads/:threadId/runs')
  list(@ParamOf('threadId') threadId: string, @QueryOf(RunsByTriggerQuery) query: RunsByTriggerQuery): Promise<{ items: Run[] }> {
    return this.runs.listForThread(threadId, query.trigger_id);
  }

  @Get('runs/:runId')
  get(@ParamOf('runId') runId: string): Promise<Run> {
    return this.runs.get(runId);
  }

  @Get('runs/:runId/events')
  events(@ParamOf('runId') runId: string, @QueryOf(EventsQuery) query: EventsQuery): Promise<RunEventsPage> {
    return this.runs.events(runId, query.from_seq, query.limit);
  }

  /** SSE: `id:` is the event's seq; resume with `Last-Event-ID` or `?from_seq=`; deltas carry no id. */
  @Get('runs/:runId/stream')
  stream(
    @ParamOf('runId') runId: string,
    @QueryOf(StreamQuery) query: StreamQuery,
    @Headers('last-event-id') lastEventId: string | undefined,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    return this.streams.streamRun(runId, query, lastEventId, req, reply);
  }

  @Post('runs/:runId/cancel')
  @HttpCode(202)
  cancel(@ParamOf('runId') runId: string): Promise<Run> {
    return this.runs.cancel(runId);
  }

  @Post('runs/:runId/resume')
  @HttpCode(202)
  resume(@ParamOf('runId') runId: string, @BodyOf(ResumeRunRequest.default({})) body: ResumeRunRequest, @CurrentActor() actor: Actor): Promise<Run> {
    return this.runs.resume(runId, body, runActor(actor));
  }

  @Post('runs/:runId/retry')
  @HttpCode(201)
  retry(@ParamOf('runId') runId: string, @CurrentActor() actor: Actor): Promise<Run> {
    return this.runs.retry(runId, runActor(actor));
  }
}
