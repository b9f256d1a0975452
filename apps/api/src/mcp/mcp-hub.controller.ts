import { Controller, Delete, Get, HttpCode, Patch, Post, Res } from '@nestjs/common';
import {
  ApproveMcpToolRequest,
  BlockMcpToolRequest,
  CreateMcpServerRequest,
  type McpCatalog,
  type McpCatalogTool,
  type McpServer,
  type McpServerDetail,
  McpOAuthCallbackQuery,
  type McpOAuthStart,
  McpServerId,
  type McpToolDiff,
  TryMcpToolRequest,
  type TryMcpToolResponse,
  UpdateMcpServerRequest,
} from '@omniai/contracts';
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { type Actor, CurrentActor, runActor } from '../auth/actor';
import { BodyOf, ParamOf, QueryOf } from '../errors/zod.pipe';
import { McpHubService } from './mcp-hub.service';
import { McpOAuthService } from './mcp-oauth.service';
import { McpTryService } from './mcp-try.service';

const ToolName = z.string().min(1).max(200);

/** The MCP hub's servers, catalogs, drift review and Try (docs/MCP.md); access and the `mcp` flag per API_ROUTES. */
@Controller('v1/mcp/servers')
export class McpHubController {
  constructor(
    private readonly hub: McpHubService,
    private readonly tries: McpTryService,
    private readonly oauth: McpOAuthService,
  ) {}

  @Post(':serverId/oauth/authorize')
  @HttpCode(200)
  authorize(@ParamOf('serverId', McpServerId) id: string): Promise<McpOAuthStart> {
    return this.oauth.authorize(id);
  }

  /** The authorization server sends the admin's browser here: a short page, then back to the server in the console. */
  @Get(':serverId/oauth/callback')
  async oauthCallback(
    @ParamOf('serverId', McpServerId) id: string,
    @QueryOf(McpOAuthCallbackQuery) query: McpOAuthCallbackQuery,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    await this.oauth.callback(id, query);
    const back = `/mcp/${encodeURIComponent(id)}`;
    await reply
      .header('content-type', 'text/html; charset=utf-8')
      .header('cache-control', 'no-store')
      .send(
        `<!doctype html><meta charset="utf-8"><meta http-equiv="refresh" content="2;url=${back}"><title>OmniAI authorized</title>` +
          `<p>OmniAI is now authorized with the MCP server <b>${id}</b>. <a href="${back}">Back to the server</a>.</p>`,
      );
  }

  @Get()
  list(): Promise<{ items: McpServer[] }> {
    return this.hub.list();
  }

  @Post()
  @HttpCode(201)
  create(@BodyOf(CreateMcpServerRequest) body: CreateMcpServerRequest): Promise<McpServerDetail> {
    return this.hub.create(body);
  }

  @Get(':serverId')
  get(@ParamOf('serverId', McpServerId) id: string): Promise<McpServer> {
    return this.hub.get(id);
  }

  @Patch(':serverId')
  update(@ParamOf('serverId', McpServerId) id: string, @BodyOf(UpdateMcpServerRequest) body: UpdateMcpServerRequest): Promise<McpServer> {
    return this.hub.update(id, body);
  }

  @Delete(':serverId')
  @HttpCode(204)
  delete(@ParamOf('serverId', McpServerId) id: string): Promise<void> {
    return this.hub.delete(id);
  }

  @Post(':serverId/check')
  @HttpCode(200)
  check(@ParamOf('serverId', McpServerId) id: string): Promise<McpServerDetail> {
    return this.hub.check(id);
  }

  @Get(':serverId/catalog')
  catalog(@ParamOf('serverId', McpServerId) id: string): Promise<McpCatalog> {
    return this.hub.catalog(id);
  }

  @Get(':serverId/tools/:toolName/diff')
  diff(@ParamOf('serverId', McpServerId) id: string, @ParamOf('toolName', ToolName) name: string): Promise<McpToolDiff> {
    return this.hub.diff(id, name);
  }

  @Post(':serverId/tools/:toolName/approve')
  @HttpCode(200)
  approve(
    @ParamOf('serverId', McpServerId) id: string,
    @ParamOf('toolName', ToolName) name: string,
    @BodyOf(ApproveMcpToolRequest) body: ApproveMcpToolRequest,
  ): Promise<McpCatalogTool> {
    return this.hub.approve(id, name, body.definition_hash);
  }

  @Post(':serverId/tools/:toolName/block')
  @HttpCode(200)
  block(
    @ParamOf('serverId', McpServerId) id: string,
    @ParamOf('toolName', ToolName) name: string,
    @BodyOf(BlockMcpToolRequest) body: BlockMcpToolRequest,
  ): Promise<McpCatalogTool> {
    return this.hub.block(id, name, body.blocked, body.reason ?? null);
  }

  @Post(':serverId/tools/:toolName/try')
  @HttpCode(202)
  try(
    @ParamOf('serverId', McpServerId) id: string,
    @ParamOf('toolName', ToolName) name: string,
    @BodyOf(TryMcpToolRequest) body: TryMcpToolRequest,
    @CurrentActor() actor: Actor,
  ): Promise<TryMcpToolResponse> {
    return this.tries.try(id, name, body.project_id, body.input, runActor(actor));
  }
}
