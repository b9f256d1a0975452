import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * OpenAPI documents registered as tools (`POST /v1/tools/openapi`). A tool manifest with an `openapi_proxy` binding
 * names its document by `spec_ref` = this id, and the worker reads the operation from here when it executes the call.
 * A document is immutable under its id (D27): registering other content under the same id is refused, so a pinned
 * manifest always means the same request.
 */
export class OpenApiSpecs1764600000000 implements MigrationInterface {
  name = 'OpenApiSpecs1764600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table openapi_specs (
        id text primary key check (id ~ '^[a-z0-9][a-z0-9_-]{0,39}$'),
        spec jsonb not null,
        spec_hash char(64) not null check (spec_hash ~ '^[0-9a-f]{64}$'),
        created_at timestamptz not null default now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop table openapi_specs`);
  }
}
