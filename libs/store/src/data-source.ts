import { DataSource } from 'typeorm';
import { PlatformInstanceEntity } from './entities/platform-instance.entity';
import { MIGRATIONS } from './migrations';

export const ENTITIES = [PlatformInstanceEntity];

export interface DataSourceOptions {
  url: string;
  /** Pool size per process. */
  poolSize?: number;
  applicationName?: string;
}

/** Builds (but does not open) the TypeORM data source. Schema changes only through {@link MIGRATIONS}. */
export function createDataSource(options: DataSourceOptions): DataSource {
  return new DataSource({
    type: 'postgres',
    url: options.url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'schema_migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    // Off: a failed query is an exception its caller reports; TypeORM's own log would print every parameter
    // (row contents, hashes) and, on a worker's first start, whole tool manifests.
    logging: false,
    extra: {
      max: options.poolSize ?? 10,
      application_name: options.applicationName ?? 'omniai',
      connectionTimeoutMillis: 5_000,
    },
  });
}

/** Applies pending migrations; returns the names of those it ran. Safe to call concurrently and repeatedly. */
export async function migrate(dataSource: DataSource): Promise<string[]> {
  // An advisory lock keeps two processes from migrating at once.
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('select pg_advisory_lock(7411001)');
    const ran = await dataSource.runMigrations({ transaction: 'each' });
    return ran.map((m) => m.name);
  } finally {
    await runner.query('select pg_advisory_unlock(7411001)').catch(() => undefined);
    await runner.release();
  }
}

export async function readInstanceId(dataSource: DataSource): Promise<string | null> {
  const row = await dataSource.getRepository(PlatformInstanceEntity).findOne({ where: { id: 1 } });
  return row?.instanceId ?? null;
}

/** Opens a data source for one short task (a command-line tool), runs `task`, and closes the pool whatever happens. */
export async function withDataSource<T>(options: DataSourceOptions, task: (db: DataSource) => Promise<T>): Promise<T> {
  const db = createDataSource(options);
  await db.initialize();
  try {
    return await task(db);
  } finally {
    await db.destroy();
  }
}
