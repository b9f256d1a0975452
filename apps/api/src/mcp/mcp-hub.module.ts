import { Module } from '@nestjs/common';
import { GraphsModule } from '../graphs/graphs.module';
import { StoreModule } from '../store/store.module';
import { TemporalModule } from '../temporal/temporal.module';
import { McpChecks } from './mcp-checks.service';
import { McpHubController } from './mcp-hub.controller';
import { McpHubService } from './mcp-hub.service';
import { McpOAuthService } from './mcp-oauth.service';
import { McpTryService } from './mcp-try.service';

/** The MCP hub (issue 17, docs/MCP.md): servers, checks (run by the worker), catalogs, drift review, Try. */
@Module({
  imports: [StoreModule, TemporalModule, GraphsModule],
  controllers: [McpHubController],
  providers: [McpHubService, McpChecks, McpTryService, McpOAuthService],
  exports: [McpHubService],
})
export class McpHubModule {}
