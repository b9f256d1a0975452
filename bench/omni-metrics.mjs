// OmniAI-side measurements of `npm run bench` beyond the durable-run baseline: approval latency, event-to-browser
// latency by subscriber count (with the bare INSERT + NOTIFY floor), replay speed and history size, and worker memory
// with runs waiting for a reviewer. Each function takes what bench/run.mjs already started.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

import { api, omniStream } from './http.mjs';
import { load, percentile, sleep, stats, summarize } from './stats.mjs';

const require = createRequire(import.meta.url);
const pg = require('pg');

/** The scripted model's cues used by the benchmark (the worker loads them from OMNI_SCRIPTED_FIXTURES_DIR). */
export const BENCH_FIXTURES = {
  fixtures: [
    {
      match: '[bench] tool',
      reply: 'One tool call.',
      tool_calls: [{ id: 'c1', name: 'documents.search', arguments: { query: 'bench', limit: 1 } }],
      after_tools: 'Done.',
    },
    {
      match: '[bench] approve',
      reply: 'This call waits for a reviewer.',
      tool_calls: [{ id: 'c1', name: 'files.read', arguments: { path: 'bench.md' } }],
      after_tools: 'Done.',
    },
  ],
};

export const setPolicy = (apiUrl, requireApproval) =>
  api(apiUrl, 'PUT', '/v1/policy', {
    grants: [{ level: 'workspace', subject: '*', scopes: ['read_files'], require_approval: requireApproval }],
    kill_switch_external_writes: false,
  });

const startRun = (apiUrl, threadId, message) =>
  api(apiUrl, 'POST', `/v1/threads/${threadId}/runs`, { message, pins: { params: { delay_ms: 0, reply_words: 3 } } });

/**
 * Starts a run and follows its SSE stream to the end, as the console does; `onEvent(runEvent)` sees every event as
 * it arrives. Resolves to the run once its stream ended, throwing unless its last event is `run_completed`.
 */
export async function runToEnd(apiUrl, threadId, message, onEvent = () => undefined) {
  const run = await startRun(apiUrl, threadId, message);
  let last;
  const stream = await omniStream(apiUrl, `/v1/runs/${run.id}/stream`, ({ event, data }) => {
    if (event !== 'run_event') return;
    last = JSON.parse(data);
    onEvent(last);
  });
  await stream.done;
  if (last?.kind !== 'run_completed') throw new Error(`run ${run.id} ended with ${last?.kind ?? 'no event'}`);
  return run;
}

/** Approves a run's tool call as soon as its `approval_requested` event arrives; `decided` settles after the call. */
function approveOnRequest(apiUrl, onDecide = () => undefined) {
  const approver = { decided: Promise.resolve() };
  approver.onEvent = (e) => {
    if (e.kind !== 'system_event' || e.payload.type !== 'approval_requested') return;
    const { approval_id: id, arguments_hash } = e.payload.data;
    onDecide();
    approver.decided = api(apiUrl, 'POST', `/v1/approvals/${id}/decide`, { decision: 'approve', arguments_hash });
  };
  return approver;
}

async function waitFor(what, probe, timeoutMs = 60_000, everyMs = 10) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(everyMs);
  }
}

const tsMs = (t) => Number(t.seconds) * 1000 + Math.floor((t.nanos ?? 0) / 1e6);

/**
 * Approval latency: from the reviewer's decide call to the tool activity starting (its ActivityTaskStarted time in
 * the workflow history, same machine clock), one run at a time.
 */
export async function approvalLatency({ apiUrl, client, threadId, runs }) {
  await setPolicy(apiUrl, true);
  const latencies = [];
  const histories = [];
  for (let i = 0; i < runs; i++) {
    let t0;
    const approver = approveOnRequest(apiUrl, () => (t0 = Date.now()));
    const run = await runToEnd(apiUrl, threadId, '[bench] approve', approver.onEvent);
    await approver.decided;
    const history = await client.workflow.getHandle(run.workflow_id).fetchHistory();
    histories.push(history);
    latencies.push(activityStartedMs(history, 'runTool') - t0);
  }
  return { result: stats(latencies), histories };
}

/** When the first activity of `type` started, from a workflow history (ms since the epoch, the server's clock). */
function activityStartedMs(history, type) {
  const scheduled = history.events.find(
    (e) => e.activityTaskScheduledEventAttributes && (!type || e.activityTaskScheduledEventAttributes.activityType?.name === type),
  );
  const started = history.events.find(
    (e) => e.activityTaskStartedEventAttributes && Number(e.activityTaskStartedEventAttributes.scheduledEventId) === Number(scheduled.eventId),
  );
  return tsMs(started.eventTime);
}

