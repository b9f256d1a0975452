import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Failed sign-ins per account, whatever the address they come from (issue 13, item 14): the row of an email (kept as
 * its SHA-256) counts attempts that did not succeed and holds the time before which the next one is refused. In the
 * database so that the backoff survives restarts and holds across API processes.
 */
export class LoginThrottle1765600000100 implements MigrationInterface {
  name = 'LoginThrottle1765600000100';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table login_throttle (
        email_hash text primary key,
        failures integer not null default 0,
        locked_until timestamptz not null default now(),
        updated_at timestamptz not null default now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop table login_throttle`);
  }
}
