import type { MigrationInterface, QueryRunner } from 'typeorm';

export class PlatformInstance1763700000000 implements MigrationInterface {
  name = 'PlatformInstance1763700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table platform_instance (
        id smallint primary key default 1 check (id = 1),
        instance_id uuid not null default gen_random_uuid(),
        created_at timestamptz not null default now()
      )`);
    await q.query(`insert into platform_instance (id) values (1)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop table platform_instance`);
  }
}
