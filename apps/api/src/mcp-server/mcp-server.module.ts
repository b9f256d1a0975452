import { Module } from '@nestjs/common';
import { ApprovalsModule } from '../approvals/approvals.module';
import { AuthModule } from '../auth/auth.module';
import { GraphsModule } from '../graphs/graphs.module';
import { RunsModule } from '../runs/runs.module';
import { StoreModule } from '../store/store.module';
import { McpCatalog } from './mcp-catalog';
import { McpServerController } from './mcp-server.controller';
import { McpServerService } from './mcp-server.service';

/** OmniAI as an MCP server (`/mcp`): the public lane's services behind the official MCP SDK (docs/MCP.md). */
@Module({
  imports: [StoreModule, AuthModule, RunsModule, GraphsModule, ApprovalsModule],
  controllers: [McpServerController],
  providers: [McpCatalog, McpServerService],
})
export class McpServerModule {}
