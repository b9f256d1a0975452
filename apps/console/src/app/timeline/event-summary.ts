import type { RunEvent } from '@omniai/contracts';
import { contentText } from '../core/run-session';

/** One line describing an event, for the compact timeline row. */
export function summarize(e: RunEvent): string {
  switch (e.kind) {
    case 'run_created':
      return `Run created · ${e.payload.pins.provider}/${e.payload.pins.model}${e.payload.retry_of ? ' · retry' : ''}`;
    case 'user_message':
      return contentText(e.payload.content).replace(/\s+/g, ' ').slice(0, 160);
    case 'assistant_message': {
      const { input_tokens, output_tokens } = e.payload.usage;
      const cost = e.payload.cost_usd ? ` · $${e.payload.cost_usd.toFixed(6)}` : '';
      return `${input_tokens}+${output_tokens} tok${cost} · ${contentText(e.payload.content).replace(/\s+/g, ' ').slice(0, 140)}`;
    }
    case 'tool_call':
      return `${e.payload.tool_id}@${e.payload.tool_version}`;
    case 'tool_result':
      return `result of ${e.payload.call_id} in ${Math.round(e.payload.duration_ms)} ms`;
    case 'tool_error':
      return `${e.payload.code}: ${e.payload.message}`;
    case 'system_event':
      return `${e.payload.type.replace(/_/g, ' ')} · ${e.payload.message}`;
    case 'run_completed':
      return `Completed in ${(e.payload.duration_ms / 1000).toFixed(1)} s · ${e.payload.usage.input_tokens + e.payload.usage.output_tokens} tokens`;
    case 'run_failed':
      return `${e.payload.code}: ${e.payload.message}`;
    case 'run_cancelled':
      return `Cancelled · ${e.payload.reason}`;
    case 'node_started':
      return `${e.payload.node_id} (${e.payload.node_kind}) started${e.payload.attempt > 1 ? ` · attempt ${e.payload.attempt}` : ''}`;
    case 'node_completed':
      return `${e.payload.node_id} done in ${Math.round(e.payload.duration_ms)} ms${e.payload.port !== 'out' ? ` · ${e.payload.port}` : ''}`;
    case 'node_failed':
      return `${e.payload.node_id} failed · ${e.payload.code}: ${e.payload.message}${e.payload.will_retry ? ' · will retry' : ''}`;
    case 'node_skipped':
      return `${e.payload.node_id} skipped · ${e.payload.reason.replace(/_/g, ' ')}`;
  }
}

export const KIND_LABEL: Record<RunEvent['kind'], string> = {
  run_created: 'run',
  user_message: 'user',
  assistant_message: 'assistant',
  tool_call: 'tool call',
  tool_result: 'tool result',
  tool_error: 'tool error',
  system_event: 'system',
  run_completed: 'completed',
  run_failed: 'failed',
  run_cancelled: 'cancelled',
  node_started: 'node',
  node_completed: 'node done',
  node_failed: 'node failed',
  node_skipped: 'node skipped',
};

/** System events of the tool runtime get their own row label, so approvals and denials stand out in the timeline. */
const SYSTEM_LABEL: Partial<Record<string, string>> = { approval_requested: 'approval', approval_decided: 'decision', policy_denied: 'denied' };

export function rowLabel(e: RunEvent): string {
  return (e.kind === 'system_event' ? SYSTEM_LABEL[e.payload.type] : undefined) ?? KIND_LABEL[e.kind];
}

/** The system event's type (for styling and tests), null for other kinds. */
export const systemType = (e: RunEvent): string | null => (e.kind === 'system_event' ? e.payload.type : null);

/** How a row's label is coloured: a request for a reviewer, a good outcome, a refusal, or the kind's default. */
export function rowTone(e: RunEvent): 'ask' | 'ok' | 'bad' | null {
  if (e.kind !== 'system_event') return null;
  if (e.payload.type === 'approval_requested') return 'ask';
  if (e.payload.type === 'policy_denied') return 'bad';
  if (e.payload.type === 'approval_decided') return (e.payload.data as { status?: string } | undefined)?.status === 'approved' ? 'ok' : 'bad';
  return null;
}
