import type { DataSource } from 'typeorm';
import { canonicalHash } from './manifest-hash';
import { iso, type Row } from './rows';

export interface StoredMcpServer {
  id: string;
  /** The Streamable HTTP endpoint. */
  url: string;
  server_name: string;
  server_version: string;
  /** sha256 of the canonical JSON of the URL, the server's name and version and the tools it listed. */
  server_hash: string;
  created_at: string;
}

/** Registering a server under an id that already holds another URL or listing. */
export class McpServerConflict extends Error {
  constructor(readonly id: string) {
    super(`an MCP server with id ${id} is already registered with another URL or tool listing; register it under a new id`);
    this.name = 'McpServerConflict';
  }
}

const toStored = (r: Row): StoredMcpServer => ({
  id: String(r['id']),
  url: String(r['url']),
  server_name: String(r['server_name']),
  server_version: String(r['server_version']),
  server_hash: String(r['server_hash']),
  created_at: iso(r['created_at']),
});

/**
 * Remote MCP servers behind `mcp_remote` tools, by id. Immutable per id, like OpenAPI documents (D27, D35): the same
 * registration again is a no-op, another one is refused ({@link McpServerConflict}).
 */
export class McpServerStore {
  constructor(private readonly db: DataSource) {}

  /** sha256 of the canonical JSON of what was registered (URL, server name and version, the listed tools). */
  static hashOf(registration: unknown): string {
    return canonicalHash(registration);
  }

  /** Stores the server; `created` is false when exactly this registration was already there. */
  async put(server: Omit<StoredMcpServer, 'created_at'>): Promise<{ stored: StoredMcpServer; created: boolean }> {
    const inserted: Row[] = await this.db.query(
      `insert into mcp_servers (id, url, server_name, server_version, server_hash) values ($1, $2, $3, $4, $5) on conflict (id) do nothing returning *`,
      [server.id, server.url, server.server_name, server.server_version, server.server_hash],
    );
    if (inserted[0]) return { stored: toStored(inserted[0]), created: true };
    const existing = await this.get(server.id);
    if (!existing || existing.server_hash !== server.server_hash || existing.url !== server.url) throw new McpServerConflict(server.id);
    return { stored: existing, created: false };
  }

  async get(id: string): Promise<StoredMcpServer | null> {
    const [row]: Row[] = await this.db.query(`select * from mcp_servers where id = $1`, [id]);
    return row ? toStored(row) : null;
  }
}
