import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { freePort } from '../lib/ports.mjs';
import { passwordFile } from '../lib/postgres.mjs';
import { startPostgresProcess } from '../testing/postgres-child.mjs';

/** Whether `password` signs in as the superuser of the server on `port`. */
async function signsIn(port: number, password: string): Promise<boolean> {
  const client = new Client({ host: '127.0.0.1', port, user: 'omniai', password, database: 'postgres' });
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

// D40: the embedded server's superuser password is generated at first start, kept beside the cluster, never a constant.
describe('embedded Postgres password (tools/lib/postgres.mjs)', () => {
  let root: string;
  let dir: string;
  let port: number;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'omniai-pgpw-'));
    chmodSync(root, 0o755); // the cluster may run as the `postgres` user
    dir = join(root, 'postgres');
    port = await freePort();
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('generates the password at first start (mode 0600), reuses it, and moves a cluster off the old constant', async () => {
    const first = await startPostgresProcess(dir, port);
    let password: string;
    try {
      const file = passwordFile(dir);
      expect(file).toBe(join(root, 'postgres.password'));
      expect(statSync(file).mode & 0o777).toBe(0o600);
      password = readFileSync(file, 'utf8').trim();
      expect(password).toMatch(/^[A-Za-z0-9_-]{32}$/);
      expect(new URL(first.url).password).toBe(password);
      expect(await signsIn(port, password)).toBe(true);
      expect(await signsIn(port, 'omniai-local')).toBe(false);
    } finally {
      await first.stop();
    }

    const second = await startPostgresProcess(dir, port);
    try {
      expect(readFileSync(passwordFile(dir), 'utf8').trim()).toBe(password);
      expect(await signsIn(port, password)).toBe(true);
      // Turn it into a cluster as initialised before D40: the old constant and no password file.
      const su = new Client({ connectionString: second.url });
      await su.connect();
      await su.query(`alter user omniai with password 'omniai-local'`);
      await su.end();
    } finally {
      await second.stop();
    }
    rmSync(passwordFile(dir));

    const third = await startPostgresProcess(dir, port);
    try {
      expect(existsSync(passwordFile(dir))).toBe(true);
      expect(statSync(passwordFile(dir)).mode & 0o777).toBe(0o600);
      const migrated = readFileSync(passwordFile(dir), 'utf8').trim();
      expect(migrated).not.toBe(password);
      expect(await signsIn(port, migrated)).toBe(true);
      expect(await signsIn(port, 'omniai-local')).toBe(false);
    } finally {
      await third.stop();
    }
  });
});
