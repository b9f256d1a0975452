import { ActivityFailure, ApplicationFailure, CancellationScope, CancelledFailure, isCancellation } from '@temporalio/workflow';
import type { AgentRunInput, ErrorCode, MessageContent, RunEvent, TokenUsage } from '@omniai/contracts';
import { EVENT_REJECTED, PROVIDER_ERROR_CODES } from '@omniai/contracts/pure';
import type { RunLog } from '../run-log';
import type { Append } from './activities';
import { AGENT, SERVICE } from './actors';

/** Failure type of a run stopped by its budget: the run's events are already recorded, the failure passes through. */
export const BUDGET_EXCEEDED = 'BudgetExceeded';

// Codes an activity failure carries through to `run_failed`: the provider's, and an append the store refused.
const PROVIDER_CODES: ReadonlySet<string> = new Set<ErrorCode>([...PROVIDER_ERROR_CODES, EVENT_REJECTED]);

/**
 * Provider failures arrive as ApplicationFailures typed with their E_PROVIDER_* code and a user-safe message, a
 * refused append with E_EVENT_REJECTED; anything else counts as the provider being unavailable.
 */
export function providerFailure(err: unknown): { code: ErrorCode; message: string } {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  const code = cause instanceof ApplicationFailure && cause.type && PROVIDER_CODES.has(cause.type) ? (cause.type as ErrorCode) : 'E_PROVIDER_UNAVAILABLE';
  return { code, message: cause instanceof Error ? cause.message : String(cause) };
}

/** What the model had said when a cancel reached its call (the activity's cancellation details), if anything. */
export function partialReply(err: unknown): { content: MessageContent; usage: TokenUsage } | null | undefined {
  const details = err instanceof ActivityFailure && err.cause instanceof CancelledFailure ? err.cause.details : [];
  return details[0] as { content: MessageContent; usage: TokenUsage } | null | undefined;
}

/** How the run ends on an error: a budget stop passes through, a cancel and any other failure are recorded first. */
export async function endOnError(
  err: unknown,
  run: { input: AgentRunInput; log: RunLog; append: Append; messageId: string; userMessage: RunEvent },
): Promise<unknown> {
  if (err instanceof ApplicationFailure && err.type === BUDGET_EXCEEDED) return err;
  const { input, log, append } = run;
  if (isCancellation(err)) {
    // Keep what the model had said when the cancel arrived, marked as cancelled, as exactly one message.
    const partial = partialReply(err);
    await CancellationScope.nonCancellable(async () => {
      const events: RunEvent[] = [];
      if (partial) {
        events.push(
          log.event(
            'assistant_message',
            { message_id: run.messageId, content: partial.content, model: input.pins.model, usage: partial.usage, finish_reason: 'cancelled' },
            AGENT,
            run.userMessage,
          ),
        );
      }
      events.push(log.event('run_cancelled', { reason: 'cancelled by request', partial_output: partial != null }, SERVICE));
      await append(...events);
    });
    return err;
  }
  const { code, message } = providerFailure(err);
  await append(log.event('run_failed', { code, message: message.slice(0, 500) }, SERVICE));
  return ApplicationFailure.nonRetryable(`run failed: ${message.slice(0, 200)}`, 'RunFailed');
}
