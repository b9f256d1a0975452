import { execFileSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { createDataSource, migrate } from './data-source';
import { McpServerStore } from './mcp-server-store';
import { OutgoingHookStore, outgoingHookSecretOwner } from './outgoing-hook-store';
import { ProviderConfigStore } from './provider-config-store';
import { RunStore } from './run-store';
import { SecretBox } from './secret-box';
import { createTestDatabase } from './testing';

// Rotating the secrets master key (`npm run omni -- rotate-secrets-key`): every provider key re-sealed, in one go.
describe('secrets key rotation (real Postgres)', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let ds: DataSource;

  beforeAll(async () => {
    db = await createTestDatabase('rotation');
    ds = createDataSource({ url: db.url });
    await ds.initialize();
    await migrate(ds);
  });
  afterAll(async () => {
    await ds.destroy();
    await db.drop();
  });

  it('re-seals every key under the new master key: the old key opens none, the new one opens all, fingerprints re-salted', async () => {
    const [oldKey, newKey] = [randomBytes(32), randomBytes(32)];
    const before = new ProviderConfigStore(ds, new SecretBox(ds, oldKey));
    const a = await before.create({ name: 'a', preset: 'openai', baseUrl: null, apiKey: 'sk-a-canary', projectId: null });
    const b = await before.create({ name: 'b', preset: 'openai', baseUrl: null, apiKey: 'sk-b-canary', projectId: null });
    await before.create({ name: 'local', preset: 'ollama', baseUrl: 'http://127.0.0.1:11434/v1', apiKey: null, projectId: null });
    const fingerprints = async () => (await ds.query(`select id, fingerprint from secrets order by id`)) as Array<{ id: string; fingerprint: string }>;
    const old = await fingerprints();

    expect(await before.resealKeys(newKey)).toBe(2);

    const after = new ProviderConfigStore(ds, new SecretBox(ds, newKey));
    expect(await after.revealKey(a)).toBe('sk-a-canary');
    expect(await after.revealKey(b)).toBe('sk-b-canary');
    await expect(before.revealKey(a)).rejects.toThrow(/does not open/);
    const now = await fingerprints();
    expect(now.map((f) => f.id)).toEqual(old.map((f) => f.id));
    expect(now.every((f, i) => f.fingerprint !== old[i]!.fingerprint)).toBe(true);
    // A key sealed after the rotation shows the fingerprint the rotation gave the same key.
    const again = await after.create({ name: 'a2', preset: 'openai', baseUrl: null, apiKey: 'sk-a-canary', projectId: null });
    const [row] = (await ds.query(`select fingerprint from secrets where id = $1`, [again.secret_id])) as Array<{ fingerprint: string }>;
    expect(now.map((f) => f.fingerprint)).toContain(row!.fingerprint);
  });

  it('changes nothing when one key does not open (wrong old key): no half-rotated state', async () => {
    const [oldKey, wrong, newKey] = [randomBytes(32), randomBytes(32), randomBytes(32)];
    const store = new ProviderConfigStore(ds, new SecretBox(ds, oldKey));
    const c = await store.create({ name: 'c', preset: 'openai', baseUrl: null, apiKey: 'sk-c', projectId: null });
    await expect(new ProviderConfigStore(ds, new SecretBox(ds, wrong)).resealKeys(newKey)).rejects.toThrow(/does not open/);
    expect(await store.revealKey(c)).toBe('sk-c');
  });
});

describe('secrets key rotation of outgoing hook secrets (real Postgres)', () => {
  it('re-seals outgoing hook signing secrets too, still bound to their hook', async () => {
    const db = await createTestDatabase('rotation_hooks');
    const ds = createDataSource({ url: db.url });
    await ds.initialize();
    try {
      await migrate(ds);
      const [oldKey, newKey] = [randomBytes(32), randomBytes(32)];
      const box = new SecretBox(ds, oldKey);
      const project = await new RunStore(ds).createProject('rotation-hooks', '');
      const graphId = randomUUID();
      await ds.query(`insert into graphs (id, project_id, name, created_by) values ($1, $2, 'g', 'test')`, [graphId, project.id]);
      const hookId = randomUUID();
      const sealed = await box.seal('whsec_outgoing-canary', outgoingHookSecretOwner(hookId));
      await new OutgoingHookStore(ds).create({
        id: hookId,
        projectId: project.id,
        graphId,
        threadId: null,
        url: 'https://hooks.example.org/x',
        secretId: sealed.id,
        createdBy: 'test',
      });
      expect(await new ProviderConfigStore(ds, box).resealKeys(newKey)).toBe(1);
      expect(await new SecretBox(ds, newKey).reveal(sealed.id, outgoingHookSecretOwner(hookId))).toBe('whsec_outgoing-canary');
      await expect(box.reveal(sealed.id, outgoingHookSecretOwner(hookId))).rejects.toThrow(/does not open/);
    } finally {
      await ds.destroy();
      await db.drop();
    }
  });
});

