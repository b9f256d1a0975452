import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Graph execution (issue 14, D50): one row per tool call idempotency key. The tool activity claims the key before it
 * runs the tool and records the outcome after; a retried activity (a worker killed mid-call, a lost completion) finds
 * the outcome and returns it instead of running the tool again. `attempts` counts activity attempts, `executions` the
 * times the tool itself ran to an outcome.
 */
export class GraphExecution1765700000900 implements MigrationInterface {
  name = 'GraphExecution1765700000900';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table tool_executions (
        idempotency_key text primary key,
        run_id uuid not null references runs(id),
        tool_id text not null,
        attempts integer not null default 1,
        executions integer not null default 0,
        outcome jsonb,
        created_at timestamptz not null default now(),
        completed_at timestamptz
      )`);
    await q.query(`create index tool_executions_run_idx on tool_executions (run_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop table tool_executions`);
  }
}
