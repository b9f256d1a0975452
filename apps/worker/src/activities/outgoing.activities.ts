import { ApplicationFailure, Context } from '@temporalio/activity';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import type { RunEndedNotification } from '@omniai/contracts';
import { type OutgoingHookStore, outgoingHookSecretOwner, type PolicyStore, type RunStore, type SecretBox } from '@omniai/store';
import { safeFetch, type SafeFetchOptions, ToolError } from '@omniai/tools';
import { notifyRunEndedStart } from '@omniai/workflow-api';
import type { OutgoingActivities } from '@omniai/workflows';
import { Webhook } from 'standardwebhooks';
import { waitForDatabase } from './wait-for-database';

/** The error type of an attempt that must not be repeated (the workflow's retry policy names it). */
const REFUSED = 'OutgoingDeliveryRefused';

/** Statuses worth another attempt besides 5xx: the receiver asked to come back later. */
const RETRY_STATUSES = new Set([408, 429]);

/** How long one attempt may take (DNS, connect, send, the answer), and how much of the answer is read. */
const ATTEMPT_TIMEOUT_MS = 15_000;
const ANSWER_BYTES = 4_096;

/** Request options for outgoing notifications besides the vetted defaults (tests: a stand-in network). */
export type OutgoingConnect = Omit<Partial<SafeFetchOptions>, 'allowHosts' | 'method' | 'body' | 'contentType' | 'headers' | 'signal'>;

export interface OutgoingActivityDeps {
  hooks: OutgoingHookStore;
  runs: Pick<RunStore, 'getRun'>;
  policies: Pick<PolicyStore, 'get'>;
  secrets: Pick<SecretBox, 'reveal'>;
  connect?: OutgoingConnect;
}

/** The `webhook-id` of a run's notification to a hook: stable, so every attempt (and a receiver's dedup) sees the same. */
export const outgoingMessageId = (hookId: string, runId: string) => `msg_${runId}_${hookId}`;

/**
 * Starts a `notifyRunEndedWorkflow` for every live hook of the run's graph or thread, on this worker's task queue,
 * with the activity's own Temporal client. Called after a terminal event is stored; the workflow id names the hook and
 * the run, so a dispatch repeated by a retried append starts nothing new. A failure throws (the append is retried).
 */
export function runEndedDispatcher(hooks: Pick<OutgoingHookStore, 'listForRun'>): (runId: string) => Promise<void> {
  return async (runId) => {
    // A local activity (the append): Postgres being away throws, and the append's own retry waits it out.
    const live = await hooks.listForRun(runId);
    if (live.length === 0) return;
    const ctx = Context.current();
    for (const hook of live) {
      const [type, options] = notifyRunEndedStart({ hook_id: hook.id, run_id: runId }, ctx.info.taskQueue);
      try {
        await ctx.client.workflow.start(type, options);
      } catch (err) {
        if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      }
    }
  };
}

/** The outgoing notification activities: one signed POST per attempt, each recorded on the delivery row. */
export function createOutgoingActivities(deps: OutgoingActivityDeps): OutgoingActivities {
  return {
    async deliverRunEnded({ hook_id, run_id }) {
      const attempt = Context.current().info.attempt;
      const [hook, run] = await waitForDatabase(() => Promise.all([deps.hooks.get(hook_id), deps.runs.getRun(run_id)]));
      if (!hook || !run) throw ApplicationFailure.nonRetryable(`No ${hook ? 'run' : 'outgoing hook'} to report.`, REFUSED);
      if (run.status !== 'completed' && run.status !== 'failed' && run.status !== 'cancelled') {
        throw ApplicationFailure.nonRetryable(`The run has not ended (${run.status}).`, REFUSED);
      }
      const messageId = outgoingMessageId(hook.id, run.id);
      await waitForDatabase(() => deps.hooks.openDelivery(hook.id, run.id, messageId));
      const notification: RunEndedNotification = {
        type: 'run.ended',
        timestamp: run.ended_at ?? run.created_at,
        data: {
          run_id: run.id,
          project_id: run.project_id,
          graph_id: run.graph?.graph_id ?? null,
          thread_id: run.thread_id,
          status: run.status,
          error: run.error,
          trigger: run.trigger,
        },
      };
      const body = JSON.stringify(notification);
      const record = (status: 'pending' | 'delivered' | 'failed', httpStatus: number | null, error: string | null) =>
        waitForDatabase(() => deps.hooks.recordAttempt(hook.id, run.id, { status, attempt, httpStatus, error }));

      let answer: { status: number };
      try {
        const secret = await waitForDatabase(() => deps.secrets.reveal(hook.secret_id, outgoingHookSecretOwner(hook.id)));
        const sentAt = new Date();
        answer = await safeFetch(hook.url, {
          ...deps.connect,
          allowHosts: (await waitForDatabase(() => deps.policies.get())).egress_allow ?? [],
          method: 'POST',
          body: Buffer.from(body),
          contentType: 'application/json',
          accept: '*/*',
          headers: {
            'webhook-id': messageId,
            'webhook-timestamp': String(Math.floor(sentAt.getTime() / 1000)),
            'webhook-signature': new Webhook(secret).sign(messageId, sentAt, body),
          },
          maxBytes: ANSWER_BYTES,
          maxRedirects: 0,
          timeoutMs: ATTEMPT_TIMEOUT_MS,
          signal: Context.current().cancellationSignal,
        });
      } catch (err) {
        // Only safeFetch's user-safe messages are kept; anything else is named by its kind, never its text.
        const refused = err instanceof ToolError && err.code === 'E_EGRESS_DENIED';
        const message = err instanceof ToolError ? `${err.code}: ${err.message}` : 'the notification could not be sent';
        await record(refused ? 'failed' : 'pending', null, message);
        throw refused ? ApplicationFailure.nonRetryable(message, REFUSED) : ApplicationFailure.retryable(message, 'OutgoingDeliveryFailed');
      }
      const status = answer.status;
      if (status >= 200 && status < 300) {
        await record('delivered', status, null);
        return { attempts: attempt, http_status: status };
      }
      const message = `the receiver answered HTTP ${status}${status >= 300 && status < 400 ? ' (redirects are not followed)' : ''}`;
      // Worth another attempt: a 5xx, 408 or 429. Any other answer (a 4xx, a redirect) would be the same next time.
      if (status < 500 && !RETRY_STATUSES.has(status)) {
        await record('failed', status, message);
        throw ApplicationFailure.nonRetryable(message, REFUSED);
      }
      await record('pending', status, message);
      throw ApplicationFailure.retryable(message, 'OutgoingDeliveryFailed');
    },

    async failRunEndedDelivery({ hook_id, run_id, error }) {
      await waitForDatabase(() => deps.hooks.fail(hook_id, run_id, error));
      const delivery = await waitForDatabase(() => deps.hooks.getDelivery(hook_id, run_id));
      return { attempts: delivery?.attempts ?? 0 };
    },
  };
}
