import { createCipheriv, randomBytes, randomUUID } from 'node:crypto';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { ArtifactIntegrityError, ArtifactStore } from './artifact-store';
import { DocumentStore } from './document-store';
import { ProviderConfigStore } from './provider-config-store';
import { RunStore } from './run-store';
import { SecretBox } from './secret-box';
import { openTestDataSource } from './testing';

// D40: what the database and the stores refuse even when the rows themselves are tampered with.
describe('database integrity (real Postgres)', () => {
  let ds: DataSource;
  let url: string;
  let close: () => Promise<void>;
  /** A separate superuser session, for what the application never does (disabling triggers, replica mode). */
  let su: Client;

  beforeAll(async () => {
    ({ ds, url, close } = await openTestDataSource('integrity'));
    su = new Client({ connectionString: url });
    await su.connect();
  });
  afterAll(async () => {
    await su.end();
    await close();
  });

  /** Runs `sql` with the table's triggers off, as only a superuser can: the guards are not there to stop this. */
  const behindTheGuard = async (table: string, sql: string, params: unknown[]) => {
    await su.query(`alter table ${table} disable trigger user`);
    try {
      await su.query(sql, params);
    } finally {
      await su.query(`alter table ${table} enable trigger user`);
    }
  };

  describe('append-only tables refuse UPDATE, DELETE and TRUNCATE', () => {
    beforeAll(async () => {
      await ds.query(`insert into audit_log (action, target) values ('test.action', 'x')`);
      await new ArtifactStore(ds).put(Buffer.from('append-only'), 'text/plain');
      // A decision row without its approval (and run, thread, project): FK checks are off in replica mode.
      await su.query(`set session_replication_role = replica`);
      await su.query(
        `insert into approval_decisions (approval_id, decision, decided_by, arguments_hash, outcome) values ('apr_x', 'approve', 'u', $1, 'applied')`,
        ['0'.repeat(64)],
      );
      await su.query(`set session_replication_role = origin`);
    });

    it.each([
      ['audit_log', `update audit_log set action = 'hidden'`],
      ['approval_decisions', `update approval_decisions set decision = 'deny'`],
      ['artifacts', `update artifacts set media_type = 'text/html'`],
    ])('%s', async (table, update) => {
      expect(Number((await ds.query(`select count(*) as n from ${table}`))[0].n)).toBeGreaterThan(0);
      await expect(ds.query(update)).rejects.toThrow(`${table} is append-only: UPDATE refused`);
      await expect(ds.query(`delete from ${table}`)).rejects.toThrow(`${table} is append-only: DELETE refused`);
      // CASCADE: a plain TRUNCATE of artifacts is already stopped by document_versions' foreign key.
      await expect(ds.query(`truncate ${table} cascade`)).rejects.toThrow(`${table} is append-only: TRUNCATE refused`);
      expect(Number((await ds.query(`select count(*) as n from ${table}`))[0].n)).toBeGreaterThan(0);
    });
  });

  describe('artifacts are re-hashed on load', () => {
    it('refuses bytes that no longer match their address, through the artifact and the document stores', async () => {
      const artifacts = new ArtifactStore(ds);
      const ref = await artifacts.put(Buffer.from('the original bytes'), 'text/plain');
      expect((await artifacts.get(ref.sha256))!.content.toString()).toBe('the original bytes');
      await behindTheGuard('artifacts', `update artifacts set content = $2 where sha256 = $1`, [ref.sha256, Buffer.from('forged bytes')]);
      const err = await artifacts.get(ref.sha256).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ArtifactIntegrityError);
      expect((err as Error).message).toBe(`artifact ${ref.sha256} is corrupt: its stored bytes hash to ${(err as ArtifactIntegrityError).actual}`);
      await expect(artifacts.redeemText({ artifact: ref, preview: '' })).rejects.toThrow(ArtifactIntegrityError);

      const docs = new DocumentStore(ds);
      const project = (await new RunStore(ds).createProject('integrity', '')).id;
      const version = await docs.ingest(project, 'notes.md', 'document text', 'text/markdown', { idempotencyKey: 'k-1' });
      await behindTheGuard('artifacts', `update artifacts set content = $2 where sha256 = $1`, [version.sha256, Buffer.from('tampered text')]);
      await expect(docs.get(project, 'notes.md')).rejects.toThrow(ArtifactIntegrityError);
      await expect(docs.ingest(project, 'notes.md', 'next text', 'text/markdown', { idempotencyKey: 'k-2' })).rejects.toThrow(ArtifactIntegrityError);
    });
  });

  describe('sealed secrets are bound to their rows', () => {
    const masterKey = randomBytes(32);
    let configs: ProviderConfigStore;

    beforeAll(() => {
      configs = new ProviderConfigStore(ds, new SecretBox(ds, masterKey));
    });

    const create = (name: string, apiKey: string) => configs.create({ name, preset: 'openai', baseUrl: null, apiKey, projectId: null });

    it('opens a key only for the configuration it was sealed for', async () => {
      const a = await create('a', 'sk-key-of-a');
      const b = await create('b', 'sk-key-of-b');
      expect(await configs.revealKey(a)).toBe('sk-key-of-a');
      expect(await configs.revealKey(b)).toBe('sk-key-of-b');

      // A's ciphertext copied into B's secret row does not open as B's key.
      await ds.query(`update secrets b set ciphertext = a.ciphertext, iv = a.iv, auth_tag = a.auth_tag from secrets a where a.id = $1 and b.id = $2`, [
        a.secret_id,
        b.secret_id,
      ]);
      await expect(configs.revealKey(b)).rejects.toThrow(`secret ${b.secret_id} does not open for provider_configs:${b.id}`);

      // B pointed at A's secret row does not open it either (B's base URL could send A's key elsewhere).
      await ds.query(`update provider_configs set secret_id = $1 where id = $2`, [a.secret_id, b.id]);
      await expect(configs.revealKey((await configs.get(b.id))!)).rejects.toThrow(/does not open/);
      expect(await configs.revealKey(a)).toBe('sk-key-of-a');
    });

    it('still opens a secret sealed before D40 (format 1), and re-seals it bound to its rows', async () => {
      const secretId = randomUUID();
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', masterKey, iv);
      const ciphertext = Buffer.concat([cipher.update('sk-legacy', 'utf8'), cipher.final()]);
      await ds.query(`insert into secrets (id, ciphertext, iv, auth_tag, fingerprint, format) values ($1, $2, $3, $4, 'legacy', 1)`, [
        secretId,
        ciphertext,
        iv,
        cipher.getAuthTag(),
      ]);
      const legacy = (await create('legacy', 'sk-placeholder'))!;
      await ds.query(`update provider_configs set secret_id = $1 where id = $2`, [secretId, legacy.id]);
      const config = (await configs.get(legacy.id))!;

      expect(await configs.revealKey(config)).toBe('sk-legacy');
      expect((await ds.query(`select format from secrets where id = $1`, [secretId]))[0].format).toBe(2);
      expect(await configs.revealKey(config)).toBe('sk-legacy');

      // Once upgraded, the key is bound: another configuration pointed at it cannot open it.
      const other = await create('other', 'sk-other');
      await ds.query(`update provider_configs set secret_id = $1 where id = $2`, [secretId, other.id]);
      await expect(configs.revealKey((await configs.get(other.id))!)).rejects.toThrow(/does not open/);
    });
  });
});
