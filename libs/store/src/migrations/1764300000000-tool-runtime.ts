import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The tool runtime's state: the registry of tool manifests (immutable per version), per-project version pins, the
 * workspace policy document, and approvals (a projection of the runs' approval events, plus an append-only log of
 * every decide call).
 */
export class ToolRuntime1764300000000 implements MigrationInterface {
  name = 'ToolRuntime1764300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table tool_manifests (
        tool_id text not null,
        version text not null,
        manifest_hash char(64) not null check (manifest_hash ~ '^[0-9a-f]{64}$'),
        manifest jsonb not null,
        registered_at timestamptz not null default now(),
        primary key (tool_id, version)
      )`);
    await q.query(`
      create table project_tool_pins (
        project_id uuid not null references projects (id) on delete cascade,
        tool_id text not null,
        version text not null,
        primary key (project_id, tool_id),
        foreign key (tool_id, version) references tool_manifests (tool_id, version)
      )`);
    await q.query(`
      create table workspace_policy (
        id smallint primary key check (id = 1),
        policy jsonb not null,
        updated_at timestamptz not null default now()
      )`);
    await q.query(`insert into workspace_policy (id, policy) values (1, '{"grants": [], "kill_switch_external_writes": false}')`);
    await q.query(`
      create table approvals (
        id text primary key,
        run_id uuid not null references runs (id),
        project_id uuid not null references projects (id),
        call_id text not null,
        tool_id text not null,
        tool_version text not null,
        manifest_hash text not null,
        arguments_hash char(64) not null,
        arguments_redacted jsonb,
        risk jsonb not null,
        reason_code text not null,
        requested_by jsonb not null,
        status text not null check (status in ('pending', 'approved', 'denied', 'expired')),
        decided_by text,
        decision_reason text,
        requested_at timestamptz not null,
        expires_at timestamptz not null,
        decided_at timestamptz
      )`);
    await q.query(`create index approvals_status_requested on approvals (status, requested_at desc)`);
    await q.query(`create index approvals_project on approvals (project_id, requested_at desc)`);
    await q.query(`
      create table approval_decisions (
        id bigserial primary key,
        approval_id text not null references approvals (id),
        decision text not null check (decision in ('approve', 'deny')),
        reason text,
        decided_by text not null,
        arguments_hash text not null,
        outcome text not null check (outcome in ('applied', 'no_op', 'refused')),
        at timestamptz not null default now()
      )`);
    // Any table can use this guard: it names the table it protects.
    await q.query(`
      create function append_only_guard() returns trigger language plpgsql as $$
      begin
        raise exception '% is append-only: % refused', tg_table_name, tg_op using errcode = 'restrict_violation';
      end $$`);
    await q.query(`create trigger approval_decisions_no_update_delete before update or delete on approval_decisions
                   for each row execute function append_only_guard()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop table approval_decisions`);
    await q.query(`drop function append_only_guard`);
    await q.query(`drop table approvals`);
    await q.query(`drop table workspace_policy`);
    await q.query(`drop table project_tool_pins`);
    await q.query(`drop table tool_manifests`);
  }
}
