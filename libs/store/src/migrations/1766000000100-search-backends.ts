import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Web search backends of research runs (issue 16): SearXNG, Brave Search or Tavily, workspace-wide, configured by an
 * admin. A key is sealed in `secrets` for its row (`search_backends:<id>`), like a provider's; SearXNG may have none.
 */
export class SearchBackends1766000000100 implements MigrationInterface {
  name = 'SearchBackends1766000000100';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table search_backends (
        id uuid primary key,
        kind text not null check (kind in ('searxng', 'brave', 'tavily')),
        name text not null,
        base_url text not null,
        secret_id uuid references secrets(id),
        created_by text not null,
        created_at timestamptz not null default now(),
        check (kind = 'searxng' or secret_id is not null)
      )`);
    await q.query(`create index search_backends_created_idx on search_backends (created_at desc)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop table search_backends`);
  }
}
