// Writes `npm run bench`'s results: bench/results/<date>.json, and the results part of docs/BENCHMARKS.md (everything
// after its `<!-- results -->` marker; the explanations above it are kept as written).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const cells = (...xs) => `| ${xs.map((x) => (x === undefined || x === null ? '—' : x)).join(' | ')} |`;
const header = (...names) => `${cells(...names)}\n${cells(...names.map(() => '---'))}`;

/** One line per metric: the measured median and p95, what it is compared with (baseline, floor or peer), and the ratio of medians. */
function headline(r) {
  const rows = [];
  const add = (metric, omni, other, what) =>
    rows.push(cells(metric, omni?.p50_ms, omni?.p95_ms, what, other?.p50_ms, other?.p95_ms, other ? (omni.p50_ms / other.p50_ms).toFixed(2) : undefined));
  const d = r.durable_run;
  if (d)
    add(
      `1. durable no-op agent run, end to end (${d.omniai.runs_per_s} runs/s)`,
      d.omniai,
      d.baseline_bare_temporal,
      `bare Temporal workflow + 1 activity (${d.baseline_bare_temporal.runs_per_s} runs/s)`,
    );
  const a = r.append_step;
  if (a) {
    const ms = (s) => ({ p50_ms: s.ms_per_append_p50, p95_ms: s.ms_per_append_p95 });
    add('2. per step: one RunEvent append in a local activity (what OmniAI does)', ms(a.local), ms(a.floor_direct), 'floor: the same append without Temporal');
    add('2. per step: the same append in a regular activity', ms(a.regular), ms(a.local), 'the local activity');
  }
  if (r.approval_latency)
    add(
      '3. approval: decide call → tool starts',
      r.approval_latency,
      r.approval_latency.baseline_bare_signal_to_activity,
      'baseline: bare workflow, signal → activity starts',
    );
  for (const s of r.event_to_sse?.by_subscribers ?? [])
    add(`4. RunEvent insert → SSE client, ${s.subscribers} subscriber(s)`, s, r.event_to_sse.floor_insert_notify, 'floor: INSERT + NOTIFY → LISTENer');
  const t = r.tool_call;
  if (t) {
    add('5. sandbox tool call, cold', t.sandbox_cold, t.inproc_safe, 'an `inproc_safe` tool call');
    add('5. sandbox tool call, warm', t.sandbox_warm, t.inproc_safe, 'an `inproc_safe` tool call');
  }
  const g = r.graphs?.node_overhead;
  if (g)
    add(
      `9. graph of ${g.nodes} no-op tool nodes, per node, one run at a time (goal ≤ ${g.goal_per_node_ratio}×; ${g.under_load.concurrency} in flight: ${g.under_load.omniai_graph.runs_per_s} runs/s)`,
      g.omniai_graph.per_node,
      g.baseline_bare_temporal.per_activity,
      `bare Temporal workflow, ${g.nodes} activities, per activity (${g.under_load.concurrency} in flight: ${g.under_load.baseline_bare_temporal.runs_per_s} runs/s)`,
    );
  const m = r.graphs?.map;
  if (m)
    rows.push(
      cells(`9. graph \`map\` over ${m.items} items (concurrency ${m.concurrency}, batches of ${m.batch_size}): ${m.wall_s} s, ${m.items_per_s} items/s`),
    );
  const w = r.webhooks;
  if (w) {
    rows.push(
      cells(
        `10. webhook accepted (202), ${w.accept_latency.concurrency} in flight; sustained ${w.sustained.accepts_per_s} accepts/s`,
        w.accept_latency.p50_ms,
        w.accept_latency.p95_ms,
      ),
    );
    const n8n = w.three_steps.n8n;
    if (n8n.not_measured)
      rows.push(
        cells(
          `10. three steps started by webhook, end to end (${w.three_steps.omniai.runs_per_s} runs/s)`,
          w.three_steps.omniai.p50_ms,
          w.three_steps.omniai.p95_ms,
          `n8n: not measured (${n8n.not_measured})`,
        ),
      );
    else
      add(
        `10. three steps started by webhook, end to end (${w.three_steps.omniai.runs_per_s} runs/s; goal ≥ 1.0× n8n's throughput, ≤ 1.0× its p95)`,
        w.three_steps.omniai,
        n8n,
        `peer: n8n ${n8n.version}, webhook → three Set nodes (${n8n.runs_per_s} runs/s)`,
      );
  }
  const p = r.peers;
  if (p) {
    for (const [name, peer] of Object.entries(p.by_peer)) {
      if (!peer.error)
        add(
          `8. three steps + approval pause, OmniAI (${p.omniai.runs_per_s} runs/s)`,
          p.omniai,
          peer,
          `peer: ${name} ${peer.version} (${peer.runs_per_s} runs/s)`,
        );
    }
  }
  return `${header('metric (OmniAI)', 'p50 ms', 'p95 ms', 'compared with', 'its p50 ms', 'its p95 ms', 'ratio of p50s')}\n${rows.join('\n')}`;
}

