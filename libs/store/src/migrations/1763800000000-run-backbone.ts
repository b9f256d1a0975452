import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Projects, threads, runs, the append-only run_events log and the content-addressed artifact store. */
export class RunBackbone1763800000000 implements MigrationInterface {
  name = 'RunBackbone1763800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table projects (
        id uuid primary key,
        name text not null,
        description text not null default '',
        created_at timestamptz not null default now()
      )`);
    await q.query(`
      create table threads (
        id uuid primary key,
        project_id uuid not null references projects(id),
        title text not null,
        created_at timestamptz not null default now()
      )`);
    await q.query(`create index threads_project_idx on threads (project_id, created_at desc)`);
    await q.query(`
      create table runs (
        id uuid primary key,
        project_id uuid not null references projects(id),
        thread_id uuid not null references threads(id),
        status text not null check (status in ('queued', 'running', 'completed', 'failed', 'cancelled')),
        pins jsonb not null,
        input jsonb not null,
        retry_of uuid references runs(id),
        workflow_id text not null unique,
        last_seq integer not null default 0,
        input_tokens integer not null default 0,
        output_tokens integer not null default 0,
        cost_usd numeric(14, 6) not null default 0,
        error jsonb,
        created_at timestamptz not null default now(),
        started_at timestamptz,
        ended_at timestamptz
      )`);
    await q.query(`create index runs_thread_idx on runs (thread_id, created_at desc)`);
    await q.query(`create index runs_project_idx on runs (project_id, created_at desc)`);
    await q.query(`
      create table run_events (
        run_id uuid not null references runs(id),
        seq integer not null check (seq > 0),
        event_id uuid not null unique,
        kind text not null,
        ts timestamptz not null,
        actor jsonb not null,
        correlation_id text not null,
        causation_id uuid,
        schema_version smallint not null,
        payload jsonb not null,
        inserted_at timestamptz not null default clock_timestamp(),
        primary key (run_id, seq)
      )`);
    // The log is append-only at the database level: no UPDATE, DELETE or TRUNCATE, whoever asks.
    await q.query(`
      create function run_events_append_only() returns trigger language plpgsql as $$
      begin
        raise exception 'run_events is append-only: % refused', tg_op using errcode = 'restrict_violation';
      end $$`);
    await q.query(`create trigger run_events_no_update_delete before update or delete on run_events
                   for each row execute function run_events_append_only()`);
    await q.query(`create trigger run_events_no_truncate before truncate on run_events
                   for each statement execute function run_events_append_only()`);
    await q.query(`
      create table artifacts (
        sha256 char(64) primary key check (sha256 ~ '^[0-9a-f]{64}$'),
        size_bytes bigint not null check (size_bytes >= 0),
        media_type text not null,
        content bytea not null,
        created_at timestamptz not null default now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop table artifacts`);
    await q.query(`drop table run_events`);
    await q.query(`drop function run_events_append_only`);
    await q.query(`drop table runs`);
    await q.query(`drop table threads`);
    await q.query(`drop table projects`);
  }
}
