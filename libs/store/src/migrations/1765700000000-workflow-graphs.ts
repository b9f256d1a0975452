import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Workflow graphs (issue 14): `graphs` and their immutable `graph_versions` (content hash of the canonical spec), and
 * runs that are graph runs (`kind = 'graph'`, pinned to a version) or child runs of a graph node (`parent_run_id`).
 * Graph runs and agent nodes' child runs belong to no chat thread, so `runs.thread_id` becomes nullable.
 */
export class WorkflowGraphs1765700000000 implements MigrationInterface {
  name = 'WorkflowGraphs1765700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table graphs (
        id uuid primary key,
        project_id uuid not null references projects(id),
        name text not null,
        description text not null default '',
        latest_version integer not null default 1,
        created_by text not null,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now()
      )`);
    await q.query(`create index graphs_project_idx on graphs (project_id, updated_at desc)`);
    await q.query(`
      create table graph_versions (
        graph_id uuid not null references graphs(id),
        version integer not null check (version > 0),
        spec_hash text not null,
        spec jsonb not null,
        note text not null default '',
        created_by text not null,
        created_at timestamptz not null default now(),
        primary key (graph_id, version)
      )`);
    // Versions are immutable: a run pins one by hash, and an edit is a new version.
    await q.query(`
      create function graph_versions_immutable() returns trigger language plpgsql as $$
      begin
        raise exception 'graph_versions rows are immutable';
      end $$`);
    await q.query(`create trigger graph_versions_no_update before update on graph_versions for each row execute function graph_versions_immutable()`);
    await q.query(`alter table runs alter column thread_id drop not null`);
    await q.query(`alter table runs add column kind text not null default 'chat' check (kind in ('chat', 'graph'))`);
    await q.query(`alter table runs add column graph_id uuid references graphs(id)`);
    await q.query(`alter table runs add column graph_version integer`);
    await q.query(`alter table runs add column graph_spec_hash text`);
    await q.query(`alter table runs add column parent_run_id uuid references runs(id)`);
    await q.query(`alter table runs add column parent_node_id text`);
    await q.query(`
      alter table runs add constraint runs_kind_shape check (
        (kind = 'chat' and graph_id is null and (thread_id is not null or parent_run_id is not null))
        or (kind = 'graph' and graph_id is not null and graph_version is not null and graph_spec_hash is not null)
      )`);
    await q.query(`create index runs_graph_idx on runs (graph_id, created_at desc) where graph_id is not null`);
    await q.query(`create index runs_parent_idx on runs (parent_run_id) where parent_run_id is not null`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop index runs_parent_idx`);
    await q.query(`drop index runs_graph_idx`);
    await q.query(`alter table runs drop constraint runs_kind_shape`);
    for (const c of ['parent_node_id', 'parent_run_id', 'graph_spec_hash', 'graph_version', 'graph_id', 'kind']) {
      await q.query(`alter table runs drop column ${c}`);
    }
    await q.query(`alter table runs alter column thread_id set not null`);
    await q.query(`drop table graph_versions`);
    await q.query(`drop function graph_versions_immutable`);
    await q.query(`drop table graphs`);
  }
}
