import { CancellationScope, condition, continueAsNew, executeChild, isCancellation } from '@temporalio/workflow';
import type { Actor, MapBody, NodeValue, RunPins } from '@omniai/contracts';
import { type GraphScope, renderTemplate } from '@omniai/graphs';
import { generateReply, toolActivities } from '../agent-run/activities';
import { graphActivities, prepareToolCallLocally } from './activities';
import { NodeError, nodeFailure } from './node-error';
import { runSubgraph } from './nodes';

// VERSIONING: like the interpreter, these workflows are replayed while maps are in flight: a change to the order of
// their commands must be guarded with `patched()` (see interpreter.ts).

/** Batches one coordinator run starts before it continues as new (its history stays a few hundred events). */
export const BATCHES_PER_RUN = 20;

/** The state of a map coordinator (carried through continue-as-new). */
export interface GraphMapInput {
  run_id: string;
  project_id: string;
  node_id: string;
  body: MapBody;
  /** Every item, stored once (an artifact when large); batches read their slice. */
  items: NodeValue;
  count: number;
  /** The run's scope (`input`, `nodes`) when the map started; `item` and `index` are added per item. */
  scope: NodeValue;
  batch_size: number;
  concurrency: number;
  on_item_error: 'fail' | 'continue';
  pins: RunPins;
  requested_by: Actor;
  /** The coordinator's workflow id (`run-<run>/map/<node>/<attempt>`); batches are `<map_id>/batch/<n>`. */
  map_id: string;
  /** The first batch this coordinator run starts. */
  next_batch: number;
  /** Each finished batch's entries (stored), by batch index. */
  parts: NodeValue[];
}

export interface MapFailure {
  index: number;
  code: string;
  message: string;
}

export type GraphMapResult = { ok: true; output: NodeValue } | { ok: false; failure: MapFailure };

export interface GraphMapBatchInput extends Omit<GraphMapInput, 'next_batch' | 'parts' | 'count' | 'concurrency' | 'batch_size'> {
  from: number;
  to: number;
}

export interface GraphMapBatchResult {
  /** The batch's entries, stored: `{ v: <claim-checked value> }` or `{ error: { code, message } }` per item. */
  entries: NodeValue;
  failure: MapFailure | null;
}

/**
 * The map coordinator: runs the items in batch child workflows of `batch_size` items, at most `concurrency` batches
 * (so items) at once; continues as new after {@link BATCHES_PER_RUN} batches so that 10,000 items stay within history
 * limits; joins the batches' entries into the output at the end.
 */
export async function graphMapWorkflow(input: GraphMapInput): Promise<GraphMapResult> {
  const batches = Math.ceil(input.count / input.batch_size);
  const parts = input.parts.slice();
  const inParallel = Math.max(1, Math.min(input.concurrency, batches));
  let next = input.next_batch;
  let launched = 0;
  let inflight = 0;
  let failure: MapFailure | null = null;
  const { next_batch: _n, parts: _p, count: _c, concurrency: _k, batch_size: _b, ...base } = input;
  try {
    while (next < batches && failure === null && launched < BATCHES_PER_RUN) {
      await condition(() => inflight < inParallel || failure !== null);
      if (failure) break;
      const b = next++;
      launched += 1;
      inflight += 1;
      const from = b * input.batch_size;
      executeChild(graphMapBatchWorkflow, {
        workflowId: `${input.map_id}/batch/${b}`,
        args: [{ ...base, from, to: Math.min(input.count, from + input.batch_size) }],
      })
        .then(
          (r) => {
            parts[b] = r.entries;
            if (r.failure && !failure) failure = r.failure;
          },
          (err: unknown) => {
            if (!failure) failure = { index: from, ...pick(nodeFailure(err)) };
          },
        )
        .finally(() => {
          inflight -= 1;
        });
    }
    await condition(() => inflight === 0);
  } catch (err) {
    // Cancelled: wait for the batches to take the cancel (their child runs record run_cancelled) before closing,
    // which would terminate them.
    if (isCancellation(err)) await CancellationScope.nonCancellable(() => condition(() => inflight === 0));
    throw err;
  }
  if (failure) return { ok: false, failure };
  if (next < batches) return continueAsNew<typeof graphMapWorkflow>({ ...input, next_batch: next, parts });
  const joined = await graphActivities.joinMapResults({ run_id: input.run_id, parts });
  return { ok: true, output: joined.value };
}

