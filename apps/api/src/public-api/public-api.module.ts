import { Module } from '@nestjs/common';
import { ApprovalsModule } from '../approvals/approvals.module';
import { RunsModule } from '../runs/runs.module';
import { PublicApiController } from './public-api.controller';

/** The public lane (`/v1/public/*`, bearer tokens): a facade over runs and approvals for integrations (D31). */
@Module({ imports: [RunsModule, ApprovalsModule], controllers: [PublicApiController] })
export class PublicApiModule {}
