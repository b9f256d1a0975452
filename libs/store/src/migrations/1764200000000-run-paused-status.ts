import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Runs can be `paused` (a budget ran out with `on_exceed: "pause"`) until an operator resumes or cancels them. */
export class RunPausedStatus1764200000000 implements MigrationInterface {
  name = 'RunPausedStatus1764200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`alter table runs drop constraint runs_status_check`);
    await q.query(`alter table runs add constraint runs_status_check check (status in ('queued', 'running', 'paused', 'completed', 'failed', 'cancelled'))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`update runs set status = 'running' where status = 'paused'`);
    await q.query(`alter table runs drop constraint runs_status_check`);
    await q.query(`alter table runs add constraint runs_status_check check (status in ('queued', 'running', 'completed', 'failed', 'cancelled'))`);
  }
}