/**
 * Baseline for approval latency: a bare workflow parked on a signal (bench/workflows.ts), signalled by the client;
 * from the signal call to its one activity starting, read from the history the same way.
 */
export async function signalToActivityBaseline({ client, taskQueue, runs }) {
  const latencies = [];
  for (let i = 0; i < runs; i++) {
    const handle = await client.workflow.start('signalThenActivityWorkflow', { taskQueue, workflowId: `baseline-approval-${randomUUID()}` });
    // Parked = its first workflow task completed (the handler is set and it waits on the condition).
    await waitFor('the parked workflow', async () => (await handle.fetchHistory()).events.some((e) => e.workflowTaskCompletedEventAttributes), 30_000, 5);
    const t0 = Date.now();
    await handle.signal('approve');
    await handle.result();
    latencies.push(activityStartedMs(await handle.fetchHistory()) - t0);
  }
  return stats(latencies);
}

/** Floor for event delivery: a bare INSERT + NOTIFY in one transaction, received by a LISTENing connection. */
export async function notifyFloor(pgUrl, samples) {
  const listener = new pg.Client({ connectionString: pgUrl });
  const writer = new pg.Client({ connectionString: pgUrl });
  await listener.connect();
  await writer.connect();
  try {
    await writer.query('create table if not exists bench_notify_floor (id serial primary key, at timestamptz default now())');
    await listener.query('listen bench_floor');
    const xs = [];
    for (let i = 0; i < samples; i++) {
      const got = new Promise((resolve) => listener.once('notification', resolve));
      const t0 = performance.now();
      await writer.query("begin; insert into bench_notify_floor default values; select pg_notify('bench_floor', 'x'); commit;");
      await got;
      xs.push(performance.now() - t0);
    }
    return stats(xs);
  } finally {
    await writer.query('drop table if exists bench_notify_floor').catch(() => undefined);
    await listener.end();
    await writer.end();
  }
}

/**
 * Event-to-browser latency with `subscribers` SSE clients on one run: the bench appends RunEvents through the real
 * store path (INSERT + projection + NOTIFY in one transaction) and times each client's receipt of each event.
 */
export async function sseLatency({ apiUrl, store, scratchRun, subscribers, events, log }) {
  const runId = await scratchRun(store);
  const received = new Map(); // seq → count of clients that have it
  const latencies = [];
  let t0 = 0;
  let current = 0;
  const streams = [];
  for (let i = 0; i < subscribers; i += 50) {
    const batch = Array.from({ length: Math.min(50, subscribers - i) }, () =>
      omniStream(apiUrl, `/v1/runs/${runId}/stream`, ({ id }) => {
        const seq = Number(id);
        if (seq === current) latencies.push(performance.now() - t0);
        received.set(seq, (received.get(seq) ?? 0) + 1);
      }),
    );
    streams.push(...(await Promise.all(batch)));
  }
  await sleep(200);
  let lost = 0;
  const appendMs = [];
  try {
    for (let seq = 1; seq <= events; seq++) {
      current = seq;
      t0 = performance.now();
      await store.appendEvents(runId, [benchEvent(runId, seq)]);
      appendMs.push(performance.now() - t0);
      const deadline = Date.now() + 10_000;
      while ((received.get(seq) ?? 0) < subscribers && Date.now() < deadline) await sleep(2);
      lost += subscribers - (received.get(seq) ?? 0);
      await sleep(20);
    }
  } finally {
    for (const s of streams) await s.close();
  }
  const result = { subscribers, events, ...stats(latencies), missed_deliveries: lost, append_commit_p50_ms: +percentile(appendMs, 50).toFixed(2) };
  log?.(`  event → SSE with ${subscribers} subscribers: p50 ${result.p50_ms} ms, p95 ${result.p95_ms} ms`);
  return result;
}

export function benchEvent(runId, seq) {
  return {
    event_id: randomUUID(),
    run_id: runId,
    seq,
    kind: 'system_event',
    ts: new Date().toISOString(),
    actor: { type: 'service', id: 'bench' },
    correlation_id: runId,
    causation_id: null,
    schema_version: 1,
    payload: { type: 'notice', message: `step ${seq}` },
  };
}

/**
 * Replay speed: every history given, replayed through the workflow code, in ms per 1,000 history events. The
 * workflow bundle is built once beforehand (bundling is not replay).
 */
