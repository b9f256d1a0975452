// `npm run bench`: OmniAI measured against bare-Temporal baselines, physical floors and peers (DBOS, LangGraph, n8n)
// in the same run, on the same dev server and Postgres. Writes bench/results/<date>.json and docs/BENCHMARKS.md.
//   --smoke         tiny sizes, no peers (used by the test suite)     --no-write   print only
//   --only a,b      only these sections (see SECTIONS; prints, writes nothing)
//   --no-peers      leave the peers out                                 --peers      add them to a smoke run
import { spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { freePort, waitForPort } from '../tools/lib/ports.mjs';
import { ROOT, toolPath } from '../tools/lib/paths.mjs';
import { startEmbeddedPostgres } from '../tools/lib/postgres.mjs';
import { findTemporal } from '../tools/lib/temporal-cli.mjs';
import { startTemporalDevServer } from '../tools/lib/temporal-server.mjs';
import { stopChild } from '../tools/lib/stack.mjs';
import { api, connect } from './http.mjs';
import { TEST_ADMIN_ENV } from '../tools/testing/api-session.mjs';
import * as metrics from './omni-metrics.mjs';
import * as graphMetrics from './graph-metrics.mjs';
import * as webhookMetrics from './webhook-metrics.mjs';
import * as researchMetrics from './research-metrics.mjs';
import { measurePeer, measurePeers, PEER_NAMES, ratiosTo } from './peers/index.mjs';
import { peerInstalled } from './peers/install.mjs';
import { writeReports } from './report.mjs';
import { installPeers } from './peers/install.mjs';
import { load, percentile, ratio, stats, summarize } from './stats.mjs';

const require = createRequire(import.meta.url);
const { Client, Connection } = require('@temporalio/client');
const { bundleWorkflowCode, DefaultLogger, NativeConnection, Runtime, Worker } = require('@temporalio/worker');
const { createDataSource, migrate, DocumentStore, RunStore } = require('../libs/store/dist/index.js');
const { newPayloadKeyEntry, omniDataConverter, parsePayloadKeyring } = require('../libs/workflow-api/dist/codec/index.js');
const { DockerSandbox, SANDBOX_IMAGE } = require('../libs/sandbox/dist/index.js');
const { createFilesReadTool, validateJson } = require('../libs/tools/dist/index.js');
const { pythonComputeManifest } = require('../apps/worker/dist/tools/python-compute.js');
const { runSandboxJob } = require('../apps/worker/dist/tools/sandbox-executor.js');
const Docker = require('dockerode');

const flag = (name) => process.argv.includes(`--${name}`);
const flagValue = (name) => process.argv[process.argv.indexOf(`--${name}`) + 1];
const smoke = flag('smoke');
const write = !flag('no-write') && !flag('only');
const PEER_SIZES = smoke ? { runs: 4, concurrency: 2 } : { runs: 50, concurrency: 5 };
const SIZES = smoke
  ? {
      runs: 6,
      concurrency: 3,
      steps: 5,
      stepRuns: 2,
      toolCalls: 3,
      approvals: 3,
      sseSubscribers: [1, 10],
      sseEvents: 5,
      replayRounds: 1,
      waitingRuns: 10,
      graph: { nodes: 10, runs: 3, concurrency: 2 },
      graphMap: { items: 40, concurrency: 4, batchSize: 10 },
      webhooks: { deliveries: 10, concurrency: 2, durationS: 2, hooks: 2 },
      research: { runs: 2, concurrency: 1 },
    }
  : {
      runs: 200,
      concurrency: 10,
      steps: 20,
      stepRuns: 10,
      toolCalls: 30,
      approvals: 30,
      sseSubscribers: [1, 100, 1000],
      sseEvents: 30,
      replayRounds: 5,
      waitingRuns: 1000,
      graph: { nodes: 10, runs: 30, concurrency: 5 },
      graphMap: { items: 1000, concurrency: 8, batchSize: 50 },
      webhooks: { deliveries: 200, concurrency: 10, durationS: 15, hooks: 4 },
      research: { runs: 20, concurrency: 4 },
    };
const log = (m) => console.error(m);
const loadAverage = () => +loadavg()[0].toFixed(2);

function spawnApp(entry, env) {
  const child = spawn(process.execPath, [join(ROOT, entry)], {
    cwd: ROOT,
    env: { ...process.env, PATH: toolPath(), ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  child.stderr.on('data', (d) => (err = (err + d).slice(-2000)));
  child.lastError = () => err;
  return child;
}

/** Installs each peer not yet installed (timed apart from the bench); a peer that fails to install is reported, not fatal. */
async function ensurePeers() {
  const installs = {};
  for (const name of PEER_NAMES) {
    try {
      const { peers } = await installPeers({ only: [name] });
      installs[name] = { install_seconds: peers[name].skipped ? peers[name].install_seconds : peers[name].seconds, installed_now: !peers[name].skipped };
    } catch (err) {
      installs[name] = { error: String(err?.message ?? err).split('\n')[0] };
      log(`peer ${name}: ${installs[name].error}`);
    }
  }
  return installs;
}

/**
 * The measurements, in the order a full run takes them; each returns its part of the results. `--only a,b` runs some
 * (replay reuses the approval runs' histories, so it brings approval_latency along).
 */
const SECTIONS = {
  /** 1. A no-op agent run end to end vs a bare Temporal workflow with one activity, same dev server. */
  async durable_run({ apiUrl, client, benchQueue, threadId }) {
    // API → Temporal → worker → Postgres → NOTIFY → SSE: POST a run, then follow its stream to the end.
    const omniRun = () => metrics.runToEnd(apiUrl, threadId, '[bench] tool');
    const bareRun = () => client.workflow.execute('bareWorkflow', { taskQueue: benchQueue, workflowId: `bare-${randomUUID()}` });
    // Warm up both paths (bundles, pools, JIT) before measuring.
    await load(Math.min(10, SIZES.runs), 2, bareRun);
    await load(Math.min(10, SIZES.runs), 2, omniRun);
    const bare = await load(SIZES.runs, SIZES.concurrency, bareRun);
    const omni = await load(SIZES.runs, SIZES.concurrency, omniRun);
    const [bareSummary, omniSummary] = [summarize(bare.latencies, bare.wallMs), summarize(omni.latencies, omni.wallMs)];
    const durable_run = {
      baseline_bare_temporal: bareSummary,
      omniai: omniSummary,
      ratio: {
        throughput_omni_over_bare: ratio(omniSummary.runs_per_s, bareSummary.runs_per_s),
        p50_omni_over_bare: ratio(omniSummary.p50_ms, bareSummary.p50_ms),
        p95_omni_over_bare: ratio(omniSummary.p95_ms, bareSummary.p95_ms),
      },
    };
    log(
      `  bare Temporal ${bareSummary.runs_per_s} runs/s, p50 ${bareSummary.p50_ms} ms; OmniAI ${omniSummary.runs_per_s} runs/s, p50 ${omniSummary.p50_ms} ms`,
    );
    return { durable_run };
  },

  /** 2. Per-step overhead of appending one RunEvent: regular vs local activity (DECISIONS.md D12), floor: the append alone. */
  async append_step({ client, benchQueue, store }) {
    const append_step = {};
    const direct = [];
    for (let i = 0; i < SIZES.stepRuns; i++) {
      const runId = await scratchRun(store);
      const t0 = performance.now();
      for (let seq = 1; seq <= SIZES.steps; seq++) await store.appendEvents(runId, [metrics.benchEvent(runId, seq)]);
      direct.push((performance.now() - t0) / SIZES.steps);
    }
    append_step.floor_direct = perAppend(direct);
    for (const mode of ['regular', 'local']) {
      const perStep = [];
      for (let i = 0; i < SIZES.stepRuns; i++) {
        const runId = await scratchRun(store);
        const t0 = performance.now();
        await client.workflow.execute('appendStepsWorkflow', { taskQueue: benchQueue, workflowId: `steps-${randomUUID()}`, args: [runId, SIZES.steps, mode] });
        perStep.push((performance.now() - t0) / SIZES.steps);
      }
      append_step[mode] = perAppend(perStep);
    }
    append_step.ratio_local_over_regular = ratio(append_step.local.ms_per_append_p50, append_step.regular.ms_per_append_p50);
    return { append_step };
  },

  /** 5. One tool call: sandbox cold and warm vs inproc_safe. */
  async tool_call({ db, store }) {
    return { tool_call: await measureToolCalls(db, store) };
  },

  /** 3. From the reviewer's decide call to the tool starting; baseline: a bare workflow's signal → activity start. */
  async approval_latency({ apiUrl, client, benchQueue, threadId }) {
    const approvals = await metrics.approvalLatency({ apiUrl, client, threadId, runs: SIZES.approvals });
    const bare = await metrics.signalToActivityBaseline({ client, taskQueue: benchQueue, runs: SIZES.approvals });
    approvalHistories = approvals.histories;
    return {
      approval_latency: { ...approvals.result, baseline_bare_signal_to_activity: bare, p50_over_baseline: ratio(approvals.result.p50_ms, bare.p50_ms) },
    };
  },

  /** 4. From the RunEvent insert to SSE clients receiving it, by subscriber count; floor: INSERT + NOTIFY to a LISTENer. */
  async event_to_sse({ apiUrl, store, pgUrl }) {
    const measure = (subscribers) => metrics.sseLatency({ apiUrl, store, scratchRun, subscribers, events: SIZES.sseEvents, log });
    const event_to_sse = { floor_insert_notify: await metrics.notifyFloor(pgUrl, 50), by_subscribers: [] };
    for (const n of SIZES.sseSubscribers) event_to_sse.by_subscribers.push(await measure(n));
    event_to_sse.max_subscribers_p95_under_100ms = smoke ? null : await largestUnder100ms(event_to_sse.by_subscribers, measure);
    return { event_to_sse };
  },

  /** 6. Replay time per 1,000 history events; history bytes per chat turn. */
  async replay({ apiUrl, client, threadId }) {
    const replay = await metrics.replaySpeed({
      Worker,
      bundleWorkflowCode,
      workflowsPath: require.resolve('@omniai/workflows'),
      // The histories are sealed, as every OmniAI history: replay opens them with the same keyring.
      dataConverter: omniDataConverter(parsePayloadKeyring(PAYLOAD_KEYS)),
      histories: approvalHistories,
      rounds: SIZES.replayRounds,
    });
    const history = await metrics.historyBytes({ apiUrl, client, threadId, approvalHistorySample: approvalHistories[0] });
    return { replay, history };
  },

  /** 8. The three-step run with a human-approval pause on OmniAI and on each peer, same sizes, same run. */
  async peers({ apiUrl, threadId, pgUrl, peerInstalls }) {
    const omni = await metrics.threeStepWithApproval({ apiUrl, threadId, ...PEER_SIZES });
    log(`  OmniAI: ${omni.runs_per_s} runs/s, p50 ${omni.p50_ms} ms, p95 ${omni.p95_ms} ms`);
    const byPeer = await measurePeers({ pgUrl, ...PEER_SIZES, log });
    for (const [name, install] of Object.entries(peerInstalls ?? {}))
      Object.assign(byPeer[name], { install_seconds: install.install_seconds ?? null, install_error: install.error });
    return { peers: { sizes: PEER_SIZES, omniai: omni, by_peer: byPeer, ratio_omni_over_peer: ratiosTo(omni, byPeer) } };
  },

  /** 9. Workflow graphs: per-node overhead of a 10-node graph vs 10 bare activities; a `map` over many items. */
  async graphs({ apiUrl, client, benchQueue, projectId }) {
    // The tool nodes' documents.search is a read granted without review (earlier sections left the policy asking for one).
    await metrics.setPolicy(apiUrl, false);
    const node_overhead = await graphMetrics.graphNodeOverhead({ apiUrl, client, benchQueue, projectId, ...SIZES.graph, log });
    const map = await graphMetrics.graphMapThroughput({ apiUrl, projectId, ...SIZES.graphMap, log });
    return { graphs: { node_overhead, map } };
  },

  /**
   * 10. Webhook triggers: accept latency and sustained accepts/s of signed deliveries; the three-step graph started by
   * a webhook end to end (wait=true) beside n8n's webhook-triggered three steps, same sizes as the peers, same run.
   */
  async webhooks({ apiUrl, projectId, results }) {
    // The three steps' documents.search is a read granted without review (earlier sections left the policy asking for one).
    await metrics.setPolicy(apiUrl, false);
    const accept = await webhookMetrics.webhookAccepts({ apiUrl, projectId, ...SIZES.webhooks, log });
    const omni = await webhookMetrics.webhookThreeSteps({ apiUrl, projectId, ...PEER_SIZES, log });
    const n8n = await n8nThreeSteps(results);
    const ratios = webhookMetrics.ratiosToN8n(omni, n8n.figures);
    if (ratios)
      log(
        `  n8n three steps: ${n8n.figures.runs_per_s} runs/s, p95 ${n8n.figures.p95_ms} ms → OmniAI ÷ n8n: throughput ×${ratios.throughput_omni_over_n8n} (goal ≥ 1), p95 ×${ratios.p95_omni_over_n8n} (goal ≤ 1)`,
      );
    else log(`  n8n three steps: not measured (${n8n.not_measured})`);
    return {
      webhooks: {
        ...accept,
        three_steps: {
          sizes: PEER_SIZES,
          omniai: omni,
          n8n: n8n.figures ? { version: n8n.version, source: n8n.source, ...n8n.figures } : { not_measured: n8n.not_measured },
          ratio_omni_over_n8n: ratios,
          goal: { throughput_omni_over_n8n_at_least: 1, p95_omni_over_n8n_at_most: 1 },
        },
      },
    };
  },

  /**
   * 11. Research: sources read per second over research runs of the sample corpus (offline model: OmniAI's own work
   * around the model), each read step's latency, and the verification cost per citation, in the run and in process.
   */
  async research({ apiUrl }) {
    const runs = await researchMetrics.researchThroughput({ apiUrl, ...SIZES.research, log });
    const check = researchMetrics.checkCost({ claims: smoke ? 99 : 1000, rounds: smoke ? 1 : 5 });
    log(`  mechanical check in process: ${check.us_per_citation} µs per citation over a ${check.snapshot_chars}-character snapshot`);
    return { research: { ...runs, check_in_process: check } };
  },

  /** 7. Worker memory with runs waiting for approval (last: it leaves them parked). */
  async worker_memory({ apiUrl, db, threadId, workerPid }) {
    return { worker_memory: await metrics.memoryWithWaitingRuns({ apiUrl, db, threadId, workerPid, runs: SIZES.waitingRuns, concurrency: 10, log }) };
  },
};
let approvalHistories = [];

/**
 * n8n's webhook-triggered three steps for the webhooks section: the peers section's figures when it ran (same run,
 * same sizes), else n8n measured now when it is installed and peers are not left out; otherwise why not (never a figure).
 */
async function n8nThreeSteps(results) {
  const fromPeers = results.peers?.by_peer?.n8n;
  if (fromPeers?.plain_three_steps) return { figures: fromPeers.plain_three_steps, version: fromPeers.version, source: 'peers section, this run' };
  if (fromPeers?.error) return { not_measured: `n8n failed in the peers section: ${fromPeers.error.split('\n')[0].slice(0, 300)}` };
  if (flag('no-peers') || (smoke && !flag('peers'))) return { not_measured: 'peers left out of this run (--no-peers, or --smoke without --peers)' };
  if (!peerInstalled('n8n')) return { not_measured: 'n8n is not installed: run `node bench/peers/install.mjs --only n8n` (Node 24)' };
  const n8n = await measurePeer('n8n', { ...PEER_SIZES, log });
  if (n8n.error) return { not_measured: `n8n failed: ${n8n.error.split('\n')[0].slice(0, 300)}` };
  return { figures: n8n.plain_three_steps, version: n8n.version, source: 'measured by the webhooks section, this run' };
}
const PAYLOAD_KEYS = newPayloadKeyEntry('bench');

/** The sections this run takes. Peers (DBOS, LangGraph, n8n) are in every full run, installed on demand into
 * bench/peers/deps (never into the product) before the timed part, which reports their first-install time. */
const only = new Set(flag('only') ? flagValue('only').split(',') : Object.keys(SECTIONS));
for (const name of only) if (!SECTIONS[name]) throw new Error(`--only: no section "${name}" (sections: ${Object.keys(SECTIONS).join(', ')})`);
if ((smoke && !flag('peers')) || flag('no-peers')) only.delete('peers');
if (only.has('replay')) only.add('approval_latency');
const perAppend = (xs) => ({ ms_per_append_p50: +percentile(xs, 50).toFixed(2), ms_per_append_p95: +percentile(xs, 95).toFixed(2) });

/**
 * The largest subscriber count with p95 under 100 ms and nothing missed: doubles past the sizes measured while it
 * holds (up to 8,000), then halves the gap between the last good and the first bad count down to 250.
 */
async function largestUnder100ms(measured, measure) {
  const good = (r) => r.p95_ms < 100 && r.missed_deliveries === 0;
  let lo = Math.max(0, ...measured.filter(good).map((r) => r.subscribers));
  let hi = Math.min(Infinity, ...measured.filter((r) => !good(r)).map((r) => r.subscribers));
  const probe = async (n) => {
    const r = await measure(n);
    measured.push(r);
    if (good(r)) lo = n;
    else hi = n;
  };
  while (hi === Infinity && lo < 8000) await probe(lo * 2);
  while (hi !== Infinity && hi - lo > 250) await probe(Math.round((lo + hi) / 2 / 50) * 50);
  measured.sort((a, b) => a.subscribers - b.subscribers);
  return lo;
}

async function main() {
  const peerInstalls = only.has('peers') ? await ensurePeers() : undefined;
  const benchStarted = performance.now();
  // No shutdown signals for the SDK's runtime: it would catch SIGTERM to drain workers and keep the process alive (a
  // test's timeout could never stop the bench). A SIGTERM or SIGINT exits, and the exit handler below stops the children.
  Runtime.install({ logger: new DefaultLogger('WARN'), shutdownSignals: [] });
  for (const signal of ['SIGTERM', 'SIGINT']) process.once(signal, () => process.exit(1));
  const dir = mkdtempSync(join(tmpdir(), 'omniai-bench-'));
  chmodSync(dir, 0o755);
  const cli = await findTemporal();
  const [pgPort, tPort, apiPort] = [await freePort(), await freePort(), await freePort()];
  const pg = await startEmbeddedPostgres({ dir: join(dir, 'pg'), port: pgPort, database: 'bench' });
  const temporal = startTemporalDevServer({ cli, dbFile: join(dir, 'temporal.db'), port: tPort });
  await temporal.ready;
  const children = [];
  // A crash outside the awaited chain (say, a socket error in an SSE reader) skips the `finally` below: the exit
  // handler still runs, so no API, worker or Temporal server outlives the bench.
  process.once('exit', () => {
    for (const c of [...children, temporal.child, pg.child]) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  });
  // The 1-minute load average before and after: on a shared machine it says how much other work ran alongside.
  const results = {
    machine: {
      cpus: cpus().length,
      cpu_model: cpus()[0]?.model,
      memory_gib: +(totalmem() / 2 ** 30).toFixed(1),
      node: process.version,
      load_average_before: loadAverage(),
    },
    sizes: SIZES,
  };
  try {
    const connection = await Connection.connect({ address: temporal.address });
    const client = new Client({ connection });
    const native = await NativeConnection.connect({ address: temporal.address });
    const db = createDataSource({ url: pg.url, applicationName: 'bench' });
    await db.initialize();
    await migrate(db);
    const store = new RunStore(db);

    // Baseline and per-step workers: bench workflows, activities doing nothing / one real append.
    const benchQueue = `bench-${randomUUID()}`;
    const benchWorker = await Worker.create({
      connection: native,
      taskQueue: benchQueue,
      workflowsPath: join(ROOT, 'bench/workflows.ts'),
      activities: {
        noop: async () => undefined,
        append: async (runId, seq) => {
          await store.appendEvents(runId, [metrics.benchEvent(runId, seq)]);
        },
      },
    });
    const benchRunning = benchWorker.run();

    // OmniAI: the real API and worker processes.
    const omniQueue = `omni-bench-${randomUUID()}`;
    const fixturesDir = join(dir, 'fixtures');
    mkdirSync(fixturesDir);
    writeFileSync(join(fixturesDir, 'bench.json'), JSON.stringify(metrics.BENCH_FIXTURES));
    // The research section's runs answer the sample question with the fixtures the worker ships.
    copyFileSync(join(ROOT, 'apps/worker/fixtures/scripted/research-sample.json'), join(fixturesDir, 'research-sample.json'));
    const env = {
      DATABASE_URL: pg.url,
      TEMPORAL_ADDRESS: temporal.address,
      OMNI_TASK_QUEUE: omniQueue,
      OMNI_API_PORT: String(apiPort),
      NODE_ENV: 'production',
      OMNI_SECRETS_KEY: randomBytes(32).toString('base64'),
      // The API and worker seal every Temporal payload (D45): their figures include the codec's cost.
      OMNI_PAYLOAD_KEYS: PAYLOAD_KEYS,
      OMNI_SCRIPTED_FIXTURES_DIR: fixturesDir,
      ...TEST_ADMIN_ENV,
      // One benchmark user opens thousands of streams and hundreds of runs a minute: the per-session rate limit
      // (1,200/min) would be what gets measured.
      OMNI_RATE_LIMIT_UI: '100000000',
      // …and so would the per-user cap on open streams (8 by default, D46): the SSE fan-out opens up to thousands.
      OMNI_SSE_MAX_PER_USER: '100000',
    };
    children.push(spawnApp('apps/api/dist/main.js', env), spawnApp('apps/worker/dist/main.js', env));
    await waitForPort(apiPort, { what: 'the API', alive: () => children[0].exitCode === null }).catch((err) => {
      throw new Error(`${err.message}: ${children[0].lastError().trim()}`);
    });
    const apiUrl = `http://127.0.0.1:${apiPort}`;
    for (let i = 0; i < 100; i++) {
      const meta = await api(apiUrl, 'GET', '/v1/meta');
      if (meta.components.worker.status === 'healthy') break;
      await new Promise((r) => setTimeout(r, 200));
    }
    await connect(apiUrl);
    const project = await api(apiUrl, 'POST', '/v1/projects', { name: 'bench' });
    const thread = await api(apiUrl, 'POST', `/v1/projects/${project.id}/threads`, {});
    // The no-op agent run calls one inproc_safe tool (documents.search: a read, granted without review).
    await metrics.setPolicy(apiUrl, false);
    await new DocumentStore(db).ingest(project.id, 'bench.md', 'bench text\n', 'text/markdown');

    const ctx = {
      apiUrl,
      client,
      benchQueue,
      db,
      store,
      pgUrl: pg.url,
      threadId: thread.id,
      projectId: project.id,
      workerPid: children[1].pid,
      peerInstalls,
      results,
    };
    for (const [name, measure] of Object.entries(SECTIONS)) {
      if (!only.has(name)) continue;
      log(`${name} …`);
      const t0 = performance.now();
      Object.assign(results, await measure(ctx));
      (results.section_seconds ??= {})[name] = +((performance.now() - t0) / 1000).toFixed(1);
      log(`${name}: ${results.section_seconds[name]} s`);
    }

    benchWorker.shutdown();
    await benchRunning;
    await native.close();
    await connection.close();
    await db.destroy();
  } finally {
    for (const c of children) await stopChild(c);
    await stopChild(temporal.child);
    await pg.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  results.bench_seconds = +((performance.now() - benchStarted) / 1000).toFixed(1);
  results.machine.load_average_after = loadAverage();
  console.log(JSON.stringify(results, null, 2));
  if (write) writeReports(ROOT, results);
}

/**
 * One tool call, executor only (no Temporal): `inproc_safe` (files.read: schema checks + one Postgres read) vs a
 * `sandbox_job` (python.compute printing one line). Cold: a fresh container per call, as the runtime does today.
 * Warm: the container created beforehand (what a per-run warm pool would save), timed from start to removal.
 */
async function measureToolCalls(db, store) {
  const docker = new Docker();
  const sandbox = new DockerSandbox(docker);
  const image = await docker.getImage(SANDBOX_IMAGE).inspect();
  const digest = image.Id.slice('sha256:'.length);
  const manifest = pythonComputeManifest(`omniai/sandbox-python@sha256:${digest}`, `img.${digest.slice(0, 12)}`);
  const project = await store.createProject('bench-tools', '');
  const documents = new DocumentStore(db);
  await documents.ingest(project.id, 'bench.md', 'bench text\n', 'text/markdown');
  const filesRead = createFilesReadTool({ documents });
  const ctx = (i) => ({
    project_id: project.id,
    run_id: randomUUID(),
    call_id: `c${i}`,
    idempotency_key: `bench/${i}`,
    signal: new AbortController().signal,
    heartbeat: () => undefined,
  });
  const time = async (n, job) => stats((await load(n, 1, job)).latencies);
  const inproc = await time(SIZES.toolCalls * 3, async (i) => {
    const input = { path: 'bench.md' };
    if (!validateJson(filesRead.manifest.input_schema, input).ok) throw new Error('input');
    const out = await filesRead.run(input, ctx(i));
    if (!validateJson(filesRead.manifest.output_schema, out).ok) throw new Error('output');
  });
  const input = { code: 'print(1)' };
  const cold = await time(SIZES.toolCalls, (i) => runSandboxJob(sandbox, manifest, input, { run_id: 'bench', idempotency_key: `bench/cold/${i}` }));
  const argv = [...manifest.binding.entrypoint, JSON.stringify(input)];
  const created = [];
  for (let i = 0; i < SIZES.toolCalls; i++) {
    created.push(
      await docker.createContainer({
        Image: image.Id,
        Cmd: argv,
        User: '65534:65534',
        WorkingDir: '/work',
        Labels: { 'ai.omni.sandbox': '1', 'ai.omni.bench': 'warm' },
        NetworkDisabled: true,
        HostConfig: {
          NetworkMode: 'none',
          ReadonlyRootfs: true,
          Tmpfs: { '/work': 'rw,size=64m,uid=65534,gid=65534,mode=0700', '/tmp': 'rw,noexec,size=16m' },
          CapDrop: ['ALL'],
          SecurityOpt: ['no-new-privileges'],
          Memory: 128 * 2 ** 20,
          MemorySwap: 128 * 2 ** 20,
          NanoCpus: 5e8,
          PidsLimit: 64,
        },
      }),
    );
  }
  const warm = await time(SIZES.toolCalls, async (i) => {
    const c = created[i];
    await c.start();
    await c.wait();
    const logs = await c.logs({ stdout: true, stderr: false });
    if (!logs.toString().includes('exit_code')) throw new Error('no output');
    await c.remove({ force: true });
  });
  return {
    inproc_safe: inproc,
    sandbox_cold: cold,
    sandbox_warm: warm,
    ratio: {
      cold_p50_over_inproc: ratio(cold.p50_ms, inproc.p50_ms, 1),
      warm_p50_over_inproc: ratio(warm.p50_ms, inproc.p50_ms, 1),
      warm_p50_over_cold: ratio(warm.p50_ms, cold.p50_ms),
    },
  };
}

async function scratchRun(store) {
  const project = await store.createProject('bench-steps', '');
  const thread = await store.createThread(project.id, 'steps');
  const pins = { provider: 'offline', model: 'bench', params: {}, seed: 0, prompt_version: 'bench' };
  return (await store.createRun({ projectId: project.id, threadId: thread.id, pins, input: { text: 'bench' }, retryOf: null })).id;
}

main().catch((err) => {
  console.error(`bench failed: ${err?.stack ?? err}`);
  process.exit(1);
});
