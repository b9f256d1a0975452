import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Identity (D31): invite-only users, project memberships, server-side sessions, hashed bearer tokens, and the
 * append-only audit log. Every secret here (session id, CSRF token's session, invite token, bearer token) is stored
 * as a SHA-256 hash; passwords as scrypt hashes.
 */
export class Identity1764700000000 implements MigrationInterface {
  name = 'Identity1764700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table users (
        id uuid primary key,
        email text not null unique check (email = lower(email) and length(email) between 3 and 254),
        display_name text not null default '',
        role text not null check (role in ('admin', 'operator', 'reviewer', 'viewer')),
        password_hash text,
        disabled_at timestamptz,
        created_at timestamptz not null default now()
      )`);
    await q.query(`
      create table invites (
        id uuid primary key,
        token_hash char(64) not null unique,
        email text not null,
        role text not null check (role in ('admin', 'operator', 'reviewer', 'viewer')),
        projects jsonb not null default '[]',
        created_by uuid references users(id),
        created_at timestamptz not null default now(),
        expires_at timestamptz not null,
        accepted_at timestamptz,
        revoked_at timestamptz
      )`);
    await q.query(`
      create table project_members (
        project_id uuid not null references projects(id),
        user_id uuid not null references users(id),
        role text not null check (role in ('operator', 'reviewer', 'viewer')),
        created_at timestamptz not null default now(),
        primary key (project_id, user_id)
      )`);
    await q.query(`create index project_members_user_idx on project_members (user_id)`);
    await q.query(`
      create table sessions (
        id_hash char(64) primary key,
        user_id uuid not null references users(id),
        csrf_token text not null,
        created_at timestamptz not null default now(),
        last_seen_at timestamptz not null default now(),
        expires_at timestamptz not null,
        revoked_at timestamptz,
        ip text,
        user_agent text
      )`);
    await q.query(`create index sessions_user_idx on sessions (user_id)`);
    await q.query(`
      create table api_tokens (
        id uuid primary key,
        user_id uuid not null references users(id),
        name text not null,
        prefix text not null,
        token_hash char(64) not null unique,
        scopes text[] not null,
        created_at timestamptz not null default now(),
        expires_at timestamptz not null,
        last_used_at timestamptz,
        revoked_at timestamptz
      )`);
    await q.query(`create index api_tokens_user_idx on api_tokens (user_id)`);
    await q.query(`
      create table audit_log (
        id bigserial primary key,
        at timestamptz not null default now(),
        actor_user_id uuid,
        actor_email text,
        action text not null,
        target text,
        ip text,
        detail jsonb not null default '{}'
      )`);
    await q.query(`create trigger audit_log_no_update_delete before update or delete on audit_log
                   for each row execute function append_only_guard()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop table audit_log`);
    await q.query(`drop table api_tokens`);
    await q.query(`drop table sessions`);
    await q.query(`drop table project_members`);
    await q.query(`drop table invites`);
    await q.query(`drop table users`);
  }
}
