import { Module } from '@nestjs/common';
import { ApprovalsController } from '../approvals/approvals.controller';
import { ApprovalsService } from '../approvals/approvals.service';
import { StoreModule } from '../store/store.module';
import { TemporalModule } from '../temporal/temporal.module';
import { McpDiscovery, McpToolsService } from './mcp-tools.service';
import { OpenApiToolsService } from './openapi-tools.service';
import { ToolsController } from './tools.controller';

/** Tools, policy and approvals: the API side of the tool runtime. */
@Module({ imports: [StoreModule, TemporalModule], controllers: [ToolsController, ApprovalsController], providers: [ApprovalsService, OpenApiToolsService, McpToolsService, McpDiscovery], exports: [ApprovalsService] })
export class ToolsModule {}
