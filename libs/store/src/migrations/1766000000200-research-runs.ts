import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Research runs (issue 16, docs/RESEARCH.md): a run of `kind = 'research'` belongs to a project, not to a thread or a
 * graph. Each source a run reads is a row keyed by (run, source id): the read activity fetches a source only when its
 * row has no outcome yet, so a retried or resumed read never fetches twice (`fetches` counts real fetches).
 */
export class ResearchRuns1766000000200 implements MigrationInterface {
  name = 'ResearchRuns1766000000200';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`alter table runs drop constraint runs_kind_check`);
    await q.query(`alter table runs add constraint runs_kind_check check (kind in ('chat', 'graph', 'research'))`);
    await q.query(`alter table runs drop constraint runs_kind_shape`);
    await q.query(`
      alter table runs add constraint runs_kind_shape check (
        (kind = 'chat' and graph_id is null and (thread_id is not null or parent_run_id is not null))
        or (kind = 'graph' and graph_id is not null and graph_version is not null and graph_spec_hash is not null)
        or (kind = 'research' and graph_id is null and thread_id is null)
      )`);
    await q.query(`create index runs_research_idx on runs (project_id, created_at desc) where kind = 'research'`);
    await q.query(`
      create table research_sources (
        run_id uuid not null references runs(id),
        source_id text not null check (source_id ~ '^[0-9a-f]{16}$'),
        kind text not null check (kind in ('document', 'web', 'mcp')),
        locator text not null,
        title text not null default '',
        status text not null check (status in ('reading', 'read', 'failed')),
        snapshot jsonb,
        error_code text,
        error_message text,
        fetches integer not null default 0,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        primary key (run_id, source_id),
        check ((status = 'read') = (snapshot is not null)),
        check ((status = 'failed') = (error_code is not null))
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop table research_sources`);
    await q.query(`drop index runs_research_idx`);
    await q.query(`alter table runs drop constraint runs_kind_shape`);
    await q.query(`
      alter table runs add constraint runs_kind_shape check (
        (kind = 'chat' and graph_id is null and (thread_id is not null or parent_run_id is not null))
        or (kind = 'graph' and graph_id is not null and graph_version is not null and graph_spec_hash is not null)
      )`);
    await q.query(`alter table runs drop constraint runs_kind_check`);
    await q.query(`alter table runs add constraint runs_kind_check check (kind in ('chat', 'graph'))`);
  }
}
