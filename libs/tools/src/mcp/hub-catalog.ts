import type { McpPoisonFlag, McpToolDefinition, McpToolStatus, McpTransport, ToolManifest } from '@omniai/contracts';
import type { StoredMcpTool } from '@omniai/store';
import { sha256Hex } from '../hashing';
import { canonicalJson } from '../manifest-hash';
import { manifestForMcpTool, McpToolError, type McpToolListing } from './mcp-manifest';
import { scanToolDefinition } from './poisoning';

/**
 * The MCP hub's catalog rules (docs/MCP.md), pure: a listed tool's definition and its hash, and how a new listing
 * changes each tool's review state. Shared by the worker (checks, calls) and the API (approve, block).
 */

/** A tool's definition as the server listed it: what the hash is computed over. */
export function definitionOf(tool: McpToolListing): McpToolDefinition {
  return {
    name: tool.name,
    ...(tool.title !== undefined ? { title: tool.title } : {}),
    ...(tool.description !== undefined ? { description: tool.description } : {}),
    input_schema: tool.inputSchema,
    ...(tool.outputSchema !== undefined ? { output_schema: tool.outputSchema } : {}),
    ...(tool.annotations !== undefined ? { annotations: tool.annotations as Record<string, unknown> } : {}),
  };
}

/** The listing a manifest is derived from, back from a stored definition. */
export function listingOf(definition: McpToolDefinition): McpToolListing {
  return {
    name: definition.name,
    ...(definition.title !== undefined ? { title: definition.title } : {}),
    ...(definition.description !== undefined ? { description: definition.description } : {}),
    inputSchema: definition.input_schema,
    ...(definition.output_schema !== undefined ? { outputSchema: definition.output_schema } : {}),
    ...(definition.annotations !== undefined ? { annotations: definition.annotations as McpToolListing['annotations'] } : {}),
  };
}

/** sha256 of the definition's canonical JSON (name, title, description, input and output schema, annotations). */
export function definitionHash(definition: McpToolDefinition): string {
  return sha256Hex(canonicalJson(definition));
}

/** One tool's review row, as stored (the store's row without its server id). */
export type McpToolReview = Omit<StoredMcpTool, 'server_id'>;

/** A tool's status from its hashes when nobody blocked it. */
export function reviewStatus(liveHash: string, approvedHash: string | null): McpToolStatus {
  if (approvedHash === null) return 'new';
  return liveHash === approvedHash ? 'approved' : 'drifted';
}

/**
 * The review rows after a listing: a listed tool keeps its approval when its hash is the approved one, is `drifted`
 * when it differs and `new` when it was never approved; a blocked tool stays blocked; a tool no longer listed is
 * `removed` (its last definition kept). `describe` derives the tool id (null and a reason when it cannot be offered).
 * Only rows whose content changed are returned, with `changed_at` = `now`.
 */
export function reconcileListing(
  existing: readonly McpToolReview[],
  listed: readonly McpToolListing[],
  describe: (tool: McpToolListing) => { tool_id: string | null; unusable: string | null },
  now: string,
): McpToolReview[] {
  const before = new Map(existing.map((r) => [r.name, r]));
  const seen = new Set<string>();
  // Two names that normalize to one tool id (`Echo.Text`, `echo_text`): the first listed keeps it.
  const ids = new Map<string, string>();
  const changed: McpToolReview[] = [];
  for (const tool of listed) {
    if (seen.has(tool.name)) continue;
    seen.add(tool.name);
    const live = definitionOf(tool);
    const hash = definitionHash(live);
    const old = before.get(tool.name);
    let { tool_id, unusable } = describe(tool);
    const holder = tool_id === null ? undefined : ids.get(tool_id);
    if (tool_id !== null && holder !== undefined) {
      unusable = `its name and ${holder.slice(0, 100)}'s both become the tool id ${tool_id}`;
      tool_id = null;
    } else if (tool_id !== null) ids.set(tool_id, tool.name);
    const status = old?.status === 'blocked' ? 'blocked' : reviewStatus(hash, old?.approved_hash ?? null);
    const row: McpToolReview = {
      name: tool.name,
      tool_id,
      live,
      definition_hash: hash,
      approved: old?.approved ?? null,
      approved_hash: old?.approved_hash ?? null,
      approved_version: old?.approved_version ?? null,
      status,
      flags: scanToolDefinition(live),
      unusable,
      blocked_reason: old?.blocked_reason ?? null,
      changed_at: now,
    };
    if (!old || old.definition_hash !== hash || old.status !== status || old.tool_id !== tool_id || old.unusable !== unusable) changed.push(row);
  }
  for (const old of existing) {
    if (seen.has(old.name) || old.status === 'removed' || old.status === 'blocked') continue;
    changed.push({ ...old, status: 'removed', changed_at: now });
  }
  return changed;
}

/** A hub server as manifests are derived for it. */
export interface HubServer {
  id: string;
  transport: McpTransport;
  /** The server's announced version (semver or not). */
  server_version: string;
}

/**
 * The manifest of one approved definition: version `<semver>+d<hash>`, the binding carrying the definition hash, and
 * the definition's poisoning flags in its risk (reviewers see them on the approval card).
 */
export function hubManifest(server: HubServer, definition: McpToolDefinition): ToolManifest {
  const hash = definitionHash(definition);
  const where = server.transport.type === 'streamable_http' ? { url: server.transport.url } : { egress_hosts: server.transport.egress_hosts ?? [] };
  const manifest = manifestForMcpTool({ id: server.id, ...where, version: server.server_version, hash, definition_hash: hash }, listingOf(definition));
  const flags = scanToolDefinition(definition).slice(0, 50);
  return flags.length ? { ...manifest, risk: { ...manifest.risk, flags } } : manifest;
}

/** The tool id a listed tool is offered under, or null and why it cannot be offered. */
export function describeHubTool(server: HubServer, tool: McpToolListing): { tool_id: string | null; unusable: string | null } {
  try {
    return { tool_id: hubManifest(server, definitionOf(tool)).id, unusable: null };
  } catch (err) {
    if (!(err instanceof McpToolError)) throw err;
    return { tool_id: null, unusable: err.message };
  }
}
