// Research measurements of `npm run bench` (issue 16): how many sources research runs read per second, and what
// verifying a citation costs, on the real stack with the offline model over the shipped sample corpus (4 sources,
// 11 citations per run). The model steps are scripted (no model latency): what is measured is OmniAI's own work
// around them (search, fetch-once reads, snapshots, anchoring, verification, the event log).
import { createRequire } from 'node:module';

import { api } from './http.mjs';
import { load, ratio, sleep, stats } from './stats.mjs';

const require = createRequire(import.meta.url);
const { checkReport } = require('../libs/research/dist/index.js');

export const QUESTION = 'How does OmniAI keep agent runs durable and safe?';

/** Starts a research run and waits for its view to say done; answers the view. */
async function researchRun(apiUrl, projectId) {
  const run = await api(apiUrl, 'POST', `/v1/projects/${projectId}/research`, { question: QUESTION });
  for (;;) {
    const view = await api(apiUrl, 'GET', `/v1/runs/${run.id}/research`);
    if (['completed', 'failed', 'cancelled'].includes(view.run.status)) {
      if (view.run.status !== 'completed') throw new Error(`research run ${run.id} ended ${view.run.status}: ${JSON.stringify(view.run.error)}`);
      return view;
    }
    await sleep(50);
  }
}

/** Durations of a run's steps of one kind (from its events: node_completed duration_ms), by node id prefix. */
async function stepDurations(apiUrl, runId, prefix) {
  const page = await api(apiUrl, 'GET', `/v1/runs/${runId}/events?from_seq=1&limit=1000`);
  return page.items.filter((e) => e.kind === 'node_completed' && e.payload.node_id.startsWith(prefix)).map((e) => e.payload.duration_ms);
}

/**
 * `runs` research runs, `concurrency` at once: sources read per second over the wall time, each read step's latency,
 * and verification per citation (the verify step's time ÷ the citations it checked), beside the run's wall time.
 */
export async function researchThroughput({ apiUrl, runs, concurrency, log }) {
  // A project of its own: the bench project's documents would be searched too, and the offline model's scripted
  // report is written for the sample corpus.
  const { id: projectId } = await api(apiUrl, 'POST', '/v1/projects', { name: 'bench: research' });
  await api(apiUrl, 'POST', `/v1/projects/${projectId}/documents/sample-corpus`, {});
  await researchRun(apiUrl, projectId); // warm-up: the worker's first bundle and caches
  const views = [];
  const { latencies, wallMs } = await load(runs, concurrency, async () => views.push(await researchRun(apiUrl, projectId)));
  const sources = views.reduce((n, v) => n + v.report.metrics.sources_read, 0);
  const citations = views.reduce((n, v) => n + v.report.metrics.citations, 0);
  const reads = [];
  const verifyPerClaim = [];
  for (const v of views) {
    reads.push(...(await stepDurations(apiUrl, v.run.id, 'read_')));
    const verify = await stepDurations(apiUrl, v.run.id, 'verify_');
    if (v.report.metrics.citations > 0) verifyPerClaim.push(verify.reduce((a, b) => a + b, 0) / v.report.metrics.citations);
  }
  const run = stats(latencies);
  const read = stats(reads);
  const verify = stats(verifyPerClaim);
  const out = {
    runs,
    concurrency,
    sources_read: sources,
    citations,
    verified_ratio: +(views.reduce((n, v) => n + v.report.metrics.citations_verified, 0) / Math.max(1, citations)).toFixed(4),
    sources_per_s: +((sources / wallMs) * 1000).toFixed(2),
    run_p50_ms: run.p50_ms,
    run_p95_ms: run.p95_ms,
    read_step_p50_ms: read.p50_ms,
    read_step_p95_ms: read.p95_ms,
    verify_ms_per_citation_p50: verify.p50_ms,
    verify_ms_per_citation_p95: verify.p95_ms,
    // The baseline, same run: verification's share of a whole run's time.
    verify_share_of_run_p50: ratio(verify.p50_ms * (citations / views.length), run.p50_ms),
  };
  log(
    `  research: ${out.sources_per_s} sources/s (${runs} runs, ${concurrency} at once), run p50 ${out.run_p50_ms} ms, read step p50 ${out.read_step_p50_ms} ms, verify ${out.verify_ms_per_citation_p50} ms per citation (${out.verified_ratio * 100}% verified)`,
  );
  return out;
}

/**
 * The mechanical check alone, in process: a report citing `claims` claims over a 200,000-character snapshot, checked
 * `rounds` times; microseconds per citation (what the verify activity adds on top is reading snapshots and the event).
 */
export function checkCost({ claims = 1000, rounds = 5 } = {}) {
  const sentence = (i) => `Sentence ${i} states that the value of item ${i} is ${i * 7} units in the archive. `;
  let text = '';
  for (let i = 0; text.length < 200_000; i++) text += sentence(i);
  const sourceId = '0123456789abcdef';
  const claimList = [];
  const markdown = [];
  for (let i = 0; i < claims; i++) {
    const quote = sentence(i).trim();
    const start = text.indexOf(quote);
    claimList.push({
      id: `c1-${(i % 99) + 1}`,
      text: `Item ${i} is ${i * 7} units.`,
      sub_question: 1,
      evidence: [{ source_id: sourceId, quote, start, end: start + quote.length }],
    });
  }
  // Claim ids repeat past 99 (c1-1 … c1-99): a report cites each distinct id once, so check the distinct ones.
  const distinct = [...new Map(claimList.map((c) => [c.id, c])).values()];
  for (const c of distinct) markdown.push(`Item fact [[${c.id}]].`);
  const ctx = { claims: new Map(distinct.map((c) => [c.id, c])), snapshots: new Map([[sourceId, text]]), fetched: new Set([sourceId]) };
  const md = markdown.join('\n');
  checkReport(md, ctx);
  const t0 = performance.now();
  for (let r = 0; r < rounds; r++) checkReport(md, ctx);
  const us = ((performance.now() - t0) * 1000) / (rounds * distinct.length);
  return { citations: distinct.length, snapshot_chars: text.length, rounds, us_per_citation: +us.toFixed(1) };
}
