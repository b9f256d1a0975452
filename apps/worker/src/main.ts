import { NativeConnection, Runtime } from '@temporalio/worker';
import { loadScriptedFixtures } from '@omniai/providers';
import { createDockerClient, DockerSandbox } from '@omniai/sandbox';
import { createDataSource, EngineReportStore, McpServerStore, parseMasterKey, PolicyStore, SecretBox } from '@omniai/store';
import { EgressProxy } from '@omniai/tools';
import { loadWorkerConfig } from './worker-config';
import { McpStdioSessions } from './mcp/stdio-sessions';
import { builtinToolCatalog } from './tools/builtin-tools';
import { createMcpConnector } from './mcp-hub/mcp-connector';
import { checkOnListChanged } from './mcp-hub/hub-listing';
import { createWorkers, whenSchemaReady } from './worker';
import { startEngineReports } from './engine-report';
import { workerLogger } from './worker-logger';

async function main(): Promise<void> {
  const config = loadWorkerConfig();
  if (!config.secretsKey) throw new Error('OMNI_SECRETS_KEY (base64, 32 bytes) is required; npm start generates one in .data/secrets.key');
  if (!config.payloadKeys) throw new Error('OMNI_PAYLOAD_KEYS (id:base64key, 32-byte keys) is required; npm start generates one in .data/payload.keys');
  // The SDK's INFO level prints the whole webpack report at every start; state changes and problems are WARN+.
  Runtime.install({ logger: workerLogger(config.logLevel, config.logFormat) });
  const scriptedFixtures = loadScriptedFixtures(config.scriptedFixturesDir);
  const docker = createDockerClient(config.dockerHost);
  const sandbox = new DockerSandbox(docker);
  const reaped = await sandbox.reapOrphans();
  if (reaped > 0) console.log(`reaped ${reaped} orphaned sandbox container(s)`);
  // Sandboxed calls with an egress grant reach the network only through this proxy, one socket per call (D32).
  const egressProxy = await EgressProxy.start({
    ...(config.egressDir ? { parentDir: config.egressDir } : {}),
    onRefusal: ({ callId, host, reason }) => console.warn(JSON.stringify({ msg: 'egress refused', call_id: callId, host, reason })),
  });
  // stdio MCP servers: one sandboxed container per server session, stopped when idle and at shutdown (D59).
  // Containers a crashed worker left carry the sandbox labels, so reapOrphans above removed them.
  const mcpStdio = new McpStdioSessions({ sandbox, egressProxy }, { idleMs: config.mcpStdioIdleMs });
  const db = createDataSource({ url: config.databaseUrl, applicationName: 'omniai-worker' });
  await db.initialize();
  // Before any sandbox work: the engine must apply seccomp and run a patched runc; the API shows what was found (D39).
  const engineReports = await whenSchemaReady(() =>
    startEngineReports({ docker, store: new EngineReportStore(db), allowUnpatchedRunc: config.allowUnpatchedRunc, warn: (m) => console.warn(m) }),
  );
  const connection = await NativeConnection.connect({ address: config.temporalAddress, tls: config.temporalTls });
  // The worker is the only MCP client (docs/MCP.md): the hub's checks and every MCP tool call share this connector.
  const mcpServers = new McpServerStore(db, new SecretBox(db, parseMasterKey(config.secretsKey)));
  const mcp = {
    servers: mcpServers,
    connector: createMcpConnector({ servers: mcpServers, policies: new PolicyStore(db), stdio: mcpStdio }),
    listingMaxAgeS: config.mcpListingMaxAgeS,
  };
  checkOnListChanged(mcpStdio, mcp.servers, mcp.connector, (m) => console.warn(m));
  const tools = await builtinToolCatalog({
    mcp,
    docker,
    db,
    reposDir: config.reposDir,
    ...(config.sandboxImage ? { sandboxImage: config.sandboxImage } : {}),
    warn: (m) => console.warn(m),
  });
  const workers = await createWorkers({
    connection,
    namespace: config.namespace,
    taskQueue: config.taskQueue,
    sandbox,
    egressProxy,
    db,
    tools,
    mcp,
    sandboxImage: config.sandboxImage,
    secretsKey: parseMasterKey(config.secretsKey),
    payloadKeys: config.payloadKeys,
    scriptedFixtures,
    allowPrivateProviderUrls: config.allowPrivateProviderUrls,
  });
  if (config.allowPrivateProviderUrls) console.warn('OMNI_ALLOW_PRIVATE_PROVIDER_URLS=1: provider base URLs are not vetted (test/dev only, D44)');
  console.log(`offline model: ${scriptedFixtures.length} scripted fixture(s) from ${config.scriptedFixturesDir}`);
  console.log(
    `tools: ${
      tools
        .all()
        .map((t) => `${t.manifest.id}@${t.manifest.version}`)
        .join(', ') || 'none'
    }`,
  );
  console.log(`worker polling ${config.namespace}/${workers.runs.options.taskQueue} and ${workers.tools.options.taskQueue} on ${config.temporalAddress}`);
  // Worker.run installs SIGINT/SIGTERM handlers and drains in-flight tasks before resolving.
  await workers.run();
  engineReports.stop();
  await mcpStdio.closeAll();
  await egressProxy.close();
  await connection.close();
  await db.destroy();
}

main().catch((err: unknown) => {
  console.error(`worker failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
