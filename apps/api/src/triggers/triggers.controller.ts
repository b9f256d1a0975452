import { Controller, Delete, Get, HttpCode, Post, Put } from '@nestjs/common';
import {
  BackfillRequest,
  type CreatedTrigger,
  CreateTriggerRequest,
  PauseTriggerRequest,
  type Run,
  type SchedulePreview,
  SchedulePreviewRequest,
  type Trigger,
  type TriggerDetail,
  type TriggerFired,
  TriggersQuery,
  UpdateTriggerRequest,
} from '@omniai/contracts';
import { type Actor, CurrentActor, runActor } from '../auth/actor';
import { BodyOf, ParamOf, QueryOf } from '../errors/zod.pipe';
import { TriggersService } from './triggers.service';

/** Triggers: schedules and trigger CRUD (UI lane). */
@Controller('v1')
export class TriggersController {
  constructor(private readonly triggers: TriggersService) {}

  @Get('projects/:projectId/triggers')
  list(@ParamOf('projectId') projectId: string, @QueryOf(TriggersQuery) query: TriggersQuery): Promise<{ items: Trigger[] }> {
    return this.triggers.list(projectId, query);
  }

  @Post('projects/:projectId/triggers')
  @HttpCode(201)
  create(
    @ParamOf('projectId') projectId: string,
    @BodyOf(CreateTriggerRequest) body: CreateTriggerRequest,
    @CurrentActor() actor: Actor,
  ): Promise<CreatedTrigger> {
    return this.triggers.create(projectId, body, runActor(actor));
  }

  @Post('projects/:projectId/triggers/preview')
  @HttpCode(200)
  preview(@ParamOf('projectId') projectId: string, @BodyOf(SchedulePreviewRequest) body: SchedulePreviewRequest): Promise<SchedulePreview> {
    return this.triggers.preview(projectId, body);
  }

  @Get('triggers/:triggerId')
  get(@ParamOf('triggerId') triggerId: string): Promise<TriggerDetail> {
    return this.triggers.get(triggerId);
  }

  @Put('triggers/:triggerId')
  update(@ParamOf('triggerId') triggerId: string, @BodyOf(UpdateTriggerRequest) body: UpdateTriggerRequest): Promise<Trigger> {
    return this.triggers.update(triggerId, body);
  }

  @Delete('triggers/:triggerId')
  @HttpCode(204)
  delete(@ParamOf('triggerId') triggerId: string): Promise<void> {
    return this.triggers.delete(triggerId);
  }

  @Post('triggers/:triggerId/pause')
  @HttpCode(200)
  pause(@ParamOf('triggerId') triggerId: string, @BodyOf(PauseTriggerRequest) body: PauseTriggerRequest): Promise<Trigger> {
    return this.triggers.setPaused(triggerId, true, body.note);
  }

  @Post('triggers/:triggerId/unpause')
  @HttpCode(200)
  unpause(@ParamOf('triggerId') triggerId: string, @BodyOf(PauseTriggerRequest) body: PauseTriggerRequest): Promise<Trigger> {
    return this.triggers.setPaused(triggerId, false, body.note);
  }

  @Post('triggers/:triggerId/fire')
  @HttpCode(202)
  fire(@ParamOf('triggerId') triggerId: string): Promise<TriggerFired> {
    return this.triggers.fire(triggerId);
  }

  @Post('triggers/:triggerId/backfill')
  @HttpCode(202)
  backfill(@ParamOf('triggerId') triggerId: string, @BodyOf(BackfillRequest) body: BackfillRequest): Promise<TriggerFired> {
    return this.triggers.backfill(triggerId, body);
  }

  @Get('triggers/:triggerId/runs')
  runs(@ParamOf('triggerId') triggerId: string): Promise<{ items: Run[] }> {
    return this.triggers.listRuns(triggerId);
  }
}

/** The public lane's view of triggers: list (scope `read`) and fire now (scope `operate`). */
@Controller('v1/public')
export class PublicTriggersController {
  constructor(private readonly triggers: TriggersService) {}

  @Get('projects/:projectId/triggers')
  list(@ParamOf('projectId') projectId: string, @QueryOf(TriggersQuery) query: TriggersQuery): Promise<{ items: Trigger[] }> {
    return this.triggers.list(projectId, query);
  }

  @Post('triggers/:triggerId/fire')
  @HttpCode(202)
  fire(@ParamOf('triggerId') triggerId: string): Promise<TriggerFired> {
    return this.triggers.fire(triggerId);
  }
}
