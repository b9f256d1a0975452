import type { NotifyRunEndedInput, NotifyRunEndedResult } from '@omniai/contracts';
import { ActivityFailure, isCancellation, proxyActivities } from '@temporalio/workflow';
import type { OutgoingActivities } from '../activity-interfaces';

/** The error type of an attempt that must not be repeated (a 4xx other than 408/429, an egress refusal). */
export const OUTGOING_DELIVERY_REFUSED = 'OutgoingDeliveryRefused';

// Durable retries with exponential backoff (1 s, 2 s, 4 s … at most 5 minutes apart, 10 attempts: about 17 minutes
// in all); each attempt has its own deadline (safeFetch's 15 s plus Postgres).
const { deliverRunEnded } = proxyActivities<OutgoingActivities>({
  startToCloseTimeout: '1 minute',
  retry: {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumInterval: '5 minutes',
    maximumAttempts: 10,
    nonRetryableErrorTypes: [OUTGOING_DELIVERY_REFUSED],
  },
});

const { failRunEndedDelivery } = proxyActivities<OutgoingActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
});

/**
 * One run's end told to one outgoing hook (docs/TRIGGERS.md, "Outgoing notifications"). Started once per hook and run
 * (workflow id `notify-<hookId>-<runId>`) by the activity that stores the run's terminal event. Every attempt is
 * recorded on the hook's delivery row; when no attempt is left, the delivery is marked failed.
 */
export async function notifyRunEndedWorkflow(input: NotifyRunEndedInput): Promise<NotifyRunEndedResult> {
  try {
    const { attempts } = await deliverRunEnded({ hook_id: input.hook_id, run_id: input.run_id });
    return { status: 'delivered', attempts };
  } catch (err) {
    if (isCancellation(err) || !(err instanceof ActivityFailure)) throw err;
    const { attempts } = await failRunEndedDelivery({ hook_id: input.hook_id, run_id: input.run_id, error: (err.cause ?? err).message.slice(0, 500) });
    return { status: 'failed', attempts };
  }
}
