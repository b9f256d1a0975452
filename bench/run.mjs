// `npm run bench`: OmniAI's run path measured against a bare-Temporal baseline in the same run, on the same dev
// server and Postgres. Writes bench/results/<date>.json and docs/BENCHMARKS.md.
//   --smoke      tiny sizes (used by the test suite); --no-write  print only
import { spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { freePort, waitForPort } from '../tools/lib/ports.mjs';
import { ROOT, toolPath } from '../tools/lib/paths.mjs';
import { startEmbeddedPostgres } from '../tools/lib/postgres.mjs';
import { findTemporal } from '../tools/lib/temporal-cli.mjs';
import { startTemporalDevServer } from '../tools/lib/temporal-server.mjs';
import { stopChild } from '../tools/lib/stack.mjs';
import { api, omniFetch } from './http.mjs';
import * as metrics from './omni-metrics.mjs';
import { measurePeers, PEER_NAMES, ratiosTo } from './peers/index.mjs';
import { installPeers } from './peers/install.mjs';
import { load, percentile, ratio, stats, summarize } from './stats.mjs';

const require = createRequire(import.meta.url);
const { Client, Connection } = require('@temporalio/client');
const { bundleWorkflowCode, DefaultLogger, NativeConnection, Runtime, Worker } = require('@temporalio/worker');
const { createDataSource, migrate, DocumentStore, RunStore } = require('../libs/store/dist/index.js');
const { DockerSandbox, SANDBOX_IMAGE } = require('../libs/sandbox/dist/index.js');
const { createFilesReadTool, validateJson } = require('../libs/tools/dist/index.js');
const { pythonComputeManifest } = require('../apps/worker/dist/tools/python-compute.js');
const { runSandboxJob } = require('../apps/worker/dist/tools/sandbox-executor.js');
const Docker = require('dockerode');

const smoke = process.argv.includes('--smoke');
const write = !process.argv.includes('--no-write');
// Peers (DBOS, LangGraph, n8n) are part of every full run (--no-peers skips them; --peers adds them to a smoke run).
// They are installed on demand into bench/peers/deps, never into the product; a first install is timed apart.
const withPeers = process.argv.includes('--peers') || (!smoke && !process.argv.includes('--no-peers'));
const PEER_SIZES = smoke ? { runs: 4, concurrency: 2 } : { runs: 50, concurrency: 5 };
const SIZES = smoke
  ? { runs: 6, concurrency: 3, steps: 5, stepRuns: 2, toolCalls: 3, approvals: 3, sseSubscribers: [1, 10], sseEvents: 5, replayRounds: 1, waitingRuns: 10 }
  : { runs: 200, concurrency: 10, steps: 20, stepRuns: 10, toolCalls: 30, approvals: 30, sseSubscribers: [1, 100, 1000], sseEvents: 30, replayRounds: 5, waitingRuns: 1000 };
const log = (m) => console.error(m);

function spawnApp(entry, env) {
  const child = spawn(process.execPath, [join(ROOT, entry)], { cwd: ROOT, env: { ...process.env, PATH: toolPath(), ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr.on('data', (d) => (err = (err + d).slice(-2000)));
  child.lastError = () => err;
  return child;
}

/** POST a run and wait for its terminal event on the SSE stream: API → Temporal → worker → Postgres → NOTIFY → SSE. */
async function omniRun(apiUrl, threadId) {
  const run = await api(apiUrl, 'POST', `/v1/threads/${threadId}/runs`, { message: '[bench] tool', pins: { params: { delay_ms: 0, reply_words: 3 } } });
  const stream = await omniFetch(apiUrl, `/v1/runs/${run.id}/stream`);
  const reader = stream.body.getReader();
  let text = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`stream of ${run.id} ended without an end event`);
    text += Buffer.from(value).toString();
    if (text.includes('event: end')) break;
  }
  await reader.cancel();
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

async function main() {
  const peerInstalls = withPeers ? await ensurePeers() : undefined;
  const benchStarted = performance.now();
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const dir = mkdtempSync(join(tmpdir(), 'omniai-bench-'));
  chmodSync(dir, 0o755);
  const cli = await findTemporal();
  const [pgPort, tPort, apiPort] = [await freePort(), await freePort(), await freePort()];
  const pg = await startEmbeddedPostgres({ dir: join(dir, 'pg'), port: pgPort, database: 'bench' });
  const temporal = startTemporalDevServer({ cli, dbFile: join(dir, 'temporal.db'), port: tPort });
  await temporal.ready;
  const children = [];
  const results = { machine: { cpus: cpus().length, cpu_model: cpus()[0]?.model, memory_gib: +(totalmem() / 2 ** 30).toFixed(1), node: process.version }, sizes: SIZES };
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
    const env = {
      DATABASE_URL: pg.url,
      TEMPORAL_ADDRESS: temporal.address,
      OMNI_TASK_QUEUE: omniQueue,
      OMNI_API_PORT: String(apiPort),
      NODE_ENV: 'production',
      OMNI_SECRETS_KEY: randomBytes(32).toString('base64'),
      OMNI_SCRIPTED_FIXTURES_DIR: fixturesDir,
    };
    children.push(spawnApp('apps/api/dist/main.js', env), spawnApp('apps/worker/dist/main.js', env));
    await waitForPort(apiPort, { what: 'the API', alive: () => children[0].exitCode === null });
    const apiUrl = `http://127.0.0.1:${apiPort}`;
    for (let i = 0; i < 100; i++) {
      const meta = await api(apiUrl, 'GET', '/v1/meta');
      if (meta.components.worker.status === 'healthy') break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const project = await api(apiUrl, 'POST', '/v1/projects', { name: 'bench' });
    const thread = await api(apiUrl, 'POST', `/v1/projects/${project.id}/threads`, {});
    // The no-op agent run calls one inproc_safe tool (web.search: a read, granted without review).
    await metrics.setPolicy(apiUrl, false);
    await new DocumentStore(db).ingest(project.id, 'bench.md', 'bench text\n', 'text/markdown');

    // Warm up both paths (bundles, pools, JIT) before measuring.
    await load(Math.min(10, SIZES.runs), 2, () => client.workflow.execute('bareWorkflow', { taskQueue: benchQueue, workflowId: `warm-${randomUUID()}` }));
    await load(Math.min(10, SIZES.runs), 2, () => omniRun(apiUrl, thread.id));

    const bare = await load(SIZES.runs, SIZES.concurrency, () => client.workflow.execute('bareWorkflow', { taskQueue: benchQueue, workflowId: `bare-${randomUUID()}` }));
    const omni = await load(SIZES.runs, SIZES.concurrency, () => omniRun(apiUrl, thread.id));
    const [bareSummary, omniSummary] = [summarize(bare.latencies, bare.wallMs), summarize(omni.latencies, omni.wallMs)];
    results.durable_run = {
      baseline_bare_temporal: bareSummary,
      omniai: omniSummary,
      ratio: {
        throughput_omni_over_bare: ratio(omniSummary.runs_per_s, bareSummary.runs_per_s),
        p50_omni_over_bare: ratio(omniSummary.p50_ms, bareSummary.p50_ms),
        p95_omni_over_bare: ratio(omniSummary.p95_ms, bareSummary.p95_ms),
      },
    };

    // Per-step overhead of appending one RunEvent: regular vs local activity (the choice in DECISIONS.md D12).
    results.append_step = {};
    for (const mode of ['regular', 'local']) {
      const perStep = [];
      for (let i = 0; i < SIZES.stepRuns; i++) {
        const runId = await scratchRun(store);
        const t0 = performance.now();
        await client.workflow.execute('appendStepsWorkflow', { taskQueue: benchQueue, workflowId: `steps-${randomUUID()}`, args: [runId, SIZES.steps, mode] });
        perStep.push((performance.now() - t0) / SIZES.steps);
      }
      results.append_step[mode] = { ms_per_append_p50: +percentile(perStep, 50).toFixed(2), ms_per_append_p95: +percentile(perStep, 95).toFixed(2) };
    }
    results.append_step.ratio_local_over_regular = ratio(results.append_step.local.ms_per_append_p50, results.append_step.regular.ms_per_append_p50);

    results.tool_call = await measureToolCalls(db, store);

    log('approval latency …');
    const approvals = await metrics.approvalLatency({ apiUrl, client, threadId: thread.id, runs: SIZES.approvals });
    results.approval_latency = approvals.result;

    log('event → SSE latency …');
    results.event_to_sse = { floor_insert_notify: await metrics.notifyFloor(pg.url, 50), by_subscribers: [] };
    for (const n of SIZES.sseSubscribers) {
      results.event_to_sse.by_subscribers.push(await metrics.sseLatency({ apiUrl, store, scratchRun, subscribers: n, events: SIZES.sseEvents, log }));
    }
    if (!smoke) {
      // The largest subscriber count one API process holds with p95 under 100 ms: keep doubling while it does.
      let n = SIZES.sseSubscribers[SIZES.sseSubscribers.length - 1];
      while (results.event_to_sse.by_subscribers.at(-1).p95_ms < 100 && n < 8000) {
        n *= 2;
        results.event_to_sse.by_subscribers.push(await metrics.sseLatency({ apiUrl, store, scratchRun, subscribers: n, events: SIZES.sseEvents, log }));
      }
    }
    const under = results.event_to_sse.by_subscribers.filter((r) => r.p95_ms < 100 && r.missed_deliveries === 0);
    results.event_to_sse.max_subscribers_p95_under_100ms = under.length ? Math.max(...under.map((r) => r.subscribers)) : 0;

    log('replay and history size …');
    results.replay = await metrics.replaySpeed({ Worker, bundleWorkflowCode, workflowsPath: require.resolve('@omniai/workflows'), histories: approvals.histories, rounds: SIZES.replayRounds });
    results.history = await metrics.historyBytes({ apiUrl, client, threadId: thread.id, approvalHistorySample: approvals.histories[0] });

    if (withPeers) {
      log('peers …');
      const omni = await metrics.threeStepWithApproval({ apiUrl, threadId: thread.id, ...PEER_SIZES });
      const peers = await measurePeers({ pgUrl: pg.url, ...PEER_SIZES, log });
      for (const [name, install] of Object.entries(peerInstalls)) Object.assign(peers[name], { install_seconds: install.install_seconds });
      results.peers = { sizes: PEER_SIZES, omniai: omni, by_peer: peers, ratio_omni_over_peer: ratiosTo(omni, peers) };
    }

    log('worker memory with runs waiting for approval …');
    results.worker_memory = await metrics.memoryWithWaitingRuns({ apiUrl, db, threadId: thread.id, workerPid: children[1].pid, runs: SIZES.waitingRuns, concurrency: 10, log });

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
  console.log(JSON.stringify(results, null, 2));
  if (write) writeReports(results);
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
  const ctx = (i) => ({ project_id: project.id, run_id: randomUUID(), call_id: `c${i}`, idempotency_key: `bench/${i}`, signal: new AbortController().signal, heartbeat: () => undefined });
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
        Image: image.Id, Cmd: argv, User: '65534:65534', WorkingDir: '/work', Labels: { 'ai.omni.sandbox': '1', 'ai.omni.bench': 'warm' },
        NetworkDisabled: true,
        HostConfig: { NetworkMode: 'none', ReadonlyRootfs: true, Tmpfs: { '/work': 'rw,size=64m,uid=65534,gid=65534,mode=0700', '/tmp': 'rw,noexec,size=16m' }, CapDrop: ['ALL'], SecurityOpt: ['no-new-privileges'], Memory: 128 * 2 ** 20, MemorySwap: 128 * 2 ** 20, NanoCpus: 5e8, PidsLimit: 64 },
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

/** The peers table (every full run; `--no-peers` leaves it out). */
function peersSection(results) {
  if (!results.peers) return '';
  const { omniai: omni, by_peer: peers, ratio_omni_over_peer: ratios } = results.peers;
  const rows = Object.entries(peers).map(([name, p]) => {
    if (p.error) return `| ${name} | — | — | — | — | — | failed: ${p.error.replaceAll('|', '/').slice(0, 300)} |`;
    const r = ratios[name];
    return `| ${name} ${p.version} | ${p.n} | ${p.runs_per_s} | ${p.p50_ms} | ${p.p95_ms} | ${p.install_seconds ?? '—'} | ${r.throughput_omni_over_peer} / ${r.p50_omni_over_peer} / ${r.p95_omni_over_peer} |`;
  });
  return `
### Peers: three steps with a human-approval pause

${results.peers.sizes.runs} runs per system, ${results.peers.sizes.concurrency} in flight, after a warm-up; the same Postgres server for OmniAI, DBOS and LangGraph.

| system | runs | runs/s | p50 ms | p95 ms | first install s | OmniAI ÷ peer (throughput / p50 / p95) |
|---|---|---|---|---|---|---|
| OmniAI: model → tool (approved through the API) → model | ${omni.n} | ${omni.runs_per_s} | ${omni.p50_ms} | ${omni.p95_ms} | — | 1 / 1 / 1 |
${rows.join('\n')}

${Object.entries(peers).map(([name, p]) => `- **${name}**: ${p.notes ?? p.error}`).join('\n')}
`;
}

async function scratchRun(store) {
  const project = await store.createProject('bench-steps', '');
  const thread = await store.createThread(project.id, 'steps');
  const pins = { provider: 'offline', model: 'bench', params: {}, seed: 0, prompt_version: 'bench' };
  return (await store.createRun({ projectId: project.id, threadId: thread.id, pins, input: { text: 'bench' }, retryOf: null })).id;
}

function writeReports(results) {
  const date = new Date().toISOString().slice(0, 10);
  writeFileSync(join(ROOT, 'bench/results', `${date}.json`), `${JSON.stringify({ date, ...results }, null, 2)}\n`);
  const d = results.durable_run;
  const row = (name, s) => `| ${name} | ${s.n} | ${s.runs_per_s} | ${s.p50_ms} | ${s.p95_ms} |`;
  const docPath = join(ROOT, 'docs/BENCHMARKS.md');
  const intro = readFileSync(docPath, 'utf8').split('<!-- results -->')[0];
  writeFileSync(
    docPath,
    `${intro}<!-- results -->
Latest run: ${date} on ${results.machine.cpus} × ${results.machine.cpu_model}, ${results.machine.memory_gib} GiB, Node ${results.machine.node}
(concurrency ${results.sizes.concurrency}).

### Durable run, end to end

| path | runs | runs/s | p50 ms | p95 ms |
|---|---|---|---|---|
${row('baseline: bare Temporal workflow + 1 activity', d.baseline_bare_temporal)}
${row('OmniAI: POST run → workflow → 4 RunEvents in Postgres → SSE end', d.omniai)}

Ratios (OmniAI ÷ baseline): throughput ${d.ratio.throughput_omni_over_bare}, p50 ${d.ratio.p50_omni_over_bare}, p95 ${d.ratio.p95_omni_over_bare}.

### Appending one RunEvent from a workflow

| activity kind | ms per append, p50 | p95 |
|---|---|---|
| regular | ${results.append_step.regular.ms_per_append_p50} | ${results.append_step.regular.ms_per_append_p95} |
| local | ${results.append_step.local.ms_per_append_p50} | ${results.append_step.local.ms_per_append_p95} |

Local ÷ regular: ${results.append_step.ratio_local_over_regular}.

### One tool call (executor only)

| executor | calls | p50 ms | p95 ms |
|---|---|---|---|
| inproc_safe: files.read (schemas + one Postgres read) | ${results.tool_call.inproc_safe.n} | ${results.tool_call.inproc_safe.p50_ms} | ${results.tool_call.inproc_safe.p95_ms} |
| sandbox_job cold: python.compute, fresh container per call | ${results.tool_call.sandbox_cold.n} | ${results.tool_call.sandbox_cold.p50_ms} | ${results.tool_call.sandbox_cold.p95_ms} |
| sandbox_job warm: container created beforehand | ${results.tool_call.sandbox_warm.n} | ${results.tool_call.sandbox_warm.p50_ms} | ${results.tool_call.sandbox_warm.p95_ms} |

Ratios (p50): cold ÷ inproc ${results.tool_call.ratio.cold_p50_over_inproc}, warm ÷ inproc ${results.tool_call.ratio.warm_p50_over_inproc}, warm ÷ cold ${results.tool_call.ratio.warm_p50_over_cold}.

### Approval latency

From the reviewer's \`POST /v1/approvals/:id/decide\` to the tool activity starting (its ActivityTaskStarted time in the
workflow history): p50 ${results.approval_latency.p50_ms} ms, p95 ${results.approval_latency.p95_ms} ms over ${results.approval_latency.n} runs.

### Event → browser (SSE)

Floor: a bare \`INSERT\` + \`NOTIFY\` in one transaction, received by a LISTENing connection: p50 ${results.event_to_sse.floor_insert_notify.p50_ms} ms, p95 ${results.event_to_sse.floor_insert_notify.p95_ms} ms.

| SSE subscribers on one run | deliveries | p50 ms | p95 ms | missed | append commit p50 ms |
|---|---|---|---|---|---|
${results.event_to_sse.by_subscribers.map((r) => `| ${r.subscribers} | ${r.n} | ${r.p50_ms} | ${r.p95_ms} | ${r.missed_deliveries} | ${r.append_commit_p50_ms} |`).join('\n')}

Largest subscriber count measured with p95 under 100 ms on one API process: ${results.event_to_sse.max_subscribers_p95_under_100ms || 'none'}.

### Replay and history size

Replaying ${results.replay.histories} recorded histories (${results.replay.history_events} history events) through the workflow code:
${results.replay.ms_per_1000_events} ms per 1,000 history events. A plain chat turn's history: ${results.history.chat_turn_events} events,
${results.history.chat_turn_bytes} bytes (Temporal's history size); a turn with one approved tool call: ${results.history.tool_turn_with_approval_events} events,
${results.history.tool_turn_with_approval_json_bytes} bytes as JSON.

### Worker memory with runs waiting for approval

${results.worker_memory.runs_waiting} runs parked on an approval: worker RSS ${results.worker_memory.worker_rss_before_mb} → ${results.worker_memory.worker_rss_after_mb} MB
(${results.worker_memory.kb_per_waiting_run} KB per waiting run; all parked in ${results.worker_memory.seconds_to_park_all} s).
${peersSection(results)}`,
  );
}

main().catch((err) => {
  console.error(`bench failed: ${err?.stack ?? err}`);
  process.exit(1);
});
