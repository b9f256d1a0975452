import type {
  McpAuthInput,
  McpAuthView,
  McpCatalogPrompt,
  McpCatalogResource,
  McpHealth,
  McpPoisonFlag,
  McpToolDefinition,
  McpToolStatus,
  McpTransport,
} from '@omniai/contracts';
import type { DataSource } from 'typeorm';
import { canonicalHash } from './manifest-hash';
import { iso, isoOrNull, type Row } from './rows';
import type { Queryable, SecretBox } from './secret-box';

/** How a server's authentication is stored: header names with their sealed values' ids, never a value. */
export type StoredMcpAuth =
  | { type: 'none' }
  | { type: 'headers'; headers: Array<{ name: string; secret_id: string; fingerprint: string }> }
  | {
      type: 'oauth';
      client_id: string | null;
      client_secret_id: string | null;
      scopes: string[];
      /** The sealed OAuth state (client registration, tokens, an authorization in flight): mcp-oauth.ts in @omniai/tools. */
      token_secret_id: string | null;
      /** Whether that state holds a token (set when it is saved). */
      authorized?: boolean;
      expires_at: string | null;
    };

export interface StoredMcpServer {
  id: string;
  name: string;
  transport: McpTransport;
  auth: StoredMcpAuth;
  enabled: boolean;
  health: McpHealth;
  listed_at: string | null;
  resources: McpCatalogResource[];
  prompts: McpCatalogPrompt[];
  /** The Streamable HTTP endpoint (null for stdio). */
  url: string | null;
  server_name: string;
  server_version: string;
  /** sha256 of the canonical JSON of the last listing (legacy registrations: URL, name, version and tools). */
  server_hash: string | null;
  created_at: string;
  updated_at: string;
}

/** One tool's review row (the live definition beside the approved one). */
export interface StoredMcpTool {
  server_id: string;
  name: string;
  tool_id: string | null;
  live: McpToolDefinition;
  definition_hash: string;
  approved: McpToolDefinition | null;
  approved_hash: string | null;
  approved_version: string | null;
  status: McpToolStatus;
  flags: McpPoisonFlag[];
  unusable: string | null;
  blocked_reason: string | null;
  changed_at: string;
}

/** Registering a server under an id that already holds another URL or listing. */
export class McpServerConflict extends Error {
  constructor(readonly id: string) {
    super(`an MCP server with id ${id} is already registered with another URL or tool listing; register it under a new id`);
    this.name = 'McpServerConflict';
  }
}

/** The approved definition is not the live one any more (it changed again since the review). */
export class McpToolChanged extends Error {
  constructor(readonly liveHash: string) {
    super(`the live definition is now ${liveHash}`);
    this.name = 'McpToolChanged';
  }
}

export const UNCHECKED_HEALTH: McpHealth = {
  status: 'unknown',
  checked_at: null,
  latency_ms: null,
  protocol_version: null,
  server_info: null,
  auth_state: 'none',
  error: null,
};

const toStored = (r: Row): StoredMcpServer => ({
  id: String(r['id']),
  name: String(r['name']),
  transport: r['transport'] as McpTransport,
  auth: r['auth'] as StoredMcpAuth,
  enabled: Boolean(r['enabled']),
  health: (r['health'] as McpHealth | null) ?? UNCHECKED_HEALTH,
  listed_at: isoOrNull(r['listed_at']),
  resources: (r['resources'] as StoredMcpServer['resources']) ?? [],
  prompts: (r['prompts'] as StoredMcpServer['prompts']) ?? [],
  url: (r['url'] as string | null) ?? null,
  server_name: String(r['server_name']),
  server_version: String(r['server_version']),
  server_hash: (r['server_hash'] as string | null) ?? null,
  created_at: iso(r['created_at']),
  updated_at: iso(r['updated_at']),
});

const toTool = (r: Row): StoredMcpTool => ({
  server_id: String(r['server_id']),
  name: String(r['name']),
  tool_id: (r['tool_id'] as string | null) ?? null,
  live: r['live'] as McpToolDefinition,
  definition_hash: String(r['definition_hash']),
  approved: (r['approved'] as McpToolDefinition | null) ?? null,
  approved_hash: (r['approved_hash'] as string | null) ?? null,
  approved_version: (r['approved_version'] as string | null) ?? null,
  status: String(r['status']) as McpToolStatus,
  flags: (r['flags'] as McpPoisonFlag[]) ?? [],
  unusable: (r['unusable'] as string | null) ?? null,
  blocked_reason: (r['blocked_reason'] as string | null) ?? null,
  changed_at: iso(r['changed_at']),
});