describe('npm run omni -- rotate-secrets-key', () => {
  it('replaces .data/secrets.key only after the database is re-sealed under the new key', async () => {
    const db = await createTestDatabase('rotation_cli');
    const ds = createDataSource({ url: db.url });
    await ds.initialize();
    try {
      await migrate(ds);
      const dataDir = mkdtempSync(join(process.env['OMNI_TEST_DIR']!, 'data-'));
      const oldKey = randomBytes(32);
      writeFileSync(join(dataDir, 'secrets.key'), `${oldKey.toString('base64')}\n`, { mode: 0o600 });
      const before = new ProviderConfigStore(ds, new SecretBox(ds, oldKey));
      const config = await before.create({ name: 'p', preset: 'openai', baseUrl: null, apiKey: 'sk-rotate-me', projectId: null });
      const env = { ...process.env, OMNI_DATA_DIR: dataDir, DATABASE_URL: db.url, OMNI_SECRETS_KEY: '', OMNI_NEW_SECRETS_KEY: '' };
      const out = execFileSync(process.execPath, [join(__dirname, '..', '..', '..', 'tools', 'omni.mjs'), 'rotate-secrets-key'], { env, encoding: 'utf8' });
      expect(out).toContain('re-sealed 1 provider key(s)');
      const newKey = Buffer.from(readFileSync(join(dataDir, 'secrets.key'), 'utf8').trim(), 'base64');
      expect(newKey.equals(oldKey)).toBe(false);
      expect(statSync(join(dataDir, 'secrets.key')).mode & 0o777).toBe(0o600);
      expect(existsSync(join(dataDir, 'secrets.key.next'))).toBe(false);
      expect(await new ProviderConfigStore(ds, new SecretBox(ds, newKey)).revealKey(config)).toBe('sk-rotate-me');
    } finally {
      await ds.destroy();
      await db.drop();
    }
  });
});

describe('secrets key rotation of MCP server headers (real Postgres)', () => {
  it('re-seals header values too, still bound to their server', async () => {
    const db = await createTestDatabase('rotation_mcp');
    const ds = createDataSource({ url: db.url });
    await ds.initialize();
    try {
      await migrate(ds);
      const [oldKey, newKey] = [randomBytes(32), randomBytes(32)];
      const before = new McpServerStore(ds, new SecretBox(ds, oldKey));
      const server = await before.create({
        id: 'docs',
        name: 'Docs',
        transport: { type: 'streamable_http', url: 'https://mcp.example.org/mcp' },
        auth: { type: 'headers', headers: { 'X-Api-Key': 'mcp-canary-1', Authorization: 'Bearer mcp-canary-2' } },
      });
      expect(await before.ownedSecrets()).toHaveLength(2);
      expect(await new ProviderConfigStore(ds, new SecretBox(ds, oldKey)).resealKeys(newKey)).toBe(2);
      const after = new McpServerStore(ds, new SecretBox(ds, newKey));
      expect(await after.revealHeaders(server!)).toEqual({ 'X-Api-Key': 'mcp-canary-1', Authorization: 'Bearer mcp-canary-2' });
      await expect(before.revealHeaders(server!)).rejects.toThrow(/does not open/);
      // Replacing the headers deletes the old sealed values; deleting the server deletes the rest.
      await after.update('docs', { auth: { type: 'headers', headers: { 'X-Api-Key': 'mcp-canary-3' } } });
      expect(Number((await ds.query(`select count(*) as n from secrets`))[0].n)).toBe(1);
      expect(await after.delete('docs')).toBe(true);
      expect(Number((await ds.query(`select count(*) as n from secrets`))[0].n)).toBe(0);
    } finally {
      await ds.destroy();
      await db.drop();
    }
  });
});
