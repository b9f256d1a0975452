import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Triggers (issue 15, docs/TRIGGERS.md): schedules (state in Temporal; the row keeps ownership, project, target and the
 * spec as last saved) and inbound webhooks (secrets sealed in `secrets`, the previous one valid until
 * `previous_secret_expires_at`), their delivery log and shared per-hook rate windows; runs record the trigger that
 * started them; outgoing hooks notify a URL when a run of a graph or thread ends, one delivery row per (hook, run).
 */
export class Triggers1765900000000 implements MigrationInterface {
  name = 'Triggers1765900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table triggers (
        id uuid primary key,
        project_id uuid not null references projects(id),
        name text not null,
        kind text not null check (kind in ('schedule', 'webhook')),
        target jsonb not null,
        graph_id uuid references graphs(id),
        thread_id uuid references threads(id),
        schedule jsonb,
        policies jsonb,
        webhook jsonb,
        secret_id uuid references secrets(id),
        previous_secret_id uuid references secrets(id),
        previous_secret_expires_at timestamptz,
        paused boolean not null default false,
        note text,
        created_by text not null,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        deleted_at timestamptz,
        check ((kind = 'schedule' and schedule is not null and policies is not null and webhook is null)
            or (kind = 'webhook' and webhook is not null and schedule is null and secret_id is not null)),
        check ((graph_id is null) <> (thread_id is null))
      )`);
    await q.query(`create index triggers_project_idx on triggers (project_id, created_at desc) where deleted_at is null`);
    await q.query(`create index triggers_graph_idx on triggers (graph_id) where graph_id is not null and deleted_at is null`);
    await q.query(`create index triggers_thread_idx on triggers (thread_id) where thread_id is not null and deleted_at is null`);

    await q.query(`
      create table webhook_deliveries (
        id uuid primary key,
        trigger_id uuid not null references triggers(id),
        webhook_id text,
        status text not null check (status in ('accepted', 'duplicate', 'rejected')),
        reason text,
        detail text,
        http_status integer not null,
        body_bytes integer not null,
        body_sha256 text not null,
        run_id uuid,
        received_at timestamptz not null default now()
      )`);
    await q.query(`create index webhook_deliveries_trigger_idx on webhook_deliveries (trigger_id, received_at desc)`);
    // Fixed one-minute windows shared by every API process (a rate limit that survives scale-out).
    await q.query(`
      create table webhook_rate_windows (
        trigger_id uuid not null references triggers(id),
        window_start timestamptz not null,
        count integer not null,
        primary key (trigger_id, window_start)
      )`);

    await q.query(`alter table runs add column trigger_id uuid references triggers(id)`);
    await q.query(`alter table runs add column trigger_kind text check (trigger_kind in ('schedule', 'webhook'))`);
    await q.query(`alter table runs add column trigger_fire_id text`);
    await q.query(
      `alter table runs add constraint runs_trigger_shape check ((trigger_id is null) = (trigger_kind is null) and (trigger_id is null) = (trigger_fire_id is null))`,
    );
    await q.query(`create index runs_trigger_idx on runs (trigger_id, created_at desc) where trigger_id is not null`);

    await q.query(`
      create table outgoing_hooks (
        id uuid primary key,
        project_id uuid not null references projects(id),
        graph_id uuid references graphs(id),
        thread_id uuid references threads(id),
        url text not null,
        secret_id uuid not null references secrets(id),
        created_by text not null,
        created_at timestamptz not null default now(),
        deleted_at timestamptz,
        check ((graph_id is null) <> (thread_id is null))
      )`);
    await q.query(`create index outgoing_hooks_graph_idx on outgoing_hooks (graph_id) where graph_id is not null and deleted_at is null`);
    await q.query(`create index outgoing_hooks_thread_idx on outgoing_hooks (thread_id) where thread_id is not null and deleted_at is null`);
    await q.query(`
      create table outgoing_deliveries (
        id uuid primary key,
        hook_id uuid not null references outgoing_hooks(id),
        run_id uuid not null references runs(id),
        message_id text not null,
        status text not null check (status in ('pending', 'delivered', 'failed')),
        attempts integer not null default 0,
        last_http_status integer,
        last_error text,
        created_at timestamptz not null default now(),
        delivered_at timestamptz,
        unique (hook_id, run_id)
      )`);
    await q.query(`create index outgoing_deliveries_hook_idx on outgoing_deliveries (hook_id, created_at desc)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop table outgoing_deliveries`);
    await q.query(`drop table outgoing_hooks`);
    await q.query(`drop index runs_trigger_idx`);
    await q.query(`alter table runs drop constraint runs_trigger_shape`);
    for (const c of ['trigger_fire_id', 'trigger_kind', 'trigger_id']) await q.query(`alter table runs drop column ${c}`);
    await q.query(`drop table webhook_rate_windows`);
    await q.query(`drop table webhook_deliveries`);
    await q.query(`drop table triggers`);
  }
}