function peersSection(p) {
  if (!p) return '';
  const rows = Object.entries(p.by_peer).map(([name, peer]) => {
    if (peer.error)
      return cells(
        name,
        undefined,
        undefined,
        undefined,
        undefined,
        peer.install_seconds,
        `failed: ${peer.error.replaceAll('|', '/').replaceAll('\n', ' ').slice(0, 300)}`,
      );
    const x = p.ratio_omni_over_peer[name];
    const ratios = [x.throughput_omni_over_peer, x.p50_omni_over_peer, x.p95_omni_over_peer].map((v) => v?.toFixed(2));
    return cells(`${name} ${peer.version}`, peer.n, peer.runs_per_s, peer.p50_ms, peer.p95_ms, peer.install_seconds, ratios.join(' / '));
  });
  const plain = p.by_peer.n8n?.plain_three_steps;
  return `
### 8. Peers: three steps with a human-approval pause

${p.sizes.runs} runs per system, ${p.sizes.concurrency} in flight, after a warm-up; OmniAI, DBOS and LangGraph on the same Postgres server.

${header('system', 'runs', 'runs/s', 'p50 ms', 'p95 ms', 'install s', 'OmniAI ÷ peer: throughput / p50 / p95')}
${cells('OmniAI: model → tool (approved through the API) → model', p.omniai.n, p.omniai.runs_per_s, p.omniai.p50_ms, p.omniai.p95_ms, undefined, '1 / 1 / 1')}
${rows.join('\n')}

Install: how long the peer's install into \`bench/peers/deps\` took (its last full install, outside the bench's time).
${plain ? `\nn8n's plain webhook-triggered three steps (no pause): ${plain.runs_per_s} runs/s, p50 ${plain.p50_ms} ms, p95 ${plain.p95_ms} ms.\n` : ''}
${Object.entries(p.by_peer)
  .map(([name, peer]) => `- **${name}**: ${peer.notes ?? peer.error}`)
  .join('\n')}
`;
}

function webhooksSection(w) {
  if (!w) return '';
  const t = w.three_steps;
  const x = t.ratio_omni_over_n8n;
  const goal = (v, ok) => (v === null || v === undefined ? undefined : `${v} (${ok(v) ? 'goal met' : 'goal missed'})`);
  return `
### 10. Webhook triggers

Signed deliveries (Standard Webhooks) to ${w.hooks} webhooks in turn, each at the contract's highest rate limit
(${w.rate_limit_per_minute}/min), starting a graph of one output node:

${header('measure', 'deliveries', 'in flight', 'p50 ms', 'p95 ms', 'accepts/s')}
${cells('accept latency: POST /v1/hooks/:id → 202', w.accept_latency.n, w.accept_latency.concurrency, w.accept_latency.p50_ms, w.accept_latency.p95_ms, undefined)}
${cells(`sustained, ${w.sustained.duration_s} s back to back`, w.sustained.accepted, w.sustained.concurrency, w.sustained.p50_ms, w.sustained.p95_ms, w.sustained.accepts_per_s)}

The ${w.backlog.runs} runs those deliveries started were all terminal ${w.backlog.drained_s} s after the last one (${Object.entries(w.backlog.by_status)
    .map(([k, v]) => `${v} ${k}`)
    .join(', ')}).

The three-step graph started by a webhook, end to end (\`POST /v1/hooks/:id?wait=true\` → 200 with the completed run's
output), beside n8n's webhook-triggered three steps (webhook → Set step1 → step2 → step3 → response); ${t.sizes.runs} runs,
${t.sizes.concurrency} in flight, after a warm-up:

${header('system', 'runs', 'runs/s', 'p50 ms', 'p95 ms')}
${cells('OmniAI: three no-op tool nodes → output', t.omniai.n, t.omniai.runs_per_s, t.omniai.p50_ms, t.omniai.p95_ms)}
${t.n8n.not_measured ? cells('n8n: not measured', undefined, undefined, undefined, t.n8n.not_measured) : cells(`n8n ${t.n8n.version} (${t.n8n.source})`, t.n8n.n, t.n8n.runs_per_s, t.n8n.p50_ms, t.n8n.p95_ms)}
${x ? `\nOmniAI ÷ n8n: throughput ${goal(x.throughput_omni_over_n8n, (v) => v >= t.goal.throughput_omni_over_n8n_at_least)}, p50 ${x.p50_omni_over_n8n}, p95 ${goal(x.p95_omni_over_n8n, (v) => v <= t.goal.p95_omni_over_n8n_at_most)}.\n` : ''}`;
}

export function writeReports(root, results) {
  const date = new Date().toISOString().slice(0, 10);
  writeFileSync(join(root, 'bench/results', `${date}.json`), `${JSON.stringify({ date, ...results }, null, 2)}\n`);
  const r = results;
  const d = r.durable_run;
  const a = r.append_step;
  const t = r.tool_call;
  const sse = r.event_to_sse;
  const row = (name, s) => cells(name, s.n, s.runs_per_s, s.p50_ms, s.p95_ms);
  const docPath = join(root, 'docs/BENCHMARKS.md');
  const intro = readFileSync(docPath, 'utf8').split('<!-- results -->')[0];
  writeFileSync(
    docPath,
    `${intro}<!-- results -->
Latest run: ${date} on ${r.machine.cpus} × ${r.machine.cpu_model}, ${r.machine.memory_gib} GiB, Node ${r.machine.node}; load average
${r.machine.load_average_before} before and ${r.machine.load_average_after} after${Math.max(r.machine.load_average_before, r.machine.load_average_after) > r.machine.cpus ? ' (above the core count: other work shared the machine, so read the ratios rather than absolute figures)' : ''}. The whole benchmark took ${r.bench_seconds} s (${Object.entries(
      r.section_seconds,
    )
      .map(([k, v]) => `${k} ${v} s`)
      .join(', ')}). Raw figures: \`bench/results/${date}.json\`.

### Summary

${headline(r)}

### 1. Durable run, end to end

${header('path', 'runs', 'runs/s', 'p50 ms', 'p95 ms')}
${row('baseline: bare Temporal workflow + 1 activity', d.baseline_bare_temporal)}
${row('OmniAI: POST run → workflow → 4 RunEvents in Postgres → SSE end', d.omniai)}

${r.sizes.concurrency} in flight. Ratios (OmniAI ÷ baseline): throughput ${d.ratio.throughput_omni_over_bare}, p50 ${d.ratio.p50_omni_over_bare}, p95 ${d.ratio.p95_omni_over_bare}.

### 2. Appending one RunEvent from a workflow

${header('how', 'ms per append, p50', 'p95')}
${cells('floor: the same append, no Temporal', a.floor_direct.ms_per_append_p50, a.floor_direct.ms_per_append_p95)}
${cells('local activity', a.local.ms_per_append_p50, a.local.ms_per_append_p95)}
${cells('regular activity', a.regular.ms_per_append_p50, a.regular.ms_per_append_p95)}

Local ÷ regular: ${a.ratio_local_over_regular}.

### 3. Approval latency

From the reviewer's \`POST /v1/approvals/:id/decide\` to the tool activity starting: p50 ${r.approval_latency.p50_ms} ms, p95 ${r.approval_latency.p95_ms} ms over
${r.approval_latency.n} runs. Baseline (a bare workflow parked on a signal: signal call → its activity starts): p50
${r.approval_latency.baseline_bare_signal_to_activity.p50_ms} ms, p95 ${r.approval_latency.baseline_bare_signal_to_activity.p95_ms} ms; OmniAI ÷ baseline (p50) ${r.approval_latency.p50_over_baseline}.

### 4. Event → browser (SSE)

Floor: a bare \`INSERT\` + \`NOTIFY\` in one transaction, received by a LISTENing connection: p50 ${sse.floor_insert_notify.p50_ms} ms, p95 ${sse.floor_insert_notify.p95_ms} ms.

${header('SSE subscribers on one run', 'deliveries', 'p50 ms', 'p95 ms', 'missed', 'append commit p50 ms')}
${sse.by_subscribers.map((s) => cells(s.subscribers, s.n, s.p50_ms, s.p95_ms, s.missed_deliveries, s.append_commit_p50_ms)).join('\n')}

Largest subscriber count measured with p95 under 100 ms on one API process: **${sse.max_subscribers_p95_under_100ms || 'none'}**.

### 5. One tool call (executor only)

${header('executor', 'calls', 'p50 ms', 'p95 ms')}
${cells('inproc_safe: files.read (schemas + one Postgres read)', t.inproc_safe.n, t.inproc_safe.p50_ms, t.inproc_safe.p95_ms)}
${cells('sandbox_job cold: python.compute, fresh container per call', t.sandbox_cold.n, t.sandbox_cold.p50_ms, t.sandbox_cold.p95_ms)}
${cells('sandbox_job warm: container created beforehand', t.sandbox_warm.n, t.sandbox_warm.p50_ms, t.sandbox_warm.p95_ms)}

Ratios (p50): cold ÷ inproc ${t.ratio.cold_p50_over_inproc}, warm ÷ inproc ${t.ratio.warm_p50_over_inproc}, warm ÷ cold ${t.ratio.warm_p50_over_cold}.

### 6. Replay and history size

Replaying ${r.replay.histories} recorded histories (${r.replay.history_events} history events) through the workflow code:
**${r.replay.ms_per_1000_events} ms per 1,000 history events**. A plain chat turn's history: ${r.history.chat_turn_events} events,
${r.history.chat_turn_bytes} bytes (Temporal's history size); a turn with one approved tool call: ${r.history.tool_turn_with_approval_events} events,
${r.history.tool_turn_with_approval_json_bytes} bytes as JSON.

### 7. Worker memory with runs waiting for approval

${r.worker_memory.runs_waiting} runs parked on an approval: worker RSS ${r.worker_memory.worker_rss_before_mb} → ${r.worker_memory.worker_rss_after_mb} MB
(**${r.worker_memory.kb_per_waiting_run} KB per waiting run**; all parked in ${r.worker_memory.seconds_to_park_all} s).
${peersSection(r.peers)}${webhooksSection(r.webhooks)}`,
  );
}
