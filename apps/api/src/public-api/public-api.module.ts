import { Module } from '@nestjs/common';
import { ApprovalsModule } from '../approvals/approvals.module';
import { GraphsModule } from '../graphs/graphs.module';
import { ResearchModule } from '../research/research.module';
import { RunsModule } from '../runs/runs.module';
import { PublicApiController } from './public-api.controller';

/** The public lane (`/v1/public/*`, bearer tokens): a facade over runs, graphs and approvals for integrations (D31). */
@Module({ imports: [RunsModule, ApprovalsModule, GraphsModule, ResearchModule], controllers: [PublicApiController] })
export class PublicApiModule {}
