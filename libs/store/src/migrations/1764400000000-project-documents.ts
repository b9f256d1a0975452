import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Project documents: text files that agent tools ingest, patch, read and search.
 *
 * `documents` is one row per (project, path) and points at its current version; `document_versions` is the
 * append-only history. Each version's bytes live in the content-addressed `artifacts` table, and each version after
 * the first keeps the unified diff that turns it back into the previous one, so history can be walked without
 * re-diffing. The full-text index covers the current version only (what `web.search` should find).
 */
export class ProjectDocuments1764400000000 implements MigrationInterface {
  name = 'ProjectDocuments1764400000000';

  async up(q: QueryRunner): Promise<void> {
    // The path rules mirror checkDocumentPath() (document-path.ts): the database refuses what the code would.
    await q.query(`
      create table documents (
        id uuid primary key,
        project_id uuid not null references projects(id),
        path text not null check (
          length(path) between 1 and 300
          and path !~ '^/' and path !~ '/$' and path !~ '//'
          and path !~ '(^|/)\\.\\.?(/|$)'
          and path !~ '[[:cntrl:]]' and strpos(path, chr(92)) = 0
        ),
        media_type text not null,
        current_version integer not null check (current_version > 0),
        search tsvector not null default ''::tsvector,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        unique (project_id, path)
      )`);
    await q.query(`create index documents_search_idx on documents using gin (search)`);
    await q.query(`
      create table document_versions (
        document_id uuid not null references documents(id),
        version integer not null check (version > 0),
        sha256 char(64) not null references artifacts(sha256),
        -- Per version: a rewrite may change what the file is (documents.media_type is the current one).
        media_type text not null,
        size_bytes bigint not null check (size_bytes >= 0),
        reverse_patch text,
        created_by_run uuid,
        idempotency_key text unique,
        created_at timestamptz not null default now(),
        primary key (document_id, version),
        -- Only the first version has nothing to go back to.
        check ((version = 1) = (reverse_patch is null))
      )`);
    // History is append-only at the database level, like run_events: no UPDATE, DELETE or TRUNCATE, whoever asks.
    await q.query(`
      create function document_versions_append_only() returns trigger language plpgsql as $$
      begin
        raise exception 'document_versions is append-only: % refused', tg_op using errcode = 'restrict_violation';
      end $$`);
    await q.query(`create trigger document_versions_no_update_delete before update or delete on document_versions
                   for each row execute function document_versions_append_only()`);
    await q.query(`create trigger document_versions_no_truncate before truncate on document_versions
                   for each statement execute function document_versions_append_only()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop table document_versions`);
    await q.query(`drop function document_versions_append_only`);
    await q.query(`drop table documents`);
  }
}