/** A server's sealed values are sealed for its row: pointing another server at them does not open them. */
export function mcpServerSecretOwner(serverId: string): string {
  return `mcp_servers:${serverId}`;
}

/** The public view of stored authentication: names and fingerprints only. */
export function mcpAuthView(auth: StoredMcpAuth): McpAuthView {
  switch (auth.type) {
    case 'none':
      return { type: 'none' };
    case 'headers':
      return { type: 'headers', headers: auth.headers.map((h) => ({ name: h.name, fingerprint: h.fingerprint })) };
    case 'oauth':
      return { type: 'oauth', client_id: auth.client_id, scopes: auth.scopes, authorized: auth.authorized === true, expires_at: auth.expires_at };
  }
}

/** Every sealed secret id an authentication holds. */
function secretIds(auth: StoredMcpAuth): string[] {
  if (auth.type === 'headers') return auth.headers.map((h) => h.secret_id);
  if (auth.type === 'oauth') return [auth.client_secret_id, auth.token_secret_id].filter((s): s is string => s !== null);
  return [];
}

/**
 * MCP servers (the hub, docs/MCP.md) and the review rows of their tools. Header values are sealed in the SecretBox
 * for the server's row and revealed only by {@link revealHeaders} (the worker, at connect time).
 * Servers registered through `POST /v1/tools/mcp` (D35) use {@link put}, which stays idempotent per registration.
 */
export class McpServerStore {
  constructor(
    private readonly db: DataSource,
    private readonly secrets?: SecretBox,
  ) {}

  /** sha256 of the canonical JSON of what was registered (URL, server name and version, the listed tools). */
  static hashOf(registration: unknown): string {
    return canonicalHash(registration);
  }

  /** Legacy registration (`POST /v1/tools/mcp`): `created` is false when exactly this registration was already there. */
  async put(server: {
    id: string;
    url: string;
    server_name: string;
    server_version: string;
    server_hash: string;
  }): Promise<{ stored: StoredMcpServer; created: boolean }> {
    const inserted: Row[] = await this.db.query(
      `insert into mcp_servers (id, url, server_name, server_version, server_hash, name, transport) values ($1, $2, $3, $4, $5, $1, $6)
       on conflict (id) do nothing returning *`,
      [server.id, server.url, server.server_name, server.server_version, server.server_hash, JSON.stringify({ type: 'streamable_http', url: server.url })],
    );
    if (inserted[0]) return { stored: toStored(inserted[0]), created: true };
    const existing = await this.get(server.id);
    if (!existing || existing.server_hash !== server.server_hash || existing.url !== server.url) throw new McpServerConflict(server.id);
    return { stored: existing, created: false };
  }

  /** Adds a hub server (its values sealed); null when the id is taken. */
  async create(input: { id: string; name: string; transport: McpTransport; auth: McpAuthInput }): Promise<StoredMcpServer | null> {
    const auth = await this.seal(input.id, input.auth);
    try {
      const rows: Row[] = await this.db.query(
        `insert into mcp_servers (id, name, url, transport, auth, server_name, server_version, health) values ($1, $2, $3, $4, $5, '', '', $6)
         on conflict (id) do nothing returning *`,
        [input.id, input.name, urlOf(input.transport), JSON.stringify(input.transport), JSON.stringify(auth), JSON.stringify(UNCHECKED_HEALTH)],
      );
      if (rows[0]) return toStored(rows[0]);
    } catch (err) {
      await this.dropSecrets(auth);
      throw err;
    }
    await this.dropSecrets(auth);
    return null;
  }

  async get(id: string): Promise<StoredMcpServer | null> {
    const [row]: Row[] = await this.db.query(`select * from mcp_servers where id = $1`, [id]);
    return row ? toStored(row) : null;
  }

  async list(): Promise<StoredMcpServer[]> {
    const rows: Row[] = await this.db.query(`select * from mcp_servers order by created_at, id`);
    return rows.map(toStored);
  }

