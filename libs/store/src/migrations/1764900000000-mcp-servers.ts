import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Remote MCP servers registered as tools (`POST /v1/tools/mcp`). A manifest with an `mcp_remote` binding names its
 * server by `server_id` = this id; the worker reads the URL from here when it executes the call. A server is immutable
 * under its id (D35): another URL or another tool listing under the same id is refused, so a pinned manifest always
 * names the same endpoint.
 */
export class McpServers1764900000000 implements MigrationInterface {
  name = 'McpServers1764900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table mcp_servers (
        id text primary key check (id ~ '^[a-z0-9][a-z0-9_-]{0,39}$'),
        url text not null check (url ~ '^https?://'),
        server_name text not null,
        server_version text not null,
        server_hash char(64) not null check (server_hash ~ '^[0-9a-f]{64}$'),
        created_at timestamptz not null default now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop table mcp_servers`);
  }
}
