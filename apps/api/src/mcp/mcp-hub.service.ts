import { Injectable } from '@nestjs/common';
import {
  type CreateMcpServerRequest,
  ErrorCode,
  type McpCatalog,
  type McpCatalogTool,
  type McpCheckInput,
  type McpServer,
  type McpServerDetail,
  type McpToolDiff,
  type McpTransport,
  type UpdateMcpServerRequest,
} from '@omniai/contracts';
import { manifestHash, mcpAuthView, McpServerStore, McpToolChanged, type StoredMcpServer, type StoredMcpTool, ToolRegistryStore } from '@omniai/store';
import { hubManifest, McpToolError } from '@omniai/tools';
import { ApiException } from '../errors/api.exception';
import { McpChecks } from './mcp-checks.service';

/**
 * The MCP hub (issue 17, docs/MCP.md): servers, their catalogs and the review of each tool's definition. The API
 * never connects to a server: checks run in the worker (`McpChecks`), and this service reads what they recorded.
 * Approving a definition registers it as one manifest version (`<semver>+d<hash>`) and moves project pins to it.
 */
@Injectable()
export class McpHubService {
  constructor(
    private readonly servers: McpServerStore,
    private readonly registry: ToolRegistryStore,
    private readonly checks: McpChecks,
  ) {}

  async list(): Promise<{ items: McpServer[] }> {
    const servers = await this.servers.list();
    return { items: await Promise.all(servers.map(async (s) => serverView(s, await this.servers.tools(s.id)))) };
  }

  async get(id: string): Promise<McpServer> {
    const server = await this.server(id);
    return serverView(server, await this.servers.tools(id));
  }

  /**
   * Adds a server: stores it (header values sealed), checks it in the worker, approves every tool definition it listed
   * that can be offered (the admin adding the server is the review; poisoning flags are in the answer), registers their
   * manifests and schedules the periodic check. A server that cannot be listed is not kept.
   */
  async create(body: CreateMcpServerRequest): Promise<McpServerDetail> {
    const created = await this.servers.create({ id: body.id, name: body.name ?? body.id, transport: normalized(body.transport), auth: body.auth });
    if (!created) throw new ApiException('E_CONFLICT', `An MCP server with id "${body.id}" exists; choose another id.`);
    try {
      const checked = await this.checks.run({ server_id: body.id, reason: 'create' });
      // An OAuth server answers only once an admin has authorized OmniAI (POST …/oauth/authorize): it is kept, waiting.
      const awaitsAuthorization = body.auth.type === 'oauth' && checked.status !== 'ok' && checked.error?.code === 'E_AUTH_REQUIRED';
      if (checked.status !== 'ok' && !awaitsAuthorization) {
        const error = checked.error ?? { code: 'E_TOOL_FAILED', message: 'the server could not be checked' };
        const code = ErrorCode.safeParse(error.code);
        throw new ApiException(code.success ? code.data : 'E_TOOL_FAILED', `Cannot list the MCP server "${body.id}": ${error.message}.`);
      }
      if (!awaitsAuthorization) await this.approveFirstListing(body.id);
      await this.checks.schedule(body.id);
    } catch (err) {
      await this.servers.delete(body.id);
      await this.checks.unschedule(body.id).catch(() => undefined);
      throw err;
    }
    return this.detail(body.id);
  }

  /**
   * The first listing of a server is reviewed by the admin who added it (or authorized it, for OAuth): every tool it
   * listed that can be offered is approved and registered. Refused when none can be.
   */
  async approveFirstListing(id: string): Promise<void> {
    const tools = await this.servers.tools(id);
    const offered = tools.filter((t) => t.tool_id !== null && t.status === 'new');
    if (offered.length === 0) {
      throw new ApiException(
        'E_VALIDATION',
        'The MCP server offers no tool that can be registered.',
        tools.length ? { skipped: tools.map((t) => ({ tool_name: t.name.slice(0, 200), reason: t.unusable ?? 'not offered' })) } : undefined,
      );
    }
    const server = await this.server(id);
    for (const tool of offered) await this.approveRow(server, tool, tool.definition_hash);
  }

