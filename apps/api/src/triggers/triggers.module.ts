import { Module } from '@nestjs/common';
import { GraphsModule } from '../graphs/graphs.module';
import { RunsModule } from '../runs/runs.module';
import { StoreModule } from '../store/store.module';
import { OutgoingHooksController } from './outgoing-hooks.controller';
import { TRIGGERED_RUNS_PROVIDER } from './triggered-runs.provider';
import { TriggersController } from './triggers.controller';
import { WebhooksController } from './webhooks.controller';

/** Triggers (issue 15, docs/TRIGGERS.md): schedules, inbound webhooks and outgoing run notifications. */
@Module({
  imports: [StoreModule, RunsModule, GraphsModule],
  controllers: [TriggersController, WebhooksController, OutgoingHooksController],
  providers: [TRIGGERED_RUNS_PROVIDER],
})
export class TriggersModule {}