  /** Renames, enables/disables, replaces the authentication (old values deleted) or the transport. */
  async update(id: string, patch: { name?: string; enabled?: boolean; auth?: McpAuthInput; transport?: McpTransport }): Promise<StoredMcpServer | null> {
    const auth = patch.auth ? await this.seal(id, patch.auth) : undefined;
    const old = await this.db.transaction(async (tx) => {
      const [row]: Row[] = await tx.query(`select * from mcp_servers where id = $1 for update`, [id]);
      if (!row) return null;
      const before = toStored(row);
      await tx.query(
        `update mcp_servers set name = coalesce($2, name), enabled = coalesce($3, enabled), auth = coalesce($4, auth),
           transport = coalesce($5, transport), url = case when $5::jsonb is null then url else $6 end, updated_at = now()
         where id = $1`,
        [
          id,
          patch.name ?? null,
          patch.enabled ?? null,
          auth ? JSON.stringify(auth) : null,
          patch.transport ? JSON.stringify(patch.transport) : null,
          patch.transport ? urlOf(patch.transport) : null,
        ],
      );
      return before;
    });
    if (!old) {
      if (auth) await this.dropSecrets(auth);
      return null;
    }
    if (auth) await this.dropSecrets(old.auth);
    return this.get(id);
  }

  /** Deletes the server, its review rows and its sealed values; false when there was none. */
  async delete(id: string): Promise<boolean> {
    const removed = await this.db.transaction(async (tx) => {
      const [row]: Row[] = await tx.query(`select * from mcp_servers where id = $1 for update`, [id]);
      if (!row) return null;
      await tx.query(`delete from mcp_servers where id = $1`, [id]);
      const auth = toStored(row).auth;
      for (const secret of secretIds(auth)) await this.box().delete(secret, tx);
      return auth;
    });
    return removed !== null;
  }

  /** The header values, decrypted at the last moment for one connection (worker only; never logged or recorded). */
  async revealHeaders(server: StoredMcpServer): Promise<Record<string, string>> {
    if (server.auth.type !== 'headers') return {};
    const out: Record<string, string> = {};
    for (const h of server.auth.headers) out[h.name] = await this.box().reveal(h.secret_id, mcpServerSecretOwner(server.id));
    return out;
  }

  /**
   * The server's OAuth state (client registration, tokens, the authorization in flight), sealed as one JSON document
   * in the token slot; `{}` when there is none (or the server does not use OAuth).
   */
  async loadOAuthState(id: string): Promise<Record<string, unknown>> {
    const server = await this.get(id);
    if (!server || server.auth.type !== 'oauth' || !server.auth.token_secret_id) return {};
    return JSON.parse(await this.box().reveal(server.auth.token_secret_id, mcpServerSecretOwner(id))) as Record<string, unknown>;
  }

  /**
   * Replaces the sealed OAuth state (the previous one is destroyed in the same transaction) and records when the
   * access token expires, for the server card. False when the server is gone or no longer uses OAuth.
   */
  async saveOAuthState(id: string, state: Record<string, unknown>, expiresAt: number | undefined): Promise<boolean> {
    const sealed = await this.box().seal(JSON.stringify(state), mcpServerSecretOwner(id));
    const previous = await this.db.transaction(async (tx) => {
      const [row]: Row[] = await tx.query(`select * from mcp_servers where id = $1 for update`, [id]);
      const auth = row ? toStored(row).auth : null;
      if (!auth || auth.type !== 'oauth') return null;
      const hasToken = typeof (state['tokens'] as { access_token?: unknown } | undefined)?.access_token === 'string';
      const next: StoredMcpAuth = {
        ...auth,
        token_secret_id: sealed.id,
        authorized: hasToken,
        expires_at: hasToken && expiresAt !== undefined ? new Date(expiresAt).toISOString() : null,
      };
      await tx.query(`update mcp_servers set auth = $2, updated_at = now() where id = $1`, [id, JSON.stringify(next)]);
      if (auth.token_secret_id) await this.box().delete(auth.token_secret_id, tx);
      return auth;
    });
    if (!previous)
      await this.box()
        .delete(sealed.id)
        .catch(() => undefined);
    return previous !== null;
  }

