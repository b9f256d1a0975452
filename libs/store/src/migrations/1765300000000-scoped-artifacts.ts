import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Scopes that hold (issue 13, items 6 and 16; D41).
 *
 * `artifact_refs` records which project (and run) wrote a reference to an artifact, at the moment the reference is
 * written: in the transaction that appends the run event carrying it, or that writes a document version. The
 * artifacts route serves an artifact only to a run whose project holds such a row; a hash merely mentioned in text
 * grants nothing. Existing rows are backfilled once from the structured places of run events and from document
 * versions.
 *
 * Approvals gain the `cancelled` status: a run that ends while an approval is pending closes it (cancelled when the
 * run was cancelled, expired when it failed or completed).
 *
 * Key fingerprints become HMACs under a per-install salt; `fingerprint_salted` marks the rows that have one (the API
 * re-computes the others at start: SQL cannot, it has no key to open them with).
 */
export class ScopedArtifacts1765300000000 implements MigrationInterface {
  name = 'ScopedArtifacts1765300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table artifact_refs (
        artifact_hash char(64) not null references artifacts (sha256),
        project_id uuid not null references projects (id),
        -- the run that wrote the reference (no foreign key: a document version may name a run id only); null for a
        -- document version written outside a run
        run_id uuid,
        created_at timestamptz not null default now()
      )`);
    await q.query(
      `create unique index artifact_refs_unique on artifact_refs (artifact_hash, project_id, coalesce(run_id, '00000000-0000-0000-0000-000000000000'))`,
    );
    await q.query(`
      insert into artifact_refs (artifact_hash, project_id, run_id)
      select distinct x.sha256, r.project_id, r.id
      from run_events e
      join runs r on r.id = e.run_id
      cross join lateral (values
        (case when e.kind in ('user_message', 'assistant_message') then e.payload #>> '{content,artifact,sha256}' end),
        (case when e.kind = 'tool_call' then e.payload #>> '{arguments,artifact,sha256}' end),
        (case when e.kind = 'tool_result' then e.payload #>> '{result,artifact,sha256}' end)
      ) as x(sha256)
      where x.sha256 is not null and exists (select 1 from artifacts a where a.sha256 = x.sha256)
      on conflict do nothing`);
    await q.query(`
      insert into artifact_refs (artifact_hash, project_id, run_id)
      select distinct v.sha256, d.project_id, r.id
      from document_versions v join documents d on d.id = v.document_id left join runs r on r.id = v.created_by_run
      on conflict do nothing`);
    await q.query(`alter table approvals drop constraint approvals_status_check`);
    await q.query(`alter table approvals add constraint approvals_status_check check (status in ('pending', 'approved', 'denied', 'expired', 'cancelled'))`);
    await q.query(`alter table secrets add column fingerprint_salted boolean not null default false`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`alter table secrets drop column fingerprint_salted`);
    await q.query(`update approvals set status = 'expired' where status = 'cancelled'`);
    await q.query(`alter table approvals drop constraint approvals_status_check`);
    await q.query(`alter table approvals add constraint approvals_status_check check (status in ('pending', 'approved', 'denied', 'expired'))`);
    await q.query(`drop table artifact_refs`);
  }
}