export async function replaySpeed({ Worker, bundleWorkflowCode, workflowsPath, dataConverter, histories, rounds }) {
  const workflowBundle = await bundleWorkflowCode({
    workflowsPath,
    failureConverterPath: dataConverter?.failureConverterPath,
    logger: { trace() {}, debug() {}, info() {}, warn() {}, error() {}, log() {} },
  });
  const events = histories.reduce((n, h) => n + h.events.length, 0) * rounds;
  const all = Array.from({ length: rounds }, (_, r) => histories.map((history, i) => ({ workflowId: `replay-${r}-${i}`, history }))).flat();
  const sinks = { runLog: { appended: { fn: () => undefined, callDuringReplay: false } } };
  // One replay worker for all of them: its start-up is paid once, as in verify-run or a replay test.
  const t0 = performance.now();
  for await (const x of Worker.runReplayHistories({ workflowBundle, sinks, dataConverter }, all)) if (x.error) throw x.error;
  const ms = performance.now() - t0;
  return { histories: histories.length * rounds, history_events: events, ms_total: +ms.toFixed(1), ms_per_1000_events: +((ms / events) * 1000).toFixed(1) };
}

/** History size of a plain chat turn and of a turn with one approved tool call (Temporal's historySizeBytes). */
export async function historyBytes({ apiUrl, client, threadId, approvalHistorySample }) {
  const plain = await runToEnd(apiUrl, threadId, 'a plain chat turn for the benchmark');
  const describe = await client.workflow.getHandle(plain.workflow_id).describe();
  const sizeOf = (h) => Buffer.byteLength(JSON.stringify(h));
  return {
    chat_turn_bytes: Number(describe.historySize ?? describe.raw?.workflowExecutionInfo?.historySizeBytes ?? 0),
    chat_turn_events: Number(describe.historyLength),
    tool_turn_with_approval_json_bytes: approvalHistorySample ? sizeOf(approvalHistorySample) : null,
    tool_turn_with_approval_events: approvalHistorySample ? approvalHistorySample.events.length : null,
  };
}

const rssMb = (pid) => {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmRSS:'));
  return Number(line.split(/\s+/)[1]) / 1024;
};

/** Worker memory with `runs` runs parked on an approval (resident set of the worker process, before and after). */
export async function memoryWithWaitingRuns({ apiUrl, db, threadId, workerPid, runs, concurrency, log }) {
  await setPolicy(apiUrl, true);
  const pendingBefore = Number((await db.query(`select count(*) as n from approvals where status = 'pending'`))[0].n);
  const before = rssMb(workerPid);
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < runs) {
        next++;
        await startRun(apiUrl, threadId, '[bench] approve');
      }
    }),
  );
  let lastLog = Date.now();
  await waitFor(
    `${runs} pending approvals`,
    async () => {
      const parked = Number((await db.query(`select count(*) as n from approvals where status = 'pending'`))[0].n) - pendingBefore;
      if (Date.now() - lastLog > 10_000) {
        lastLog = Date.now();
        log?.(`  … ${parked}/${runs} runs parked`);
      }
      return parked >= runs;
    },
    600_000,
    250,
  );
  const parkedInS = (performance.now() - t0) / 1000;
  await sleep(2_000);
  const after = rssMb(workerPid);
  log?.(`  ${runs} runs waiting for approval: worker RSS ${before.toFixed(0)} → ${after.toFixed(0)} MB`);
  return {
    runs_waiting: runs,
    worker_rss_before_mb: +before.toFixed(1),
    worker_rss_after_mb: +after.toFixed(1),
    kb_per_waiting_run: +(((after - before) * 1024) / runs).toFixed(1),
    seconds_to_park_all: +parkedInS.toFixed(1),
  };
}

/**
 * OmniAI's side of the peers comparison: the three-step run with a human-approval pause (model → tool approved
 * through the API as soon as it asks → model), `runs` of them with `concurrency` in flight; latency is start → completed.
 */
export async function threeStepWithApproval({ apiUrl, threadId, runs, concurrency }) {
  await setPolicy(apiUrl, true);
  const { latencies, wallMs } = await load(runs, concurrency, async () => {
    const approver = approveOnRequest(apiUrl);
    await runToEnd(apiUrl, threadId, '[bench] approve', approver.onEvent);
    await approver.decided;
  });
  return { name: 'OmniAI', ...summarize(latencies, wallMs) };
}
