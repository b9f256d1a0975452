import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Database integrity (D40). Every append-only table refuses TRUNCATE as well as UPDATE and DELETE: `audit_log` and
 * `approval_decisions` refused only row changes, and a TRUNCATE skips row triggers. `artifacts` is content-addressed
 * (a row is the hash of its bytes) and nothing deletes one, so it refuses all three.
 *
 * Sealed secrets get a `format`: 1 = AES-GCM without associated data (rows sealed before D40), 2 = bound to the
 * secret's id and its owner's row as associated data. The master key is not in the database, so this migration cannot
 * re-seal: the SecretBox re-seals a format-1 secret as format 2 the first time it opens it.
 */
export class DatabaseIntegrity1765200000000 implements MigrationInterface {
  name = 'DatabaseIntegrity1765200000000';

  async up(q: QueryRunner): Promise<void> {
    for (const table of ['audit_log', 'approval_decisions', 'artifacts']) {
      await q.query(`create trigger ${table}_no_truncate before truncate on ${table} for each statement execute function append_only_guard()`);
    }
    await q.query(`create trigger artifacts_no_update_delete before update or delete on artifacts for each row execute function append_only_guard()`);
    await q.query(`alter table secrets add column format smallint not null default 1 check (format in (1, 2))`);
    // Existing rows are format 1; every new row must say which format it is.
    await q.query(`alter table secrets alter column format drop default`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`alter table secrets drop column format`);
    await q.query(`drop trigger artifacts_no_update_delete on artifacts`);
    for (const table of ['audit_log', 'approval_decisions', 'artifacts']) {
      await q.query(`drop trigger ${table}_no_truncate on ${table}`);
    }
  }
}
