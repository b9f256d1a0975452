import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The graph API (issue 14): a deleted graph is hidden, not removed (its runs reference it, and their events are
 * append-only), and a reviewer's form for an approval node (`graph.approval`) is kept with the decision, where the
 * workflow reads it back (the signal only rings, D37).
 */
export class GraphApi1765800000000 implements MigrationInterface {
  name = 'GraphApi1765800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`alter table graphs add column deleted_at timestamptz`);
    await q.query(`alter table approvals add column form jsonb`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`alter table approvals drop column form`);
    await q.query(`alter table graphs drop column deleted_at`);
  }
}
