import { ApplicationFailure, CancelledFailure, Context } from '@temporalio/activity';
import { EVENT_REJECTED, RunEvent, storableJson, storableText } from '@omniai/contracts';
import { type ChatMessage, type FinishReason, ProviderError, type ToolCall, type ToolSpec, type Usage } from '@omniai/providers';
import { type ArtifactStore, type ClaimChecked, isDatabaseUnavailable, type PriceStore, type RunStore, type ToolRegistryStore } from '@omniai/store';
import type { RunActivities } from '@omniai/workflows';
import type { ProviderRegistry } from '../models/provider-registry';
import { toolFunctionName } from '../tools/tool-catalog';
import { waitForDatabase } from './wait-for-database';

/**
 * Attempts of an append that fails for another reason than an unreachable database (a refused value, an event that
 * breaks the contract): such a failure repeats, so after this many the run fails with E_EVENT_REJECTED (D38).
 */
export const APPEND_ATTEMPTS = 3;

export interface RunActivityDeps {
  runs: RunStore;
  artifacts: ArtifactStore;
  providers: ProviderRegistry;
  prices: PriceStore;
  tools: ToolRegistryStore;
  /**
   * Told once a run's terminal event (run_completed / run_failed / run_cancelled) is stored: starts its outgoing
   * notifications (see outgoing.activities.ts). Its failure fails the append, which is retried (the append is idempotent).
   */
  runEnded?: (runId: string) => Promise<void>;
}

const TERMINAL_KINDS: ReadonlySet<string> = new Set(['run_completed', 'run_failed', 'run_cancelled']);

/** Tool results and arguments as the model reads them: JSON text (artifacts fetched back). */
async function jsonText(artifacts: ArtifactStore, stored: ClaimChecked): Promise<string> {
  if ('inline' in stored) return typeof stored.inline === 'string' ? stored.inline : JSON.stringify(stored.inline);
  const found = await artifacts.get(stored.artifact.sha256);
  return found ? found.content.toString('utf8') : '(the stored value is missing)';
}

/** The run's earlier steps as chat messages: assistant turns with their tool calls, then each call's result. */
export async function stepMessages(artifacts: ArtifactStore, steps: RunEvent[]): Promise<ChatMessage[]> {
  const messages: ChatMessage[] = [];
  for (const e of steps) {
    if (e.kind === 'assistant_message') messages.push({ role: 'assistant', content: await artifacts.redeemText(e.payload.content) });
    else if (e.kind === 'tool_call') {
      const last = messages[messages.length - 1];
      const call: ToolCall = { id: e.payload.call_id, name: toolFunctionName(e.payload.tool_id), arguments: await jsonText(artifacts, e.payload.arguments) };
      if (last?.role === 'assistant') last.tool_calls = [...(last.tool_calls ?? []), call];
    } else if (e.kind === 'tool_result') messages.push({ role: 'tool', tool_call_id: e.payload.call_id, content: await jsonText(artifacts, e.payload.result) });
    else if (e.kind === 'tool_error')
      messages.push({ role: 'tool', tool_call_id: e.payload.call_id, content: `error ${e.payload.code}: ${e.payload.message}` });
  }
  return messages;
}

