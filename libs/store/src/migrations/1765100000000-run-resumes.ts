import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Resumes of paused runs as the API recorded them (who, with which budget, why), one per pause: the `resumeRun` signal
 * is only a doorbell, and the workflow reads the resume from here (D37). Append-only, like the approvals' decision log.
 */
export class RunResumes1765100000000 implements MigrationInterface {
  name = 'RunResumes1765100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table run_resumes (
        run_id uuid not null references runs(id),
        paused_seq integer not null,
        resumed_by jsonb not null,
        budget jsonb,
        reason text,
        at timestamptz not null default now(),
        primary key (run_id, paused_seq)
      )`);
    await q.query(`create trigger run_resumes_no_update_delete before update or delete on run_resumes
                   for each row execute function append_only_guard()`);
    await q.query(`create trigger run_resumes_no_truncate before truncate on run_resumes
                   for each statement execute function append_only_guard()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop table run_resumes`);
  }
}