  /** Whether any tool of the server was ever approved (its first listing has been reviewed). */
  async reviewed(id: string): Promise<boolean> {
    return (await this.servers.tools(id)).some((t) => t.approved_hash !== null);
  }

  /** Checks the server now in the worker (the OAuth callback refreshes the card and the catalog). */
  checkNow(id: string): Promise<unknown> {
    return this.checks.run({ server_id: id, reason: 'manual' });
  }

  /** Renames, enables/disables, replaces the authentication or the transport (same kind, same endpoint host). */
  async update(id: string, body: UpdateMcpServerRequest): Promise<McpServer> {
    const server = await this.server(id);
    if (body.transport) refuseMove(server.transport, normalized(body.transport));
    const updated = await this.servers.update(id, { ...body, ...(body.transport ? { transport: normalized(body.transport) } : {}) });
    if (!updated) throw notFound(id);
    return serverView(updated, await this.servers.tools(id));
  }

  async delete(id: string): Promise<void> {
    await this.server(id);
    await this.checks.unschedule(id);
    await this.servers.delete(id);
  }

  /** Checks the server now (in the worker): health, catalog, drift. */
  async check(id: string, reason: McpCheckInput['reason'] = 'manual'): Promise<McpServerDetail> {
    await this.server(id);
    await this.checks.run({ server_id: id, reason });
    return this.detail(id);
  }

  async catalog(id: string): Promise<McpCatalog> {
    const server = await this.server(id);
    return catalogView(server, await this.servers.tools(id));
  }

  async diff(id: string, name: string): Promise<McpToolDiff> {
    const tool = await this.tool(id, name);
    return {
      server_id: id,
      tool_name: name,
      status: tool.status,
      approved: tool.approved,
      approved_hash: tool.approved_hash,
      live: tool.live,
      live_hash: tool.definition_hash,
      flags: tool.flags,
    };
  }

  /** Approves the reviewed live definition (by hash): a new manifest version, project pins moved to it. */
  async approve(id: string, name: string, definitionHash: string): Promise<McpCatalogTool> {
    const server = await this.server(id);
    const tool = await this.tool(id, name);
    return catalogTool(await this.approveRow(server, tool, definitionHash));
  }

  async block(id: string, name: string, blocked: boolean, reason: string | null): Promise<McpCatalogTool> {
    await this.tool(id, name);
    const row = await this.servers.blockTool(id, name, blocked, blocked ? reason : null);
    if (!row) throw notFound(id, name);
    return catalogTool(row);
  }

  /** The tool's approved version for a try: refused (409 E_TOOL_DRIFTED) unless it is approved. */
  async approvedTool(id: string, name: string): Promise<{ tool_id: string; version: string; input_schema: Record<string, unknown> }> {
    const server = await this.server(id);
    const tool = await this.tool(id, name);
    if (!server.enabled) throw new ApiException('E_CONFLICT', `MCP server "${id}" is disabled.`);
    if (tool.status !== 'approved' || !tool.tool_id || !tool.approved_version || !tool.approved) {
      throw new ApiException('E_TOOL_DRIFTED', `${name} is ${tool.status}: review it before trying it.`);
    }
    // The registered manifest's schema (draft-07 listings are rewritten as 2020-12, which the validator speaks).
    const registered = await this.registry.get(tool.tool_id, tool.approved_version);
    if (!registered) throw new ApiException('E_TOOL_DRIFTED', `${name}'s approved version is not registered; approve it again.`);
    return { tool_id: tool.tool_id, version: tool.approved_version, input_schema: registered.manifest.input_schema };
  }

  private async approveRow(server: StoredMcpServer, tool: StoredMcpTool, definitionHash: string): Promise<StoredMcpTool> {
    if (tool.definition_hash !== definitionHash || tool.status === 'removed') throw changedAgain(tool);
    let manifest;
    try {
      manifest = hubManifest({ id: server.id, transport: server.transport, server_version: server.server_version }, tool.live);
    } catch (err) {
      if (err instanceof McpToolError) throw new ApiException('E_VALIDATION', `${tool.name} cannot be offered to runs: ${err.message}`);
      throw err;
    }
    const hash = manifestHash(manifest);
    const existing = await this.registry.get(manifest.id, manifest.version);
    if (existing && existing.manifest_hash !== hash) {
      throw new ApiException(
        'E_CONFLICT',
        `Tool ${manifest.id}@${manifest.version} is already registered with another manifest; add the server under a new id.`,
      );
    }
    await this.registry.register(manifest, hash);
    try {
      const approved = await this.servers.approveTool(server.id, tool.name, definitionHash, manifest.version);
      if (!approved) throw notFound(server.id, tool.name);
      return approved;
    } catch (err) {
      if (err instanceof McpToolChanged) throw changedAgain({ ...tool, definition_hash: err.liveHash });
      throw err;
    }
  }

