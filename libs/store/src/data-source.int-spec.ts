import { Client } from 'pg';
import { createDataSource, migrate, readInstanceId } from './data-source';
import { MIGRATIONS } from './migrations';
import { createTestDatabase } from './testing';

// Derived from the registry (which must list every migration, oldest first) so that adding one needs no edit here.
const ALL_MIGRATIONS = MIGRATIONS.map((M) => new M().name as string);

describe('store migrations (real Postgres)', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;

  beforeAll(async () => {
    db = await createTestDatabase('store');
  });
  afterAll(async () => {
    await db.drop();
  });

  it('lists the migrations oldest first (TypeORM runs them by their timestamp suffix)', () => {
    const stamps = ALL_MIGRATIONS.map((name) => Number(/(\d{13})$/.exec(name)?.[1]));
    expect(stamps.every((t) => Number.isFinite(t))).toBe(true);
    expect(stamps).toEqual([...stamps].sort((a, b) => a - b));
  });

  it('applies every migration on an empty database, then finds nothing left to do', async () => {
    const ds = createDataSource({ url: db.url });
    await ds.initialize();
    try {
      expect(await migrate(ds)).toEqual(ALL_MIGRATIONS);
      expect(await migrate(ds)).toEqual([]);
      expect(await readInstanceId(ds)).toMatch(/^[0-9a-f-]{36}$/);
    } finally {
      await ds.destroy();
    }
  });

  it('keeps the instance id across reconnects (the data outlives the process)', async () => {
    const first = createDataSource({ url: db.url });
    await first.initialize();
    const id = await readInstanceId(first);
    await first.destroy();
    const second = createDataSource({ url: db.url });
    await second.initialize();
    expect(await readInstanceId(second)).toBe(id);
    await second.destroy();
  });

  it('lets two processes migrate at once without failing (advisory lock)', async () => {
    const fresh = await createTestDatabase('race');
    const a = createDataSource({ url: fresh.url });
    const b = createDataSource({ url: fresh.url });
    await Promise.all([a.initialize(), b.initialize()]);
    const [ranA, ranB] = await Promise.all([migrate(a), migrate(b)]);
    expect([...ranA, ...ranB]).toEqual(ALL_MIGRATIONS);
    await Promise.all([a.destroy(), b.destroy()]);
    await fresh.drop();
  });

  it('never synchronizes the schema from entities', async () => {
    const fresh = await createTestDatabase('nosync');
    const ds = createDataSource({ url: fresh.url });
    expect(ds.options.synchronize).toBe(false);
    await ds.initialize();
    const c = new Client({ connectionString: fresh.url });
    await c.connect();
    const { rowCount } = await c.query(`select 1 from information_schema.tables where table_name = 'platform_instance'`);
    expect(rowCount).toBe(0);
    await c.end();
    await ds.destroy();
    await fresh.drop();
  });
});