  /**
   * The server's OAuth state as one sealed document, for the MCP client's OAuth provider (`McpOAuthVault` in
   * @omniai/tools, which gives `T`): read with {@link loadOAuthState}, written with {@link saveOAuthState}.
   */
  oauthVault<T extends { tokens_expire_at?: number }>(serverId: string): { load(): Promise<T>; save(state: T): Promise<void> } {
    return {
      load: async () => (await this.loadOAuthState(serverId)) as T,
      save: async (state) => {
        await this.saveOAuthState(serverId, state as Record<string, unknown>, state.tokens_expire_at);
      },
    };
  }

  /** The OAuth client a server is configured with (its secret revealed for the token requests); null without OAuth. */
  async revealOAuthClient(server: StoredMcpServer): Promise<{ clientId?: string; clientSecret?: string; scopes: string[] } | null> {
    if (server.auth.type !== 'oauth') return null;
    const secret = server.auth.client_secret_id ? await this.box().reveal(server.auth.client_secret_id, mcpServerSecretOwner(server.id)) : undefined;
    return {
      ...(server.auth.client_id ? { clientId: server.auth.client_id } : {}),
      ...(secret ? { clientSecret: secret } : {}),
      scopes: server.auth.scopes,
    };
  }

  /** Every sealed value and its owner (for key rotation). */
  async ownedSecrets(): Promise<Array<{ id: string; owner: string }>> {
    const rows: Row[] = await this.db.query(`select id, auth from mcp_servers where auth->>'type' <> 'none'`);
    return rows.flatMap((r) => secretIds(r['auth'] as StoredMcpAuth).map((secret) => ({ id: secret, owner: mcpServerSecretOwner(String(r['id'])) })));
  }

  /** Records a check's outcome; with a listing, the catalog too (changed review rows upserted) in one transaction. */
  async recordCheck(
    id: string,
    health: McpHealth,
    listing?: {
      server_name: string;
      server_version: string;
      server_hash: string;
      resources: StoredMcpServer['resources'];
      prompts: StoredMcpServer['prompts'];
      tools: StoredMcpTool[];
    },
  ): Promise<void> {
    await this.db.transaction(async (tx) => {
      if (!listing) {
        await tx.query(`update mcp_servers set health = $2 where id = $1`, [id, JSON.stringify(health)]);
        return;
      }
      await tx.query(
        `update mcp_servers set health = $2, listed_at = now(), server_name = $3, server_version = $4, server_hash = $5, resources = $6, prompts = $7 where id = $1`,
        [
          id,
          JSON.stringify(health),
          listing.server_name,
          listing.server_version,
          listing.server_hash,
          JSON.stringify(listing.resources),
          JSON.stringify(listing.prompts),
        ],
      );
      for (const t of listing.tools) await this.putTool(t, tx);
    });
  }

  async tools(serverId: string): Promise<StoredMcpTool[]> {
    const rows: Row[] = await this.db.query(`select * from mcp_server_tools where server_id = $1 order by name`, [serverId]);
    return rows.map(toTool);
  }

  async tool(serverId: string, name: string): Promise<StoredMcpTool | null> {
    const [row]: Row[] = await this.db.query(`select * from mcp_server_tools where server_id = $1 and name = $2`, [serverId, name]);
    return row ? toTool(row) : null;
  }

  /** Inserts or replaces one review row. */
  async putTool(t: StoredMcpTool, db: Queryable = this.db): Promise<void> {
    await db.query(
      `insert into mcp_server_tools (server_id, name, tool_id, live, definition_hash, approved, approved_hash, approved_version, status, flags, unusable, blocked_reason, changed_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
       on conflict (server_id, name) do update set tool_id = excluded.tool_id, live = excluded.live, definition_hash = excluded.definition_hash,
         approved = excluded.approved, approved_hash = excluded.approved_hash, approved_version = excluded.approved_version, status = excluded.status,
         flags = excluded.flags, unusable = excluded.unusable, blocked_reason = excluded.blocked_reason, changed_at = excluded.changed_at`,
      [
        t.server_id,
        t.name,
        t.tool_id,
        JSON.stringify(t.live),
        t.definition_hash,
        t.approved ? JSON.stringify(t.approved) : null,
        t.approved_hash,
        t.approved_version,
        t.status,
        JSON.stringify(t.flags),
        t.unusable,
        t.blocked_reason,
        t.changed_at,
      ],
    );
  }

