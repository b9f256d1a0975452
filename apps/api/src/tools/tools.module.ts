import { Module } from '@nestjs/common';
import { StoreModule } from '../store/store.module';
import { McpDiscovery, McpToolsService } from './mcp-tools.service';
import { OpenApiToolsService } from './openapi-tools.service';
import { ToolsController } from './tools.controller';

/** Tools and policy: the API side of the tool runtime (registry, OpenAPI and MCP tools, project pins). */
@Module({ imports: [StoreModule], controllers: [ToolsController], providers: [OpenApiToolsService, McpToolsService, McpDiscovery] })
export class ToolsModule {}
