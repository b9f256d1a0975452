import { randomUUID } from 'node:crypto';
import type { SearchBackend, SearchBackendKind } from '@omniai/contracts';
import type { DataSource } from 'typeorm';
import type { SecretBox } from './secret-box';
import { iso, type Row } from './rows';

/** A search backend as stored: the public view and the reference to its sealed key. */
export interface StoredSearchBackend extends SearchBackend {
  secret_id: string | null;
  created_by: string;
}

/** What the worker gets to build the backend's adapter with: the key in plaintext, for one search. */
export interface RevealedSearchBackend {
  id: string;
  kind: SearchBackendKind;
  name: string;
  base_url: string;
  api_key: string | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function toBackend(r: Row): StoredSearchBackend {
  return {
    id: String(r['id']),
    kind: String(r['kind']) as SearchBackendKind,
    name: String(r['name']),
    base_url: String(r['base_url']),
    has_key: r['secret_id'] !== null,
    created_at: iso(r['created_at']),
    secret_id: (r['secret_id'] as string | null) ?? null,
    created_by: String(r['created_by']),
  };
}

/** Web search backends of research runs; keys are sealed in the SecretBox for their row and never returned. */
export class SearchBackendStore {
  constructor(
    private readonly db: DataSource,
    private readonly secrets: SecretBox,
  ) {}

  async create(input: { kind: SearchBackendKind; name: string; baseUrl: string; apiKey: string | null; createdBy: string }): Promise<StoredSearchBackend> {
    const id = randomUUID();
    const sealed = input.apiKey ? await this.secrets.seal(input.apiKey, searchBackendSecretOwner(id)) : null;
    try {
      await this.db.query(`insert into search_backends (id, kind, name, base_url, secret_id, created_by) values ($1, $2, $3, $4, $5, $6)`, [
        id,
        input.kind,
        input.name,
        input.baseUrl,
        sealed?.id ?? null,
        input.createdBy,
      ]);
    } catch (err) {
      // The row was refused: its key must not stay behind, sealed for nothing.
      if (sealed) await this.secrets.delete(sealed.id).catch(() => undefined);
      throw err;
    }
    return (await this.get(id))!;
  }

  /** Every backend, newest first. */
  async list(): Promise<StoredSearchBackend[]> {
    const rows: Row[] = await this.db.query(`select * from search_backends order by created_at desc, id`);
    return rows.map(toBackend);
  }

  /** The backend with this id; null for none, and for a string that is no id at all. */
  async get(id: string): Promise<StoredSearchBackend | null> {
    if (!UUID.test(id)) return null;
    const rows: Row[] = await this.db.query(`select * from search_backends where id = $1`, [id]);
    return rows[0] ? toBackend(rows[0]) : null;
  }

  /** Removes a backend and destroys its sealed key in one transaction; false when there is no such id. */
  async delete(id: string): Promise<boolean> {
    if (!UUID.test(id)) return false;
    return this.db.transaction(async (tx) => {
      const rows: Row[] = await tx.query(`select secret_id from search_backends where id = $1 for update`, [id]);
      if (!rows[0]) return false;
      await tx.query(`delete from search_backends where id = $1`, [id]);
      const secretId = rows[0]['secret_id'] as string | null;
      if (secretId) await this.secrets.delete(secretId, tx);
      return true;
    });
  }

  /** The backend with its key decrypted, at the last moment, for the worker's search; null when there is none. */
  async reveal(id: string): Promise<RevealedSearchBackend | null> {
    const backend = await this.get(id);
    if (!backend) return null;
    const apiKey = backend.secret_id ? await this.secrets.reveal(backend.secret_id, searchBackendSecretOwner(backend.id)) : null;
    return { id: backend.id, kind: backend.kind, name: backend.name, base_url: backend.base_url, api_key: apiKey };
  }

  /** The sealed keys and their owners (for key rotation). */
  async ownedSecrets(): Promise<Array<{ id: string; owner: string }>> {
    const rows: Row[] = await this.db.query(`select id, secret_id from search_backends where secret_id is not null`);
    return rows.map((r) => ({ id: String(r['secret_id']), owner: searchBackendSecretOwner(String(r['id'])) }));
  }
}

/** A backend's key is sealed for its row: pointing another row at it does not open it. */
export function searchBackendSecretOwner(backendId: string): string {
  return `search_backends:${backendId}`;
}
