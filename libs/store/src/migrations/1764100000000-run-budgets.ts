import type { MigrationInterface, QueryRunner } from 'typeorm';

/** A run's budget, kept so that a retry runs under the same limits. */
export class RunBudgets1764100000000 implements MigrationInterface {
  name = 'RunBudgets1764100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`alter table runs add column budget jsonb`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`alter table runs drop column budget`);
  }
}
