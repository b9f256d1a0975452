import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Encrypted secrets (AES-256-GCM, master key outside the database) and provider settings that reference them. */
export class ProviderConfigs1763900000000 implements MigrationInterface {
  name = 'ProviderConfigs1763900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table secrets (
        id uuid primary key,
        ciphertext bytea not null,
        iv bytea not null,
        auth_tag bytea not null,
        fingerprint text not null,
        created_at timestamptz not null default now()
      )`);
    await q.query(`
      create table provider_configs (
        id uuid primary key,
        project_id uuid references projects(id),
        name text not null,
        preset text not null,
        base_url text,
        secret_id uuid references secrets(id),
        created_at timestamptz not null default now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop table provider_configs`);
    await q.query(`drop table secrets`);
  }
}
