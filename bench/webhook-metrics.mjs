// Webhook-trigger measurements of `npm run bench` (issue 15): how fast `POST /v1/hooks/:hookId` accepts signed
// deliveries (202 once the fire workflow started), and the three-step graph started by a webhook end to end, to be
// set beside n8n's webhook-triggered three steps (bench/peers/n8n.mjs, `plain_three_steps`) measured in the same run.
// Deliveries are signed per Standard Webhooks with the `standardwebhooks` package, as a sender would sign them.
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';

import { api } from './http.mjs';
import { load, ratio, sleep, stats, summarize } from './stats.mjs';

const require = createRequire(import.meta.url);
const { Webhook } = require('standardwebhooks');

/** The body every delivery carries: what n8n's webhook receives in bench/peers/n8n.mjs. */
export const PAYLOAD = JSON.stringify({ message: 'bench' });
/** The highest `rate_limit_per_minute` the contract allows (WebhookSettings): the limit must not be what is measured. */
export const MAX_RATE_PER_MINUTE = 6_000;

/** A no-op step: documents.search over the project's one bench document (inproc_safe, a read granted without review). */
const step = (id) => ({ id, kind: 'tool', tool: { id: 'documents.search' }, arguments: { query: '{{ input.message }}', limit: 1 } });

/**
 * n8n's plain three steps (Set step1 → step2 → step3, each adding `stepN_done: true` to the payload) as a graph: three
 * no-op tool nodes in a chain reading the payload, then an output node answering the payload's message and the three
 * flags. Each OmniAI step is a durable node (a tool call on the tools queue and its events in Postgres); n8n's Set node
 * is an in-process transform whose execution is saved once at the end.
 */
export function threeStepGraph() {
  const nodes = [
    step('step1'),
    step('step2'),
    step('step3'),
    { id: 'done', kind: 'output', value: { message: '{{ input.message }}', step1_done: true, step2_done: true, step3_done: true } },
  ];
  return {
    schema: 'omni.graph/v1',
    name: 'bench: three steps, webhook-triggered',
    input_schema: { type: 'object', properties: { message: { type: 'string' } }, required: ['message'] },
    nodes,
    edges: nodes.slice(1).map((node, i) => ({ from: nodes[i].id, to: node.id })),
  };
}

/** The smallest graph (its output node only): what the accept measurements start, so that their runs cost little. */
export const outputOnlyGraph = () => ({
  schema: 'omni.graph/v1',
  name: 'bench: webhook accept target',
  nodes: [{ id: 'done', kind: 'output', value: { accepted: true } }],
  edges: [],
});

const createGraph = async (apiUrl, projectId, spec) => (await api(apiUrl, 'POST', `/v1/projects/${projectId}/graphs`, { spec })).graph.id;

/** A webhook trigger starting the latest version of `graphId` with the payload as input, at the contract's highest rate limit. */
export async function createWebhook(apiUrl, projectId, graphId, name) {
  const created = await api(apiUrl, 'POST', `/v1/projects/${projectId}/triggers`, {
    kind: 'webhook',
    name,
    target: { kind: 'graph', graph_id: graphId, version: null, input: '{{ payload }}' },
    webhook: { rate_limit_per_minute: MAX_RATE_PER_MINUTE, max_body_bytes: 262_144, payload_schema: null },
  });
  return { id: created.trigger.id, path: created.trigger.hook_path, signer: new Webhook(created.secret) };
}

