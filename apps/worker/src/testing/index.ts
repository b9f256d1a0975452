import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NativeConnection } from '@temporalio/worker';
import { loadScriptedFixtures, type ScriptedFixture } from '@omniai/providers';
import { createDockerClient, DockerSandbox } from '@omniai/sandbox';
import { createDataSource, McpServerStore, migrate, parseMasterKey, PolicyStore, SecretBox } from '@omniai/store';
import { omniDataConverter, parsePayloadKeyring, type PayloadKeyring } from '@omniai/workflow-api/codec';
import type { DataSource } from 'typeorm';
import { builtinToolCatalog } from '../tools/builtin-tools';
import { createMcpConnector } from '../mcp-hub/mcp-connector';
import type { OutgoingConnect } from '../activities/outgoing.activities';
import { createWorkers, type OmniWorkers, type WorkerDeps } from '../worker';
import { DEFAULT_SCRIPTED_FIXTURES_DIR } from '../worker-config';

/** Bundle workflows from TypeScript sources, resolving our packages through their source condition. */
export const sourceBundlerOptions = {
  webpackConfigHook: (config: { resolve?: { conditionNames?: string[] } }) => {
    config.resolve = { ...config.resolve, conditionNames: ['@omniai/source', 'require', 'node', 'default'] };
    return config;
  },
};

/** The tests' payload keyring (jest global setup): what the test API and workers seal Temporal payloads with. */
export function testPayloadKeys(): PayloadKeyring {
  return parsePayloadKeyring(process.env['OMNI_TEST_PAYLOAD_KEYS']!);
}

/** The data converter a test's own Temporal client needs to read what the test workers sealed. */
export function testDataConverter() {
  return omniDataConverter(testPayloadKeys());
}

export interface TestWorker {
  workers: OmniWorkers;
  db: DataSource;
  taskQueue: string;
  stop(): Promise<void>;
}

export interface TestWorkerOptions {
  taskQueue?: string;
  /** Fixtures for the scripted model, tried before the shipped ones (apps/worker/fixtures/scripted). */
  fixtures?: readonly ScriptedFixture[];
  /** Folder of the project git repositories; default a new folder under the test run's temp dir. */
  reposDir?: string;
  /** Connection options of `mcp_remote` calls (a stand-in network reaching a test MCP server). */
  mcpConnect?: Parameters<typeof createMcpConnector>[0]['httpConnect'];
  /** How old an MCP server's listing may be before a call re-lists it (default 300 s). */
  mcpListingMaxAgeS?: number;
  /** Request options of outgoing run notifications (a stand-in network reaching a local receiver). */
  outgoingConnect?: OutgoingConnect;
  /** Connection options of research web searches and reads (a stand-in network reaching local servers). */
  webConnect?: WorkerDeps['webConnect'];
}

/** An in-process worker on the test Temporal server, with its own task queues, against `databaseUrl` (migrated). */
export async function startTestWorker(databaseUrl: string, options: TestWorkerOptions = {}): Promise<TestWorker> {
  const taskQueue = options.taskQueue ?? `test-${randomUUID()}`;
  const db = createDataSource({ url: databaseUrl, applicationName: 'omniai-test-worker' });
  await db.initialize();
  await migrate(db);
  const connection = await NativeConnection.connect({ address: process.env['OMNI_TEST_TEMPORAL_ADDRESS']! });
  const docker = createDockerClient();
  const mcpServers = new McpServerStore(db, new SecretBox(db, parseMasterKey(process.env['OMNI_TEST_SECRETS_KEY']!)));
  const mcp = {
    servers: mcpServers,
    connector: createMcpConnector({ servers: mcpServers, policies: new PolicyStore(db), ...(options.mcpConnect ? { httpConnect: options.mcpConnect } : {}) }),
    ...(options.mcpListingMaxAgeS !== undefined ? { listingMaxAgeS: options.mcpListingMaxAgeS } : {}),
  };
  const workers = await createWorkers({
    connection,
    namespace: 'default',
    sandbox: new DockerSandbox(docker),
    db,
    taskQueue,
    tools: await builtinToolCatalog({
      docker,
      db,
      reposDir: options.reposDir ?? mkdtempSync(join(process.env['OMNI_TEST_DIR'] ?? tmpdir(), 'repos-')),
      mcp,
    }),
    mcp,
    secretsKey: parseMasterKey(process.env['OMNI_TEST_SECRETS_KEY']!),
    payloadKeys: testPayloadKeys(),
    bundlerOptions: sourceBundlerOptions as never,
    // Tests point providers at scripted wire servers on 127.0.0.1 (D44: test/dev-only opt-in).
    allowPrivateProviderUrls: true,
    ...(options.outgoingConnect ? { outgoingConnect: options.outgoingConnect } : {}),
    ...(options.webConnect ? { webConnect: options.webConnect } : {}),
    scriptedFixtures: [...(options.fixtures ?? []), ...loadScriptedFixtures(DEFAULT_SCRIPTED_FIXTURES_DIR)],
  });
  const running = workers.run();
  let stopped: Promise<void> | undefined;
  return {
    workers,
    db,
    taskQueue,
    // Idempotent: a test that stops the worker mid-suite (to see work wait for it) leaves the suite's teardown to it.
    stop: () =>
      (stopped ??= (async () => {
        workers.shutdown();
        await running;
        await connection.close();
        await db.destroy();
      })()),
  };
}
export { PETS_SPEC } from './openapi-fixtures';
export { reportEngine } from '../engine-report';
