import { MIGRATIONS, ToolRegistryStore, createDataSource, manifestHash, migrate } from '@omniai/store';
import { createTestDatabase, createTestProjects } from '@omniai/store/testing';
import { DataSource } from 'typeorm';
import { createDocumentsSearchTool, DOCUMENTS_SEARCH_ID, LEGACY_WEB_SEARCH_ID, legacyWebSearchTool } from './documents-search';

/** `web.search@1.0.0` as every install registered it before the rename (computed from the code of that time). */
const WEB_SEARCH_1_0_0_HASH = '0e6560f4e26d388ed9e1259e07e6201b79b1eb34665f508f0d4007afae80e826';

// Migration 1766000000000 on a database that knew the built-in as `web.search`: the registered version is re-keyed
// with the hash today's worker computes (so its registration on start is a no-op), the project pin follows, and new
// runs are only offered `documents.search`.
describe('renaming web.search to documents.search (real Postgres)', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  beforeAll(async () => {
    db = await createTestDatabase('rename');
  });
  afterAll(() => db.drop());

  it('re-keys the registered manifest and its pins, and the worker then registers nothing new', async () => {
    const tool = createDocumentsSearchTool({ backend: { search: async () => [] } });
    const legacy = legacyWebSearchTool(tool).manifest;
    const at = MIGRATIONS.findIndex((M) => new M().name === 'RenameDocumentsSearch1766000000000');
    expect(at).toBeGreaterThan(0);

    // The database as it was before the rename: the old built-in registered and pinned by a project.
    const before = new DataSource({
      type: 'postgres',
      url: db.url,
      migrations: MIGRATIONS.slice(0, at),
      migrationsTableName: 'schema_migrations',
      migrationsTransactionMode: 'each',
    });
    await before.initialize();
    await before.runMigrations({ transaction: 'each' });
    const [project] = await createTestProjects(before, 'Pinned');
    const oldRegistry = new ToolRegistryStore(before);
    await oldRegistry.register(legacy, manifestHash(legacy));
    await oldRegistry.pin(project, LEGACY_WEB_SEARCH_ID, '1.0.0');
    await before.destroy();

    const ds = createDataSource({ url: db.url });
    await ds.initialize();
    try {
      expect(await migrate(ds)).toContain('RenameDocumentsSearch1766000000000');
      const registry = new ToolRegistryStore(ds);
      const rows: Array<{ tool_id: string; manifest_hash: string }> = await ds.query(`select tool_id, manifest_hash from tool_manifests order by tool_id`);
      expect(rows).toEqual([{ tool_id: DOCUMENTS_SEARCH_ID, manifest_hash: manifestHash(tool.manifest) }]);
      expect((await registry.get(DOCUMENTS_SEARCH_ID, '1.0.0'))?.manifest).toEqual(tool.manifest);
      // The worker's start: same content under the same version, accepted as already there.
      await expect(registry.register(tool.manifest, manifestHash(tool.manifest))).resolves.toBeUndefined();
      expect(await ds.query(`select tool_id, version from project_tool_pins`)).toEqual([{ tool_id: DOCUMENTS_SEARCH_ID, version: '1.0.0' }]);
      expect((await registry.resolveForProject(project)).map((t) => t.id)).toEqual([DOCUMENTS_SEARCH_ID]);
      // Calls of runs pinned before the rename still match the manifest they pinned (its hash, as computed by the
      // code before the rename), so the worker's legacy entry runs them.
      expect(manifestHash(legacy)).toBe(WEB_SEARCH_1_0_0_HASH);
    } finally {
      await ds.destroy();
    }
  });
});
