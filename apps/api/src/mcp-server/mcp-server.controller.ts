import { Controller, Delete, Get, Post, Req, Res } from '@nestjs/common';
import { MCP_SERVER_PATH } from '@omniai/contracts';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { McpServerService } from './mcp-server.service';

/** `/mcp`: OmniAI as an MCP server (Streamable HTTP, bearer tokens; docs/MCP.md). The SDK answers every method. */
@Controller(MCP_SERVER_PATH.slice(1))
export class McpServerController {
  constructor(private readonly mcp: McpServerService) {}

  @Post()
  post(@Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    return this.mcp.handle(req, reply);
  }

  @Get()
  get(@Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    return this.mcp.handle(req, reply);
  }

  @Delete()
  delete(@Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    return this.mcp.handle(req, reply);
  }
}
