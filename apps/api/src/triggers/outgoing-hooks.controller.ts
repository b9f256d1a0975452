import { Controller, Delete, Get, HttpCode, Post } from '@nestjs/common';
import { type CreatedOutgoingHook, CreateOutgoingHookRequest, type OutgoingDelivery, type OutgoingHook } from '@omniai/contracts';
import { type Actor, CurrentActor, runActor } from '../auth/actor';
import { BodyOf, ParamOf } from '../errors/zod.pipe';
import { OutgoingHooksService } from './outgoing-hooks.service';

/** Triggers: outgoing run notifications (a URL told, signed, when a run of a graph or thread ends). */
@Controller('v1')
export class OutgoingHooksController {
  constructor(private readonly hooks: OutgoingHooksService) {}

  @Get('projects/:projectId/outgoing-hooks')
  list(@ParamOf('projectId') projectId: string): Promise<{ items: OutgoingHook[] }> {
    return this.hooks.list(projectId);
  }

  @Post('projects/:projectId/outgoing-hooks')
  @HttpCode(201)
  create(
    @ParamOf('projectId') projectId: string,
    @BodyOf(CreateOutgoingHookRequest) body: CreateOutgoingHookRequest,
    @CurrentActor() actor: Actor,
  ): Promise<CreatedOutgoingHook> {
    return this.hooks.create(projectId, body, runActor(actor));
  }

  @Delete('outgoing-hooks/:outgoingHookId')
  @HttpCode(204)
  delete(@ParamOf('outgoingHookId') hookId: string): Promise<void> {
    return this.hooks.delete(hookId);
  }

  @Get('outgoing-hooks/:outgoingHookId/deliveries')
  deliveries(@ParamOf('outgoingHookId') hookId: string): Promise<{ items: OutgoingDelivery[] }> {
    return this.hooks.deliveries(hookId);
  }
}
