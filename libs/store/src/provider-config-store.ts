import { randomUUID } from 'node:crypto';
import type { ProviderConfig } from '@omniai/contracts';
import { TriggerStore } from './trigger-store';
import { OutgoingHookStore } from './outgoing-hook-store';
import { SearchBackendStore } from './search-backend-store';
import { McpServerStore } from './mcp-server-store';
import type { DataSource } from 'typeorm';
import type { SecretBox } from './secret-box';
import { iso, type Row } from './rows';

export interface StoredProviderConfig extends ProviderConfig {
  secret_id: string | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function toConfig(r: Row): StoredProviderConfig {
  return {
    id: String(r['id']),
    project_id: (r['project_id'] as string | null) ?? null,
    name: String(r['name']),
    preset: String(r['preset']),
    base_url: (r['base_url'] as string | null) ?? null,
    has_key: r['secret_id'] !== null,
    key_fingerprint: (r['fingerprint'] as string | null) ?? null,
    created_at: iso(r['created_at']),
    secret_id: (r['secret_id'] as string | null) ?? null,
  };
}

/** Provider settings; keys are sealed in the SecretBox and referenced by id, never returned. */
export class ProviderConfigStore {
  constructor(
    private readonly db: DataSource,
    private readonly secrets: SecretBox,
  ) {}

  async create(input: {
    name: string;
    preset: string;
    baseUrl: string | null;
    apiKey: string | null;
    projectId: string | null;
  }): Promise<StoredProviderConfig> {
    const id = randomUUID();
    const sealed = input.apiKey ? await this.secrets.seal(input.apiKey, secretOwner(id)) : null;
    await this.db.query(`insert into provider_configs (id, project_id, name, preset, base_url, secret_id) values ($1, $2, $3, $4, $5, $6)`, [
      id,
      input.projectId,
      input.name,
      input.preset,
      input.baseUrl,
      sealed?.id ?? null,
    ]);
    return (await this.get(id))!;
  }

  /** Configurations, newest first: workspace-wide ones and those of the `visible` projects ('all': every one). */
  async list(visible: 'all' | string[] = 'all'): Promise<StoredProviderConfig[]> {
    const rows: Row[] = await this.db.query(
      `select p.*, s.fingerprint from provider_configs p left join secrets s on s.id = p.secret_id
       where $1::uuid[] is null or p.project_id is null or p.project_id = any($1)
       order by p.created_at desc`,
      [visible === 'all' ? null : visible],
    );
    return rows.map(toConfig);
  }

  /** The configuration, only if a run of `projectId` may use it (workspace-wide, or scoped to that project). */
  async getForProject(id: string, projectId: string | null): Promise<StoredProviderConfig | null> {
    const config = await this.get(id);
    return config && (config.project_id === null || config.project_id === projectId) ? config : null;
  }

  /** The configuration with this id; null for none, and for a string that is no configuration id at all. */
  async get(id: string): Promise<StoredProviderConfig | null> {
    if (!UUID.test(id)) return null;
    const rows: Row[] = await this.db.query(`select p.*, s.fingerprint from provider_configs p left join secrets s on s.id = p.secret_id where p.id = $1`, [
      id,
    ]);
    return rows[0] ? toConfig(rows[0]) : null;
  }

  /**
   * Removes a configuration and destroys its sealed key in one transaction; false when there is no such id.
   * Runs pinned to it keep the id in their pins (there is no foreign key from runs): a later call through it fails
   * in the worker with E_PROVIDER_BAD_REQUEST ("No provider … is configured").
   */
  async delete(id: string): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const rows: Row[] = await tx.query(`select secret_id from provider_configs where id = $1 for update`, [id]);
      if (!rows[0]) return false;
      await tx.query(`delete from provider_configs where id = $1`, [id]);
      const secretId = rows[0]['secret_id'] as string | null;
      if (secretId) await this.secrets.delete(secretId, tx);
      return true;
    });
  }

  /** Salts the key fingerprints stored before fingerprints were salted (D41); answers how many. */
  async resaltFingerprints(): Promise<number> {
    const rows: Array<{ id: string; secret_id: string }> = await this.db.query(`select id, secret_id from provider_configs where secret_id is not null`);
    return this.secrets.resaltFingerprints(rows.map((r) => ({ id: r.secret_id, owner: secretOwner(r.id) })));
  }

  /**
   * Re-seals every sealed secret — provider keys, webhook and outgoing hook signing secrets, search backend keys, MCP server headers — under a new secrets master key
   * (rotation), in one transaction; answers how many.
   */
  async resealKeys(newMasterKey: Buffer): Promise<number> {
    const rows: Array<{ id: string; secret_id: string }> = await this.db.query(`select id, secret_id from provider_configs where secret_id is not null`);
    return this.secrets.resealAll(
      [
        ...rows.map((r) => ({ id: r.secret_id, owner: secretOwner(r.id) })),
        ...(await new TriggerStore(this.db).ownedSecrets()),
        ...(await new OutgoingHookStore(this.db).ownedSecrets()),
        ...(await new SearchBackendStore(this.db, this.secrets).ownedSecrets()),
        ...(await new McpServerStore(this.db).ownedSecrets()),
      ],
      newMasterKey,
    );
  }

  /** The key, decrypted at the last moment for one call. */
  revealKey(config: StoredProviderConfig): Promise<string | null> {
    return config.secret_id ? this.secrets.reveal(config.secret_id, secretOwner(config.id)) : Promise.resolve(null);
  }
}

/** A provider's key is sealed for its configuration row: pointing another configuration at it does not open it. */
function secretOwner(configId: string): string {
  return `provider_configs:${configId}`;
}