export function createRunActivities(deps: RunActivityDeps): RunActivities {
  return {
    async appendRunEvents({ run_id, events }) {
      let appended: number;
      try {
        // Validate at the boundary: the projection only ever holds events that match the contract.
        const parsed = events.map((e) => RunEvent.parse(storableJson(e)));
        appended = await deps.runs.appendEvents(run_id, parsed);
      } catch (err) {
        // An outage is waited out (retried without limit); anything else is retried a few times, then ends the run.
        if (isDatabaseUnavailable(err) || Context.current().info.attempt < APPEND_ATTEMPTS) throw err;
        const reason = err instanceof Error ? err.message.split('\n')[0]!.slice(0, 200) : 'unknown error';
        throw ApplicationFailure.create({
          type: EVENT_REJECTED,
          message: `The run's events (${events.map((e) => e.kind).join(', ')}) could not be stored: ${storableText(reason)}`,
          nonRetryable: true,
        });
      }
      // Outside the try: a dispatch that fails (Temporal briefly away) is retried with the append, never turned into
      // E_EVENT_REJECTED. A retry whose events were stored already dispatches again; the workflow ids make that a no-op.
      if (deps.runEnded && events.some((e) => TERMINAL_KINDS.has(e.kind))) await deps.runEnded(run_id);
      return appended;
    },

    async generateReply({ run_id, message_id, message, pins, standalone }) {
      const ctx = Context.current();
      const prompt = await waitForDatabase(() => deps.artifacts.redeemText(message));
      let messages: ChatMessage[];
      if (standalone) {
        // A graph's model node: one call on its own, with its system prompt and the JSON it must answer with.
        const system = [
          standalone.system ?? '',
          standalone.output_schema ? `Answer with JSON only, valid against this JSON Schema:\n${JSON.stringify(standalone.output_schema)}` : '',
        ]
          .filter(Boolean)
          .join('\n\n');
        messages = [...(system ? [{ role: 'system' as const, content: system }] : []), { role: 'user' as const, content: prompt }];
      } else {
        // Earlier turns of the thread come from the projection (large ones through the artifact store); history
        // only ever carries this turn's message reference.
        const context = await waitForDatabase(() => deps.runs.threadContext(run_id));
        // Then this run's own earlier steps (assistant turns, tool calls and their results) after the user's message.
        const steps = await waitForDatabase(async () => stepMessages(deps.artifacts, await deps.runs.runSteps(run_id)));
        messages = [
          ...(await waitForDatabase(() => Promise.all(context.map(async (m) => ({ role: m.role, content: await deps.artifacts.redeemText(m.content) }))))),
          { role: 'user' as const, content: prompt },
          ...steps,
        ];
      }
      // The tools pinned to the run, offered under provider-safe names; calls are mapped back to tool ids.
      const pinned = await waitForDatabase(() => Promise.all((pins.tools ?? []).map((t) => deps.tools.get(t.id, t.version))));
      const tools: ToolSpec[] = pinned.flatMap((t) =>
        t ? [{ name: toolFunctionName(t.manifest.id), description: t.manifest.description, parameters: t.manifest.input_schema }] : [],
      );
      const idByName = new Map(pinned.flatMap((t) => (t ? [[toolFunctionName(t.manifest.id), t.manifest.id] as const] : [])));
      const toolCalls: Array<{ id: string; tool_id: string; arguments: string }> = [];
      // A retried attempt does not resend the deltas an earlier attempt already streamed (heartbeat details).
      const resumeFrom = typeof ctx.info.heartbeatDetails === 'number' ? ctx.info.heartbeatDetails : 0;
      let index = 0;
      let text = '';
      let finish: FinishReason = 'stop';
      let usage: Usage = { input_tokens: 0, output_tokens: 0 };
      let priceKey = pins.provider;
      try {
        const resolved = await waitForDatabase(async () => deps.providers.resolve(pins, (await deps.runs.getRun(run_id))?.project_id ?? null));
        const provider = resolved.provider;
        priceKey = resolved.priceKey;
        const stream = provider.chatStream({
          model: pins.model,
          messages,
          ...(tools.length ? { tools } : {}),
          ...(pins.seed !== null ? { seed: pins.seed } : {}),
          ...(standalone?.output_schema ? { response_schema: standalone.output_schema } : {}),
          params: pins.params,
          signal: ctx.cancellationSignal,
        });
        // Model text is untrusted: NUL and lone surrogates are made storable (D38) before anything records it.
        for await (const chunk of stream) {
          if (chunk.type === 'delta') {
            text += chunk.text;
            if (index >= resumeFrom) {
              // Deltas are ephemeral and best-effort: an unreachable database must not fail the model call (the
              // final message is appended, with retries, once it is back).
              await deps.runs
                .publishDelta({ kind: 'assistant_message_delta', run_id, ephemeral: true, payload: { message_id, index, delta: storableText(chunk.text) } })
                .catch(() => undefined);
            }
            index++;
            ctx.heartbeat(index);
          } else if (chunk.type === 'tool_call') {
            toolCalls.push(storableJson({ id: chunk.call.id, tool_id: idByName.get(chunk.call.name) ?? chunk.call.name, arguments: chunk.call.arguments }));
          } else if (chunk.type === 'done') {
            finish = chunk.finish_reason;
            usage = chunk.usage;
          }
        }
      } catch (err) {
        if (ctx.cancellationSignal.aborted) {
          // The partial reply travels back as the cancellation's details: the workflow keeps it, marked as partial.
          const partial = text
            ? { content: await waitForDatabase(() => deps.artifacts.claimCheckText(storableText(text))), usage: { ...usage, output_tokens: index } }
            : null;
          throw new CancelledFailure('the run was cancelled', [partial]);
        }
        if (err instanceof ProviderError) {
          // The type carries the E_PROVIDER_* code to the workflow; the message is user-safe by construction.
          throw ApplicationFailure.create({
            type: err.code,
            message: err.message,
            nonRetryable: !err.retryable,
            ...(err.retryAfterS ? { nextRetryDelay: `${err.retryAfterS}s` } : {}),
          });
        }
        throw err;
      }
      return {
        content: await waitForDatabase(() => deps.artifacts.claimCheckText(storableText(text))),
        usage,
        cost_usd: await waitForDatabase(() => deps.prices.cost(priceKey, pins.model, usage)),
        model: pins.model,
        finish_reason: toolCalls.length ? 'tool_calls' : finish === 'length' ? 'length' : 'stop',
        ...(toolCalls.length ? { tool_calls: toolCalls } : {}),
      };
    },
  };
}