  /**
   * Approves the live definition if it is still `expectedHash` (else {@link McpToolChanged}), and moves every project
   * pin of the tool to `version`, in one transaction. The manifest must be registered first.
   */
  async approveTool(serverId: string, name: string, expectedHash: string, version: string): Promise<StoredMcpTool | null> {
    return this.db.transaction(async (tx) => {
      const [row]: Row[] = await tx.query(`select * from mcp_server_tools where server_id = $1 and name = $2 for update`, [serverId, name]);
      if (!row) return null;
      const tool = toTool(row);
      if (tool.definition_hash !== expectedHash || tool.status === 'removed') throw new McpToolChanged(tool.definition_hash);
      const [updated] = returned(
        await tx.query(
          `update mcp_server_tools set approved = live, approved_hash = definition_hash, approved_version = $3, status = 'approved', blocked_reason = null, changed_at = now()
         where server_id = $1 and name = $2 returning *`,
          [serverId, name, version],
        ),
      );
      if (tool.tool_id) await tx.query(`update project_tool_pins set version = $2 where tool_id = $1`, [tool.tool_id, version]);
      return toTool(updated!);
    });
  }

  /** Blocks a tool (calls refused) or unblocks it (its status recomputed from its hashes). */
  async blockTool(serverId: string, name: string, blocked: boolean, reason: string | null): Promise<StoredMcpTool | null> {
    const [row] = returned(
      await this.db.query(
        blocked
          ? `update mcp_server_tools set status = 'blocked', blocked_reason = $3, changed_at = now() where server_id = $1 and name = $2 returning *`
          : `update mcp_server_tools set status = case when status <> 'blocked' then status when approved_hash is null then 'new'
             when approved_hash = definition_hash then 'approved' else 'drifted' end, blocked_reason = null, changed_at = now()
           where server_id = $1 and name = $2 returning *`,
        blocked ? [serverId, name, reason] : [serverId, name],
      ),
    );
    return row ? toTool(row) : null;
  }

  /** Marks one tool drifted (a call saw a live definition other than the approved one). */
  async markDrifted(serverId: string, name: string, live: McpToolDefinition, hash: string, flags: McpPoisonFlag[]): Promise<void> {
    await this.db.query(
      `update mcp_server_tools set live = $3, definition_hash = $4, flags = $5, status = case when status = 'blocked' then status else 'drifted' end, changed_at = now()
       where server_id = $1 and name = $2`,
      [serverId, name, JSON.stringify(live), hash, JSON.stringify(flags)],
    );
  }

  private box(): SecretBox {
    if (!this.secrets) throw new Error('McpServerStore was built without a SecretBox');
    return this.secrets;
  }

  private async seal(id: string, auth: McpAuthInput): Promise<StoredMcpAuth> {
    if (auth.type === 'none') return { type: 'none' };
    const owner = mcpServerSecretOwner(id);
    if (auth.type === 'headers') {
      const headers: Array<{ name: string; secret_id: string; fingerprint: string }> = [];
      for (const [name, value] of Object.entries(auth.headers)) {
        const sealed = await this.box().seal(value, owner);
        headers.push({ name, secret_id: sealed.id, fingerprint: sealed.fingerprint });
      }
      return { type: 'headers', headers };
    }
    const clientSecret = auth.client_secret ? await this.box().seal(auth.client_secret, owner) : null;
    return {
      type: 'oauth',
      client_id: auth.client_id ?? null,
      client_secret_id: clientSecret?.id ?? null,
      scopes: auth.scopes ?? [],
      token_secret_id: null,
      expires_at: null,
    };
  }

  private async dropSecrets(auth: StoredMcpAuth): Promise<void> {
    for (const secret of secretIds(auth))
      await this.box()
        .delete(secret)
        .catch(() => undefined);
  }
}

/** The rows an `update … returning` answered (the driver gives `[rows, count]` for updates, rows for inserts). */
function returned(result: unknown): Row[] {
  const r = result as unknown[];
  return Array.isArray(r[0]) ? (r[0] as Row[]) : (r as Row[]);
}

function urlOf(transport: McpTransport): string | null {
  return transport.type === 'streamable_http' ? new URL(transport.url).href : null;
}
