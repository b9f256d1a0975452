import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The MCP hub (issue 17, docs/MCP.md): servers become mutable, first-class objects (a transport, sealed
 * authentication, health, the last listing) and every tool a server lists gets a review row: the live definition and
 * its hash beside the approved one, a status (approved, drifted, new, blocked, removed) and poisoning flags. Servers
 * registered before (`POST /v1/tools/mcp`) become Streamable HTTP servers whose tools have no review rows yet.
 * Header values are sealed in `secrets` for their server (`mcp_servers:<id>`); `auth` holds only names, secret ids and
 * fingerprints.
 */
export class McpHub1766100000000 implements MigrationInterface {
  name = 'McpHub1766100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`alter table mcp_servers alter column url drop not null`);
    await q.query(`alter table mcp_servers alter column server_hash drop not null`);
    await q.query(`
      alter table mcp_servers
        add column name text,
        add column transport jsonb,
        add column auth jsonb not null default '{"type":"none"}',
        add column enabled boolean not null default true,
        add column health jsonb,
        add column listed_at timestamptz,
        add column resources jsonb not null default '[]',
        add column prompts jsonb not null default '[]',
        add column updated_at timestamptz not null default now()`);
    await q.query(`update mcp_servers set name = id, transport = jsonb_build_object('type', 'streamable_http', 'url', url), updated_at = created_at`);
    await q.query(`alter table mcp_servers alter column name set not null, alter column transport set not null`);
    await q.query(`alter table mcp_servers add constraint mcp_servers_transport_check check (transport->>'type' in ('streamable_http', 'stdio'))`);
    await q.query(`
      create table mcp_server_tools (
        server_id text not null references mcp_servers(id) on delete cascade,
        name text not null,
        tool_id text,
        live jsonb not null,
        definition_hash char(64) not null check (definition_hash ~ '^[0-9a-f]{64}$'),
        approved jsonb,
        approved_hash char(64) check (approved_hash ~ '^[0-9a-f]{64}$'),
        approved_version text,
        status text not null check (status in ('approved', 'drifted', 'new', 'blocked', 'removed')),
        flags jsonb not null default '[]',
        unusable text,
        blocked_reason text,
        changed_at timestamptz not null default now(),
        primary key (server_id, name),
        check ((approved is null) = (approved_hash is null) and (approved is null) = (approved_version is null))
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop table mcp_server_tools`);
    await q.query(`delete from mcp_servers where url is null`);
    await q.query(`alter table mcp_servers drop constraint mcp_servers_transport_check`);
    await q.query(`
      alter table mcp_servers
        drop column name, drop column transport, drop column auth, drop column enabled, drop column health,
        drop column listed_at, drop column resources, drop column prompts, drop column updated_at`);
    await q.query(`update mcp_servers set server_hash = repeat('0', 64) where server_hash is null`);
    await q.query(`alter table mcp_servers alter column url set not null, alter column server_hash set not null`);
  }
}
