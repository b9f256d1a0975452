import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { TASK_QUEUES, toolTaskQueue } from '@omniai/contracts';
import { type ScriptedFixture, ScriptedProvider } from '@omniai/providers';
import { DockerSandbox } from '@omniai/sandbox';
import {
  ApprovalStore,
  ArtifactStore,
  GraphRunStore,
  GraphStore,
  OutgoingHookStore,
  PolicyStore,
  PriceStore,
  ProviderConfigStore,
  RunStore,
  SecretBox,
  ToolRegistryStore,
  TriggeredRuns,
  TriggerStore,
  DocumentStore,
  type McpServerStore,
  ResearchSourceStore,
  SearchBackendStore,
} from '@omniai/store';
import { type EgressProxy, JsonValidatorPool } from '@omniai/tools';
import { omniDataConverter, type PayloadKeyring } from '@omniai/workflow-api/codec';
import type { DataSource } from 'typeorm';
import { createGraphActivities } from './activities/graph.activities';
import { createResearchActivities } from './research/research.activities';
import { createWebResearch, type WebConnect } from './research/web-research';
import { createOutgoingActivities, type OutgoingConnect, runEndedDispatcher } from './activities/outgoing.activities';
import { createRecordedDecisionActivities } from './activities/recorded-decision.activities';
import { createRunActivities } from './activities/run.activities';
import { createTriggerActivities } from './activities/trigger.activities';
import { createSystemCheckActivities } from './activities/system-check.activities';
import { ProviderRegistry } from './models/provider-registry';
import { createRunToolActivities, createToolPrepActivities } from './activities/tool-activities';
import type { ToolCatalog } from './tools/tool-catalog';
import { createMcpCheckActivities } from './activities/mcp-check.activities';
import type { McpConnector } from './mcp-hub/mcp-connector';

export interface WorkerDeps {
  connection: NativeConnection;
  namespace: string;
  sandbox: DockerSandbox;
  /** The way out for sandboxed calls with an egress grant (D32); without it, sandboxed calls never reach a network. */
  egressProxy?: EgressProxy;
  db: DataSource;
  /** Master key of the secrets store (provider API keys are decrypted with it at call time). */
  secretsKey: Buffer;
  /** The Temporal payload keyring: both workers seal what they send and open what they receive (D45). */
  payloadKeys: PayloadKeyring;
  /** The tools this worker can execute (registered in the registry at start). */
  tools: ToolCatalog;
  /** The MCP hub's server store and connector (the same the tool catalog's MCP resolver uses): checks run here. */
  mcp: { servers: McpServerStore; connector: McpConnector };
  sandboxImage?: string;
  taskQueue?: string;
  /** Canned answers of the offline scripted model (loaded from fixture files by the caller). */
  scriptedFixtures?: readonly ScriptedFixture[];
  /** TEST/DEV ONLY: provider base URLs may reach private and loopback addresses (`OMNI_ALLOW_PRIVATE_PROVIDER_URLS`, D44). */
  allowPrivateProviderUrls?: boolean;
  /** TEST ONLY: request options of outgoing run notifications (a stand-in network reaching a local receiver). */
  outgoingConnect?: OutgoingConnect;
  /** TEST ONLY: connection options of research web searches and reads (a stand-in network reaching local servers). */
  webConnect?: WebConnect;
  /** Tests bundle workflows from TypeScript sources; production loads the built bundle entry. */
  bundlerOptions?: WorkerOptions['bundlerOptions'];
}

/**
 * The API applies migrations when it starts; a worker starting next to it waits (up to a minute) for the tables it
 * writes to exist instead of crashing on `relation does not exist` (SQLSTATE 42P01).
 */
