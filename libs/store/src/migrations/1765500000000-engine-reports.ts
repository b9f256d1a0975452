import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What each worker saw of the Docker engine at start and on its heartbeat: versions and the sandbox preflight (D39).
 * `/v1/meta` reads the newest row, so the API reports the engine without holding the Docker socket.
 */
export class EngineReports1765500000000 implements MigrationInterface {
  name = 'EngineReports1765500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table engine_reports (
        worker_id text primary key,
        engine_version text not null,
        runc_version text,
        seccomp_profile text,
        problems jsonb not null default '[]',
        waived jsonb not null default '[]',
        reported_at timestamptz not null default now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop table engine_reports`);
  }
}
