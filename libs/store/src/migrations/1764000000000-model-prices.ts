import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The editable price table (USD per million tokens), looked up at every model call. */
export class ModelPrices1764000000000 implements MigrationInterface {
  name = 'ModelPrices1764000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table model_prices (
        provider text not null,
        model text not null,
        input_per_mtok_usd numeric(12, 6) not null check (input_per_mtok_usd >= 0),
        output_per_mtok_usd numeric(12, 6) not null check (output_per_mtok_usd >= 0),
        updated_at timestamptz not null default now(),
        primary key (provider, model)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop table model_prices`);
  }
}
