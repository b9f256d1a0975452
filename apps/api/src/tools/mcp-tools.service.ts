import { Injectable } from '@nestjs/common';
import type { RegisterMcpToolsRequest, RegisterMcpToolsResponse, ToolManifest } from '@omniai/contracts';
import { McpServerConflict, McpServerStore, PolicyStore, ToolRegistryStore } from '@omniai/store';
import { listMcpTools, manifestForMcpTool, type McpConnectOptions, type McpServerListing, McpToolError, ToolError } from '@omniai/tools';
import { ApiException } from '../errors/api.exception';
import { checkToolBatch, registerToolBatch } from './tool-batch';

/** For connecting, listing and the answer: a registration is an admin waiting on the other end. */
const LIST_TIMEOUT_MS = 15_000;

/** Lists a remote MCP server's tools through vetted egress (D24): a class, so the network stays behind one seam. */
@Injectable()
export class McpDiscovery {
  list(url: string, options: McpConnectOptions): Promise<McpServerListing> {
    return listMcpTools(url, options);
  }
}

/**
 * Registers a remote MCP server's tools (D35): connects to the server only if the workspace's `egress_allow` names its
 * host (and only to public addresses, or private ones for an entry with `allow_private`), lists its tools, derives a manifest per tool (tools that cannot be offered are
 * skipped with a reason), then stores the server and registers the manifests. The worker calls them by name.
 */
@Injectable()
export class McpToolsService {
  constructor(
    private readonly servers: McpServerStore,
    private readonly registry: ToolRegistryStore,
    private readonly policies: PolicyStore,
    private readonly discovery: McpDiscovery,
  ) {}

  async register(body: RegisterMcpToolsRequest): Promise<RegisterMcpToolsResponse> {
    const url = new URL(body.url).href;
    const known = await this.servers.get(body.id);
    if (known && known.url !== url) throw conflict(body.id);
    const policy = await this.policies.get();
    let listing: McpServerListing;
    try {
      listing = await this.discovery.list(url, { allowHosts: policy.egress_allow ?? [], timeoutMs: LIST_TIMEOUT_MS });
    } catch (err) {
      if (!(err instanceof ToolError)) throw err;
      const hint =
        err.code === 'E_EGRESS_DENIED'
          ? " (tools, and this registration, reach only hosts named in the workspace policy's egress_allow, at public addresses; a server on loopback or a private network needs an entry with allow_private)"
          : '';
      throw new ApiException(err.code, `Cannot list the tools of the MCP server at ${new URL(url).host}: ${err.message}${hint}.`);
    }
    const server = { id: body.id, url, version: listing.server.version };
    const hash = McpServerStore.hashOf({ url, server: listing.server, tools: listing.tools });
    const manifests: ToolManifest[] = [];
    const skipped: RegisterMcpToolsResponse['skipped'] = [];
    for (const tool of listing.tools) {
      try {
        manifests.push(manifestForMcpTool({ ...server, hash }, tool));
      } catch (err) {
        if (!(err instanceof McpToolError)) throw err;
        skipped.push({ tool_name: tool.name.slice(0, 200), reason: err.message });
      }
    }
    await checkToolBatch(this.registry, manifests, skipped, {
      none: 'The MCP server offers no tool that can be registered.',
      clash: (id) => `Two of the server's tools would both be named ${id}; their names differ only in case or punctuation.`,
      source: 'server',
    });
    let stored;
    try {
      stored = await this.servers.put({ id: body.id, url, server_name: listing.server.name, server_version: listing.server.version, server_hash: hash });
    } catch (err) {
      if (err instanceof McpServerConflict) throw conflict(body.id);
      throw err;
    }
    const tools = await registerToolBatch(this.registry, manifests);
    return { server_id: stored.stored.id, server_hash: stored.stored.server_hash ?? hash, created: stored.created, tools, skipped };
  }
}

const conflict = (id: string) =>
  new ApiException('E_CONFLICT', `Another MCP server or tool listing is already registered as "${id}"; register this one under a new id.`);
