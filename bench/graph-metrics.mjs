// Workflow-graph measurements of `npm run bench` (issue 14): the per-node overhead of a graph run against a bare
// Temporal workflow of the same number of activities, and a `map` over many items. Both go through the real API,
// worker and graphRunWorkflow, and follow the run's SSE stream to its end as the console does.
import { randomUUID } from 'node:crypto';

import { api, omniStream } from './http.mjs';
import { load, ratio, summarize } from './stats.mjs';

/** A no-op tool call: documents.search over the project's one bench document (inproc_safe, a read granted without review). */
const NOOP_TOOL = { id: 'documents.search' };
const noopArguments = (query) => ({ query, limit: 1 });

/** `n` tool nodes in a chain, then the output node: the graph whose per-node cost is measured. */
export function toolChainGraph(n) {
  const nodes = Array.from({ length: n }, (_, i) => ({ id: `t${i + 1}`, kind: 'tool', tool: NOOP_TOOL, arguments: noopArguments('bench') }));
  nodes.push({ id: 'done', kind: 'output', value: { nodes: n } });
  const edges = nodes.slice(1).map((node, i) => ({ from: nodes[i].id, to: node.id }));
  return { schema: 'omni.graph/v1', name: `bench: ${n} tool nodes`, nodes, edges };
}

/** One `map` node over `input.items`, each item one no-op tool call. */
export function mapGraph({ concurrency, batchSize }) {
  return {
    schema: 'omni.graph/v1',
    name: 'bench: map',
    input_schema: { type: 'object', properties: { items: { type: 'array', items: { type: 'string' } } }, required: ['items'] },
    nodes: [
      {
        id: 'each',
        kind: 'map',
        items: { var: 'input.items' },
        body: { kind: 'tool', tool: NOOP_TOOL, arguments: noopArguments('{{ item }}') },
        concurrency,
        batch_size: batchSize,
      },
      { id: 'done', kind: 'output', value: { mapped: true } },
    ],
    edges: [{ from: 'each', to: 'done' }],
  };
}

/** Starts a run of `graphId` and follows its stream to the end; throws unless it completed. */
export async function graphRunToEnd(apiUrl, graphId, input = {}) {
  const run = await api(apiUrl, 'POST', `/v1/graphs/${graphId}/runs`, { input });
  let last;
  const stream = await omniStream(apiUrl, `/v1/runs/${run.id}/stream`, ({ event, data }) => {
    if (event === 'run_event') last = JSON.parse(data);
  });
  await stream.done;
  if (last?.kind !== 'run_completed') throw new Error(`graph run ${run.id} ended with ${last?.kind ?? 'no event'}: ${JSON.stringify(last?.payload ?? null)}`);
  return run;
}

const createGraph = async (apiUrl, projectId, spec) => (await api(apiUrl, 'POST', `/v1/projects/${projectId}/graphs`, { spec })).graph.id;

/**
 * Per-node overhead: a graph of `nodes` no-op tool nodes vs `sequentialActivitiesWorkflow(nodes)` (bench/workflows.ts),
 * same dev server. Latency one run at a time (per node = run latency ÷ nodes; the goal of issue 14 is ≤ 1.5× the bare
 * activity), then throughput with `concurrency` runs in flight (where the dev server's own capacity shows).
 */
export async function graphNodeOverhead({ apiUrl, client, benchQueue, projectId, nodes, runs, concurrency, log }) {
  const graphId = await createGraph(apiUrl, projectId, toolChainGraph(nodes));
  const bareRun = () => client.workflow.execute('sequentialActivitiesWorkflow', { taskQueue: benchQueue, workflowId: `seq-${randomUUID()}`, args: [nodes] });
  const graphRun = () => graphRunToEnd(apiUrl, graphId);
  await load(Math.min(5, runs), 1, bareRun);
  await load(Math.min(5, runs), 1, graphRun);
  const measure = async (job, inFlight) => {
    const r = await load(runs, inFlight, job);
    return summarize(r.latencies, r.wallMs);
  };
  const perNode = (s) => ({ p50_ms: +(s.p50_ms / nodes).toFixed(2), p95_ms: +(s.p95_ms / nodes).toFixed(2) });
  const [bare, graph] = [await measure(bareRun, 1), await measure(graphRun, 1)];
  const [bareLoaded, graphLoaded] = [await measure(bareRun, concurrency), await measure(graphRun, concurrency)];
  const result = {
    nodes,
    baseline_bare_temporal: { ...bare, per_activity: perNode(bare) },
    omniai_graph: { ...graph, per_node: perNode(graph) },
    under_load: { concurrency, baseline_bare_temporal: bareLoaded, omniai_graph: graphLoaded },
    ratio: {
      per_node_p50_omni_over_bare: ratio(graph.p50_ms, bare.p50_ms),
      per_node_p95_omni_over_bare: ratio(graph.p95_ms, bare.p95_ms),
      throughput_under_load_omni_over_bare: ratio(graphLoaded.runs_per_s, bareLoaded.runs_per_s),
    },
    goal_per_node_ratio: 1.5,
  };
  log(
    `  ${nodes}-node graph p50 ${graph.p50_ms} ms (${result.omniai_graph.per_node.p50_ms} ms/node); bare ${nodes} activities p50 ${bare.p50_ms} ms → ×${result.ratio.per_node_p50_omni_over_bare}; under load ${graphLoaded.runs_per_s} vs ${bareLoaded.runs_per_s} runs/s`,
  );
  return result;
}

/** A `map` over `items` items (one no-op tool call each): wall time of the whole run and items per second. */
export async function graphMapThroughput({ apiUrl, projectId, items, concurrency, batchSize, log }) {
  const graphId = await createGraph(apiUrl, projectId, mapGraph({ concurrency, batchSize }));
  const input = { items: Array.from({ length: items }, (_, i) => `item ${i}`) };
  const t0 = performance.now();
  const run = await graphRunToEnd(apiUrl, graphId, input);
  const wallMs = performance.now() - t0;
  const nodes = await api(apiUrl, 'GET', `/v1/runs/${run.id}/nodes`);
  const each = nodes.nodes.find((n) => n.node_id === 'each');
  const result = {
    items,
    concurrency,
    batch_size: batchSize,
    wall_s: +(wallMs / 1000).toFixed(2),
    items_per_s: +((items / wallMs) * 1000).toFixed(1),
    map_node_status: each?.status ?? null,
  };
  log(`  map over ${items} items: ${result.wall_s} s, ${result.items_per_s} items/s`);
  return result;
}
