import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Approval rules (N of M reviewers): an approval that does not yet complete its rule is logged as `counted`; the
 * call runs when enough distinct reviewers have approved.
 */
export class ApprovalRules1764800000000 implements MigrationInterface {
  name = 'ApprovalRules1764800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`alter table approval_decisions drop constraint approval_decisions_outcome_check`);
    await q.query(
      `alter table approval_decisions add constraint approval_decisions_outcome_check check (outcome in ('applied', 'counted', 'no_op', 'refused'))`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`alter table approval_decisions drop constraint approval_decisions_outcome_check`);
    await q.query(`alter table approval_decisions add constraint approval_decisions_outcome_check check (outcome in ('applied', 'no_op', 'refused'))`);
  }
}
