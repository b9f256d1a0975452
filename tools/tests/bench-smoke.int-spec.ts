import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

describe('npm run bench (smoke sizes)', () => {
  it('measures OmniAI and the bare-Temporal baseline in one run and reports their ratios', () => {
    const out = spawnSync(process.execPath, [join(ROOT, 'bench/run.mjs'), '--smoke', '--no-write'], { cwd: ROOT, encoding: 'utf8', timeout: 300_000 });
    expect(out.stderr).not.toMatch(/bench failed/);
    expect(out.status).toBe(0);
    // The SDK may log to stdout before the report: the report is the JSON document that starts with its machine.
    const results = JSON.parse(out.stdout.slice(out.stdout.indexOf('{\n  "machine"')));
    for (const side of [results.durable_run.baseline_bare_temporal, results.durable_run.omniai]) {
      expect(side.n).toBe(6);
      expect(side.runs_per_s).toBeGreaterThan(0);
      expect(side.p95_ms).toBeGreaterThanOrEqual(side.p50_ms);
    }
    expect(results.durable_run.ratio.throughput_omni_over_bare).toBeGreaterThan(0);
    expect(results.append_step.local.ms_per_append_p50).toBeGreaterThan(0);
    expect(results.append_step.regular.ms_per_append_p50).toBeGreaterThan(0);
    for (const executor of ['inproc_safe', 'sandbox_cold', 'sandbox_warm']) expect(results.tool_call[executor].p50_ms).toBeGreaterThan(0);
    expect(results.tool_call.ratio.cold_p50_over_inproc).toBeGreaterThan(0);
    // Workflow graphs: a 10-node graph against 10 bare activities, and a map that ran every item.
    const graphs = results.graphs;
    expect(graphs.node_overhead.nodes).toBe(10);
    expect(graphs.node_overhead.omniai_graph.n).toBe(3);
    expect(graphs.node_overhead.ratio.per_node_p50_omni_over_bare).toBeGreaterThan(0);
    expect(graphs.map).toMatchObject({ items: 40, map_node_status: 'completed' });
    expect(graphs.map.items_per_s).toBeGreaterThan(0);
    // Webhook triggers: signed deliveries accepted, every run they started finished, the three steps ran by webhook;
    // a smoke run leaves the peers out, so n8n's side says why it was not measured instead of a figure.
    const webhooks = results.webhooks;
    expect(webhooks.accept_latency.n).toBe(10);
    expect(webhooks.accept_latency.p95_ms).toBeGreaterThanOrEqual(webhooks.accept_latency.p50_ms);
    expect(webhooks.sustained.accepts_per_s).toBeGreaterThan(0);
    expect(webhooks.backlog.by_status).toEqual({ completed: webhooks.backlog.runs });
    expect(webhooks.three_steps.omniai).toMatchObject({ n: 4, concurrency: 2 });
    expect(webhooks.three_steps.omniai.runs_per_s).toBeGreaterThan(0);
    expect(webhooks.three_steps.n8n).toEqual({ not_measured: expect.stringMatching(/peers left out/) });
    expect(webhooks.three_steps.ratio_omni_over_n8n).toBeNull();
  }, 320_000);
});
