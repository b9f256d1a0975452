import { Module } from '@nestjs/common';
import { GraphsModule } from '../graphs/graphs.module';
import { RunsModule } from '../runs/runs.module';
import { StoreModule } from '../store/store.module';
import { TemporalModule } from '../temporal/temporal.module';
import { OutgoingHooksController } from './outgoing-hooks.controller';
import { OutgoingHooksService } from './outgoing-hooks.service';
import { SchedulesService } from './schedules.service';
import { TRIGGERED_RUNS_PROVIDER } from './triggered-runs.provider';
import { PublicTriggersController, TriggersController } from './triggers.controller';
import { TriggersService } from './triggers.service';
import { WebhookDeliveries } from './webhook-deliveries.service';
import { WebhookTriggers } from './webhook-triggers.service';
import { WebhooksController } from './webhooks.controller';

/** Triggers (issue 15, docs/TRIGGERS.md): schedules, inbound webhooks and outgoing run notifications. */
@Module({
  imports: [StoreModule, RunsModule, GraphsModule, TemporalModule],
  controllers: [TriggersController, PublicTriggersController, WebhooksController, OutgoingHooksController],
  providers: [TRIGGERED_RUNS_PROVIDER, OutgoingHooksService, SchedulesService, TriggersService, WebhookTriggers, WebhookDeliveries],
  exports: [SchedulesService, TriggersService, WebhookTriggers],
})
export class TriggersModule {}
