import { Controller, Get, HttpCode, Post, Put } from '@nestjs/common';
import {
  PinToolRequest,
  Policy,
  type RegisteredTool,
  RegisterMcpToolsRequest,
  type RegisterMcpToolsResponse,
  RegisterOpenApiToolsRequest,
  type RegisterOpenApiToolsResponse,
} from '@omniai/contracts';
import { PolicyStore, RunStore, ToolRegistryStore } from '@omniai/store';
import { z } from 'zod';
import { ApiException } from '../errors/api.exception';
import { BodyOf, ParamOf } from '../errors/zod.pipe';
import { McpToolsService } from './mcp-tools.service';
import { OpenApiToolsService } from './openapi-tools.service';
import { PolicyBody } from './policy-body';

const ToolIdParam = z.string().regex(/^[a-z0-9][a-z0-9._-]{1,99}$/, 'expected a tool id');

/** The tool registry (what workers registered), per-project version pins, and the workspace policy. */
@Controller('v1')
export class ToolsController {
  constructor(
    private readonly registry: ToolRegistryStore,
    private readonly policies: PolicyStore,
    private readonly runs: RunStore,
    private readonly openApi: OpenApiToolsService,
    private readonly mcp: McpToolsService,
  ) {}

  @Get('tools')
  async list(): Promise<{ items: RegisteredTool[] }> {
    return { items: await this.registry.list() };
  }

  /** An OpenAPI document as tools, one per operation (`openapi_proxy` binding). */
  @Post('tools/openapi')
  @HttpCode(200)
  registerOpenApi(@BodyOf(RegisterOpenApiToolsRequest) body: RegisterOpenApiToolsRequest): Promise<RegisterOpenApiToolsResponse> {
    return this.openApi.register(body);
  }

  /** A remote MCP server's tools, one per tool it lists (`mcp_remote` binding). */
  @Post('tools/mcp')
  @HttpCode(200)
  registerMcp(@BodyOf(RegisterMcpToolsRequest) body: RegisterMcpToolsRequest): Promise<RegisterMcpToolsResponse> {
    return this.mcp.register(body);
  }

  /** What a new run in the project is pinned to: each tool at the project's pinned version, else the latest. */
  @Get('projects/:projectId/tools')
  async resolved(@ParamOf('projectId') projectId: string) {
    if (!(await this.runs.getProject(projectId))) throw new ApiException('E_NOT_FOUND', `No project ${projectId}.`);
    return { items: await this.registry.resolveForProject(projectId) };
  }

  @Put('projects/:projectId/tools/:toolId')
  async pin(@ParamOf('projectId') projectId: string, @ParamOf('toolId', ToolIdParam) toolId: string, @BodyOf(PinToolRequest) body: PinToolRequest) {
    if (!(await this.runs.getProject(projectId))) throw new ApiException('E_NOT_FOUND', `No project ${projectId}.`);
    let version: string | null;
    if ('definition_hash' in body) {
      // An MCP hub tool's version approved at exactly this definition (its binding carries the hash).
      const found = (await this.registry.list()).find(
        (t) => t.manifest.id === toolId && t.manifest.binding.type === 'mcp_remote' && t.manifest.binding.definition_hash === body.definition_hash,
      );
      if (!found) throw new ApiException('E_NOT_FOUND', `No version of tool ${toolId} was approved at definition ${body.definition_hash}.`);
      version = found.manifest.version;
    } else {
      version = body.version;
      if (version !== null && !(await this.registry.get(toolId, version))) {
        throw new ApiException('E_NOT_FOUND', `No version ${version} of tool ${toolId} is registered.`);
      }
    }
    await this.registry.pin(projectId, toolId, version);
    return { items: await this.registry.resolveForProject(projectId) };
  }

  @Get('policy')
  getPolicy(): Promise<Policy> {
    return this.policies.get();
  }

  @Put('policy')
  @HttpCode(200)
  async putPolicy(@BodyOf(PolicyBody) body: Policy): Promise<Policy> {
    await this.policies.put(body);
    return this.policies.get();
  }
}