export async function whenSchemaReady<T>(step: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      return await step();
    } catch (err) {
      const code = (err as { code?: unknown; driverError?: { code?: unknown } }).driverError?.code ?? (err as { code?: unknown }).code;
      if (code !== '42P01' || Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

/** The runs worker (workflows, model calls, vetting tool calls) and the tools worker (executing them). */
export interface OmniWorkers {
  runs: Worker;
  tools: Worker;
  /** Runs both until shutdown; resolves once both have drained. */
  run(): Promise<void>;
  shutdown(): void;
}

/**
 * The composition root: wires activity factories to their adapters and registers every workflow. Tool execution has
 * its own task queue (`<runs queue>-tools`) so that slow or crashing tools never starve workflow tasks.
 */
export async function createWorkers(deps: WorkerDeps): Promise<OmniWorkers> {
  const taskQueue = deps.taskQueue ?? TASK_QUEUES.runs;
  const dataConverter = omniDataConverter(deps.payloadKeys);
  const artifacts = new ArtifactStore(deps.db);
  const runStore = new RunStore(deps.db);
  // Tool arguments and outputs are validated off the event loop, each under a deadline (D43).
  const validator = new JsonValidatorPool();
  const graphRuns = new GraphRunStore(deps.db);
  const outgoingHooks = new OutgoingHookStore(deps.db);
  const secrets = new SecretBox(deps.db, deps.secretsKey);
  const toolDeps = {
    validator,
    executions: graphRuns,
    catalog: deps.tools,
    policies: new PolicyStore(deps.db),
    artifacts,
    sandbox: deps.sandbox,
    ...(deps.egressProxy ? { egressProxy: deps.egressProxy } : {}),
  };
  await whenSchemaReady(() => deps.tools.registerAll(new ToolRegistryStore(deps.db)));
  const runs = await Worker.create({
    connection: deps.connection,
    namespace: deps.namespace,
    taskQueue,
    dataConverter,
    workflowsPath: require.resolve('@omniai/workflows'),
    bundlerOptions: deps.bundlerOptions,
    activities: {
      ...createSystemCheckActivities({ sandbox: deps.sandbox, image: deps.sandboxImage }),
      ...createRunActivities({
        runs: runStore,
        artifacts,
        providers: new ProviderRegistry(
          new ProviderConfigStore(deps.db, secrets),
          new ScriptedProvider(deps.scriptedFixtures ?? []),
          deps.allowPrivateProviderUrls ?? false,
        ),
        prices: new PriceStore(deps.db),
        tools: new ToolRegistryStore(deps.db),
        runEnded: runEndedDispatcher(outgoingHooks),
      }),
      ...createOutgoingActivities({
        hooks: outgoingHooks,
        runs: runStore,
        policies: toolDeps.policies,
        secrets,
        ...(deps.outgoingConnect ? { connect: deps.outgoingConnect } : {}),
      }),
      ...createToolPrepActivities(toolDeps),
      ...createRecordedDecisionActivities({ approvals: new ApprovalStore(deps.db), runs: runStore }),
      ...createGraphActivities({ artifacts, graphRuns, tools: new ToolRegistryStore(deps.db), validator }),
      ...createResearchActivities({
        documents: new DocumentStore(deps.db),
        sources: new ResearchSourceStore(deps.db),
        artifacts,
        web: createWebResearch({
          backends: new SearchBackendStore(deps.db, secrets),
          policies: toolDeps.policies,
          ...(deps.webConnect ? { connect: deps.webConnect } : {}),
        }),
      }),
      ...createMcpCheckActivities(deps.mcp),
      ...createTriggerActivities({
        triggers: new TriggerStore(deps.db),
        artifacts,
        triggeredRuns: new TriggeredRuns(runStore, new GraphStore(deps.db), new ToolRegistryStore(deps.db), artifacts, async (schema, value) => {
          const valid = await validator.validate(schema, value);
          return valid.ok ? null : { message: `The input does not match the graph's input schema: ${valid.message}` };
        }),
      }),
    },
    // Cancellation reaches an activity on its next heartbeat: keep the throttle short so a cancel stops a stream
    // within about half a second (the default would wait up to 80% of the heartbeat timeout).
    maxHeartbeatThrottleInterval: '400 milliseconds',
    // The run log sink only matters when verify-run replays a history; live workers ignore it.
    sinks: { runLog: { appended: { fn: () => undefined, callDuringReplay: false } } },
  });
  const tools = await Worker.create({
    connection: deps.connection,
    namespace: deps.namespace,
    taskQueue: toolTaskQueue(taskQueue),
    dataConverter,
    activities: createRunToolActivities(toolDeps),
    // Each sandboxed call is a container on a 2-core machine: a few at a time.
    maxConcurrentActivityTaskExecutions: 4,
    maxHeartbeatThrottleInterval: '400 milliseconds',
  });
  return {
    runs,
    tools,
    run: async () => {
      try {
        await Promise.all([runs.run(), tools.run()]);
      } finally {
        await validator.close();
      }
    },
    shutdown: () => {
      runs.shutdown();
      tools.shutdown();
    },
  };
}
