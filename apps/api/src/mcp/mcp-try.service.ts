import { Injectable } from '@nestjs/common';
import { type Actor, GRAPH_SCHEMA, type GraphSpec, type JsonValue, type TryMcpToolResponse } from '@omniai/contracts';
import { GraphStore, RunStore } from '@omniai/store';
import { ApiException } from '../errors/api.exception';
import { GraphsService } from '../graphs/graphs.service';
import { JsonSchemaChecks } from '../graphs/json-schema-checks';
import { McpHubService } from './mcp-hub.service';

/**
 * Try a tool (docs/MCP.md, D64): one call of a hub tool's approved version as a one-node graph run in the
 * project — the graph `Try <tool id>` (one version per approved definition) whose tool node passes the run's input
 * as the arguments. The call goes through the same policy → approval → egress → execution path as any graph or chat
 * tool call, and the run's log holds an ordinary `tool_call` / `tool_result`.
 */
@Injectable()
export class McpTryService {
  constructor(
    private readonly hub: McpHubService,
    private readonly graphs: GraphsService,
    private readonly graphStore: GraphStore,
    private readonly runs: RunStore,
    private readonly checks: JsonSchemaChecks,
  ) {}

  async try(serverId: string, toolName: string, projectId: string, input: Record<string, unknown>, by: Actor): Promise<TryMcpToolResponse> {
    const tool = await this.hub.approvedTool(serverId, toolName);
    if (!(await this.runs.getProject(projectId))) throw new ApiException('E_NOT_FOUND', `No project ${projectId}.`);
    await this.checks.require(tool.input_schema, input, 'input', 'E_VALIDATION', 'input');
    const spec: GraphSpec = {
      schema: GRAPH_SCHEMA,
      name: `Try ${tool.tool_id}`,
      description: `One call of ${toolName} (MCP server "${serverId}") from the MCP hub's Try panel.`,
      nodes: [
        { id: 'call', kind: 'tool', tool: { id: tool.tool_id, version: tool.version }, arguments: '{{ input }}' },
        { id: 'result', kind: 'output', value: '{{ nodes.call.output }}' },
      ],
      edges: [{ from: 'call', to: 'result', port: 'out' }],
    };
    const existing = (await this.graphStore.list(projectId)).find((g) => g.name === spec.name);
    const note = `approved version ${tool.version}`;
    let graphId: string;
    if (existing) {
      await this.graphs.addVersion(existing.id, { spec, note }, by);
      graphId = existing.id;
    } else {
      graphId = (await this.graphs.create(projectId, { spec, note }, by)).graph.id;
    }
    const run = await this.graphs.startRun(graphId, { input: input as JsonValue }, by);
    return { run, tool_id: tool.tool_id, version: tool.version };
  }
}