  private async detail(id: string): Promise<McpServerDetail> {
    const server = await this.server(id);
    const tools = await this.servers.tools(id);
    return { server: serverView(server, tools), catalog: catalogView(server, tools) };
  }

  private async server(id: string): Promise<StoredMcpServer> {
    const server = await this.servers.get(id);
    if (!server) throw notFound(id);
    return server;
  }

  private async tool(id: string, name: string): Promise<StoredMcpTool> {
    await this.server(id);
    const tool = await this.servers.tool(id, name);
    if (!tool) throw notFound(id, name);
    return tool;
  }
}

const notFound = (id: string, tool?: string) =>
  new ApiException('E_NOT_FOUND', tool === undefined ? `No MCP server ${id}.` : `MCP server ${id} lists no tool ${tool.slice(0, 200)}.`);

const changedAgain = (tool: StoredMcpTool) =>
  new ApiException('E_CONFLICT', `The live definition of ${tool.name} is not the one reviewed (it is now ${tool.definition_hash}); review the new diff.`, {
    live_hash: tool.definition_hash,
  });

/** URLs as the URL parser writes them, so equal endpoints compare equal; stdio defaults made explicit. */
function normalized(t: McpTransport): McpTransport {
  return t.type === 'streamable_http' ? { ...t, url: new URL(t.url).href } : { ...t, egress_hosts: t.egress_hosts ?? [], memory_mb: t.memory_mb ?? 256 };
}

/**
 * Approved manifests name the server's egress hosts, so a transport change may not move them: same kind, and the same
 * host (HTTP) or egress hosts (stdio). Moving a server elsewhere is adding a new one.
 */
function refuseMove(from: McpTransport, to: McpTransport): void {
  const hosts = (t: McpTransport) => (t.type === 'streamable_http' ? [new URL(t.url).hostname] : [...(t.egress_hosts ?? [])].sort());
  if (from.type !== to.type || JSON.stringify(hosts(from)) !== JSON.stringify(hosts(to))) {
    throw new ApiException(
      'E_VALIDATION',
      'A transport change must keep the kind and the host(s) the approved tools reach; add the server under a new id instead.',
      [{ path: 'transport', message: 'changes the kind or the host' }],
    );
  }
}

export function catalogTool(t: StoredMcpTool): McpCatalogTool {
  return {
    tool_id: t.tool_id,
    definition: t.live,
    definition_hash: t.definition_hash,
    approved_hash: t.approved_hash,
    approved_version: t.approved_version,
    status: t.status,
    flags: t.flags,
    ...(t.unusable ? { unusable: t.unusable } : {}),
    changed_at: t.changed_at,
  };
}

function catalogView(server: StoredMcpServer, tools: StoredMcpTool[]): McpCatalog {
  return { server_id: server.id, listed_at: server.listed_at, tools: tools.map(catalogTool), resources: server.resources, prompts: server.prompts };
}

function serverView(s: StoredMcpServer, tools: StoredMcpTool[]): McpServer {
  const count = (status: StoredMcpTool['status']) => tools.filter((t) => t.status === status).length;
  return {
    id: s.id,
    name: s.name,
    transport: s.transport,
    auth: mcpAuthView(s.auth),
    enabled: s.enabled,
    health: s.health,
    tool_counts: {
      approved: count('approved'),
      drifted: count('drifted'),
      new: count('new'),
      blocked: count('blocked'),
      flagged: tools.filter((t) => t.status !== 'removed' && t.flags.length > 0).length,
    },
    listed_at: s.listed_at,
    created_at: s.created_at,
    updated_at: s.updated_at,
  };
}
