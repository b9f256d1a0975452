import type { ModelPrice, TokenUsage } from '@omniai/contracts';
import type { DataSource } from 'typeorm';

/** The editable price table; a model without a row costs 0 (and says so by its absence). */
export class PriceStore {
  constructor(private readonly db: DataSource) {}

  async list(): Promise<ModelPrice[]> {
    const rows: Array<Record<string, string>> = await this.db.query(`select * from model_prices order by provider, model`);
    return rows.map((r) => ({
      provider: r['provider']!,
      model: r['model']!,
      input_per_mtok_usd: Number(r['input_per_mtok_usd']),
      output_per_mtok_usd: Number(r['output_per_mtok_usd']),
    }));
  }

  async put(prices: ModelPrice[]): Promise<void> {
    await this.db.transaction(async (tx) => {
      for (const p of prices) {
        await tx.query(
          `insert into model_prices (provider, model, input_per_mtok_usd, output_per_mtok_usd) values ($1, $2, $3, $4)
           on conflict (provider, model) do update set input_per_mtok_usd = excluded.input_per_mtok_usd,
             output_per_mtok_usd = excluded.output_per_mtok_usd, updated_at = now()`,
          [p.provider, p.model, p.input_per_mtok_usd, p.output_per_mtok_usd],
        );
      }
    });
  }

  /** Cost of one call in USD, rounded to a millionth of a dollar. */
  async cost(provider: string, model: string, usage: TokenUsage): Promise<number> {
    const rows: Array<{ i: string; o: string }> = await this.db.query(
      `select input_per_mtok_usd as i, output_per_mtok_usd as o from model_prices where provider = $1 and model = $2`,
      [provider, model],
    );
    const price = rows[0];
    if (!price) return 0;
    return Math.round(((usage.input_tokens * Number(price.i) + usage.output_tokens * Number(price.o)) / 1e6) * 1e6) / 1e6;
  }
}
