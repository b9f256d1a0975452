import type { DataSource } from 'typeorm';
import { canonicalHash } from './manifest-hash';
import { iso, type Row } from './rows';

export interface StoredOpenApiSpec {
  id: string;
  spec: Record<string, unknown>;
  /** sha256 of the document's canonical JSON. */
  spec_hash: string;
  created_at: string;
}

/** Registering a document under an id that already holds other content. */
export class OpenApiSpecConflict extends Error {
  constructor(readonly id: string) {
    super(`an OpenAPI document with id ${id} is already registered with other content; register the new one under a new id`);
    this.name = 'OpenApiSpecConflict';
  }
}

const toStored = (r: Row): StoredOpenApiSpec => ({
  id: String(r['id']),
  spec: r['spec'] as Record<string, unknown>,
  spec_hash: String(r['spec_hash']),
  created_at: iso(r['created_at']),
});

/**
 * OpenAPI documents behind `openapi_proxy` tools, by id. Immutable per id: putting the same content again is a
 * no-op, other content is refused ({@link OpenApiSpecConflict}), so a manifest's `spec_ref` always names exactly the
 * document it was derived from.
 */
export class OpenApiSpecStore {
  constructor(private readonly db: DataSource) {}

  static hashOf(spec: unknown): string {
    return canonicalHash(spec);
  }

  /** Stores the document; `created` is false when the same content was already there under this id. */
  async put(id: string, spec: Record<string, unknown>): Promise<{ stored: StoredOpenApiSpec; created: boolean }> {
    const hash = OpenApiSpecStore.hashOf(spec);
    const inserted: Row[] = await this.db.query(`insert into openapi_specs (id, spec, spec_hash) values ($1, $2, $3) on conflict (id) do nothing returning *`, [
      id,
      JSON.stringify(spec),
      hash,
    ]);
    if (inserted[0]) return { stored: toStored(inserted[0]), created: true };
    const existing = await this.get(id);
    if (!existing || existing.spec_hash !== hash) throw new OpenApiSpecConflict(id);
    return { stored: existing, created: false };
  }

  async get(id: string): Promise<StoredOpenApiSpec | null> {
    const [row]: Row[] = await this.db.query(`select * from openapi_specs where id = $1`, [id]);
    return row ? toStored(row) : null;
  }
}