const pick = (f: { code: string; message: string }) => ({ code: f.code, message: f.message });

/** One batch: its items one after the other; a failed item ends the batch (`fail`) or is recorded (`continue`). */
export async function graphMapBatchWorkflow(input: GraphMapBatchInput): Promise<GraphMapBatchResult> {
  const items = await graphActivities.readMapItems({ items: input.items, from: input.from, to: input.to });
  const base = ('inline' in input.scope ? input.scope.inline : await graphActivities.readNodeValue({ value: input.scope })) as GraphScope;
  const entries: unknown[] = [];
  let failure: MapFailure | null = null;
  for (let i = 0; i < items.length; i++) {
    const index = input.from + i;
    try {
      entries.push({ v: await runItem(input, { ...base, item: items[i], index }, index) });
    } catch (err) {
      if (isCancellation(err)) throw err;
      const f = pick(nodeFailure(err));
      entries.push({ error: f });
      if (input.on_item_error === 'fail') {
        failure = { index, ...f };
        break;
      }
    }
  }
  const stored = await graphActivities.storeNodeValue({ run_id: input.run_id, value: entries });
  return { entries: stored.value, failure };
}

/** One item through the map's body; its value (claim-checked when it came back so from an activity). */
async function runItem(input: GraphMapBatchInput, scope: GraphScope, index: number): Promise<unknown> {
  const body = input.body;
  if (body.kind === 'tool') {
    const args = renderTemplate(body.arguments, scope);
    const prepared = await prepareToolCallLocally({
      run_id: input.run_id,
      project_id: input.project_id,
      call: { id: `${input.node_id}#${index}`, tool_id: body.tool.id, arguments: JSON.stringify(args ?? {}) },
      tools: input.pins.tools ?? [],
      requested_by: input.requested_by,
    });
    if (prepared.invalid) throw new NodeError(prepared.invalid.code, prepared.invalid.message);
    if (prepared.decision.decision === 'deny') throw new NodeError('E_POLICY_DENIED', `${body.tool.id} was denied: ${prepared.decision.reason}`);
    if (prepared.decision.decision === 'require_approval') {
      throw new NodeError('E_POLICY_DENIED', `${body.tool.id} needs an approval, which a map item cannot ask for (put an approval node before the map).`);
    }
    const outcome = await toolActivities().runTool({
      run_id: input.run_id,
      project_id: input.project_id,
      call_id: prepared.call_id,
      tool_id: prepared.tool_id,
      tool_version: prepared.tool_version,
      arguments: prepared.arguments,
      approved: false,
      requested_by: input.requested_by,
      // One key per item: a retried activity (a worker killed mid-call) returns the first outcome, never runs twice.
      idempotency_key: `${input.run_id}/${input.node_id}/${index}`,
    });
    if (!outcome.ok) throw new NodeError(outcome.code, outcome.message);
    return outcome.result;
  }
  if (body.kind === 'model') {
    const text = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v ?? ''));
    const reply = await generateReply({
      run_id: input.run_id,
      message_id: `${input.map_id}/item/${index}`,
      message: { text: text(renderTemplate(body.prompt, scope)) },
      pins: {
        ...input.pins,
        ...(body.pins?.provider ? { provider: body.pins.provider } : {}),
        ...(body.pins?.model ? { model: body.pins.model } : {}),
        tools: [],
      },
      standalone: {
        ...(body.system !== undefined ? { system: text(renderTemplate(body.system, scope)) } : {}),
        ...(body.output_schema ? { output_schema: body.output_schema } : {}),
      },
    });
    if (!body.output_schema && 'text' in reply.content) return { inline: reply.content.text };
    const parsed = await graphActivities.parseModelOutput({ content: reply.content, ...(body.output_schema ? { schema: body.output_schema } : {}) });
    if (!parsed.ok) throw new NodeError('E_GRAPH_OUTPUT_INVALID', parsed.message);
    return { inline: parsed.value };
  }
  const r = await runSubgraph(input, input.node_id, body, renderTemplate(body.input, scope));
  return { inline: r.output };
}
