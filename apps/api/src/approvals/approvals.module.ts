import { Module } from '@nestjs/common';
import { GraphsModule } from '../graphs/graphs.module';
import { StoreModule } from '../store/store.module';
import { TemporalModule } from '../temporal/temporal.module';
import { ApprovalsController } from './approvals.controller';
import { ApprovalsService } from './approvals.service';

/** The approvals inbox and decisions: a projection of the approval events, decisions signalled to the run. */
@Module({
  imports: [StoreModule, TemporalModule, GraphsModule],
  controllers: [ApprovalsController],
  providers: [ApprovalsService],
  exports: [ApprovalsService],
})
export class ApprovalsModule {}