/** One signed delivery of `body` (a fresh webhook-id each time, so each one starts a run); its status and JSON answer. */
export async function deliver(apiUrl, hook, body = PAYLOAD, query = '') {
  const msgId = `msg_${randomUUID()}`;
  const at = new Date();
  const res = await fetch(`${apiUrl}${hook.path}${query}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'webhook-id': msgId,
      'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
      'webhook-signature': hook.signer.sign(msgId, at, body),
    },
    body,
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

/** A delivery that must be accepted (202, not a duplicate); returns the run it started. */
async function accepted(apiUrl, hook) {
  const res = await deliver(apiUrl, hook);
  if (res.status !== 202 || res.body?.duplicate !== false) throw new Error(`POST ${hook.path} → ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.run_id;
}

/** Waits until every run in `runIds` is terminal (the accepted deliveries' backlog); its wall time and the count by status. */
async function drain(apiUrl, runIds, { timeoutMs = 300_000 } = {}) {
  const t0 = performance.now();
  const byStatus = {};
  await load(runIds.length, 4, async (i) => {
    for (;;) {
      const run = await api(apiUrl, 'GET', `/v1/runs/${runIds[i]}`);
      if (['completed', 'failed', 'cancelled'].includes(run.status)) {
        byStatus[run.status] = (byStatus[run.status] ?? 0) + 1;
        return;
      }
      if (performance.now() - t0 > timeoutMs) {
        byStatus.unfinished = (byStatus.unfinished ?? 0) + 1;
        return;
      }
      await sleep(100);
    }
  });
  return { runs: runIds.length, drained_s: +((performance.now() - t0) / 1000).toFixed(1), by_status: byStatus };
}

/**
 * Accepting deliveries: (1) latency of `deliveries` signed POSTs with `concurrency` in flight, from the request to its
 * 202; (2) sustained accepts/s: `concurrency` senders posting back to back for `durationS` seconds. The deliveries go
 * round robin to `hooks` webhooks (each at the contract's highest rate limit, so the per-webhook limit is not what is
 * measured) targeting a graph of one output node; the runs they start execute meanwhile, as they would in production,
 * and the section then waits for that backlog to finish (reported, outside both figures).
 */
export async function webhookAccepts({ apiUrl, projectId, deliveries, concurrency, durationS, hooks: hookCount, log }) {
  const graphId = await createGraph(apiUrl, projectId, outputOnlyGraph());
  const hooks = [];
  for (let i = 0; i < hookCount; i++) hooks.push(await createWebhook(apiUrl, projectId, graphId, `bench accept ${i + 1}`));
  const runIds = [];
  let sent = 0;
  const send = async () => runIds.push(await accepted(apiUrl, hooks[sent++ % hooks.length]));
  await load(Math.min(10, deliveries), 2, send); // warm-up
  const latency = await load(deliveries, concurrency, send);
  const accept_latency = { ...stats(latency.latencies), concurrency };

  // Sustained: closed loop, `concurrency` senders, for a fixed duration; every delivery must be accepted.
  const sustainedLatencies = [];
  const started = performance.now();
  const until = started + durationS * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < until) {
        const t0 = performance.now();
        await send();
        sustainedLatencies.push(performance.now() - t0);
      }
    }),
  );
  const wallMs = performance.now() - started;
  const sustained = {
    duration_s: +(wallMs / 1000).toFixed(1),
    concurrency,
    accepted: sustainedLatencies.length,
    accepts_per_s: +((sustainedLatencies.length / wallMs) * 1000).toFixed(1),
    ...stats(sustainedLatencies),
  };
  log(
    `  accept latency p50 ${accept_latency.p50_ms} ms, p95 ${accept_latency.p95_ms} ms (${deliveries} at ${concurrency} in flight); sustained ${sustained.accepts_per_s} accepts/s over ${sustained.duration_s} s`,
  );
  const backlog = await drain(apiUrl, runIds);
  log(`  the ${backlog.runs} runs they started were all terminal ${backlog.drained_s} s later: ${JSON.stringify(backlog.by_status)}`);
  return { hooks: hookCount, rate_limit_per_minute: MAX_RATE_PER_MINUTE, accept_latency, sustained, backlog };
}

/**
 * The three-step graph started by a webhook, end to end: a signed `POST /v1/hooks/:id?wait=true` answered 200 with the
 * completed run's output (deliver → verify → fire workflow → graph run → output), as n8n's webhook answers when its last
 * node finished. Warm-up then `runs` with `concurrency` in flight, the sizes n8n's figures were measured with.
 */
export async function webhookThreeSteps({ apiUrl, projectId, runs, concurrency, log }) {
  const graphId = await createGraph(apiUrl, projectId, threeStepGraph());
  const hook = await createWebhook(apiUrl, projectId, graphId, 'bench three steps');
  const oneRun = async () => {
    const res = await deliver(apiUrl, hook, PAYLOAD, '?wait=true&timeout_ms=60000');
    const out = res.body?.output;
    if (res.status !== 200 || res.body.status !== 'completed' || !(out?.step1_done && out.step2_done && out.step3_done && out.message === 'bench'))
      throw new Error(`POST ${hook.path}?wait=true → ${res.status} ${JSON.stringify(res.body).slice(0, 500)}`);
  };
  await load(Math.min(10, runs), Math.min(2, concurrency), oneRun);
  const r = await load(runs, concurrency, oneRun);
  const summary = { ...summarize(r.latencies, r.wallMs), concurrency };
  log(`  three steps by webhook (wait=true): ${summary.runs_per_s} runs/s, p50 ${summary.p50_ms} ms, p95 ${summary.p95_ms} ms`);
  return summary;
}

/** OmniAI ÷ n8n for the webhook-triggered three steps (the goal: throughput ≥ 1.0×, p95 ≤ 1.0×); null without n8n figures. */
export function ratiosToN8n(omni, n8n) {
  if (!n8n || n8n.runs_per_s === undefined) return null;
  return {
    throughput_omni_over_n8n: ratio(omni.runs_per_s, n8n.runs_per_s),
    p50_omni_over_n8n: ratio(omni.p50_ms, n8n.p50_ms),
    p95_omni_over_n8n: ratio(omni.p95_ms, n8n.p95_ms),
  };
}
