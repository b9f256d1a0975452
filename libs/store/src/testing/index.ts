import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { createDataSource, migrate } from '../data-source';
import { RunStore } from '../run-store';

/**
 * A fresh database on the test Postgres started by the Jest global setup; drop() removes it.
 * Each test file gets its own, so files can run in parallel without seeing each other's rows.
 */
export async function createTestDatabase(prefix = 't'): Promise<{ url: string; name: string; drop: () => Promise<void> }> {
  const adminUrl = process.env['OMNI_TEST_PG_ADMIN_URL'];
  if (!adminUrl) throw new Error('OMNI_TEST_PG_ADMIN_URL is not set: run tests through `npm test` (jest global setup)');
  const name = `${prefix}_${randomBytes(5).toString('hex')}`;
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database "${name}"`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    drop: async () => {
      const c = new Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`drop database if exists "${name}" with (force)`);
      await c.end();
    },
  };
}

/** A fresh database (see createTestDatabase), migrated, with a DataSource on it; close() destroys both. */
export async function openTestDataSource(prefix = 't'): Promise<{ ds: DataSource; url: string; close: () => Promise<void> }> {
  const db = await createTestDatabase(prefix);
  const ds = createDataSource({ url: db.url });
  await ds.initialize();
  await migrate(ds);
  return {
    ds,
    url: db.url,
    close: async () => {
      await ds.destroy();
      await db.drop();
    },
  };
}

/** One new project per name, answering their ids in the same order. */
export async function createTestProjects<const N extends readonly string[]>(ds: DataSource, ...names: N): Promise<{ [K in keyof N]: string }> {
  const runs = new RunStore(ds);
  const ids: string[] = [];
  for (const name of names) ids.push((await runs.createProject(name, '')).id);
  return ids as { [K in keyof N]: string };
}
