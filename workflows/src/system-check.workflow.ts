import { proxyActivities } from '@temporalio/workflow';
import type { SystemCheckReport } from '@omniai/contracts';
import type { SystemCheckActivities } from './activity-interfaces';

const { probeSandbox } = proxyActivities<SystemCheckActivities>({
  startToCloseTimeout: '1 minute',
  retry: { maximumAttempts: 3, initialInterval: '1 second' },
});

/** Proves the chain API → Temporal → worker → Docker sandbox end to end. */
export async function systemCheckWorkflow(): Promise<SystemCheckReport> {
  const { probe, durationMs } = await probeSandbox();
  return { sandbox: probe, sandbox_ms: durationMs };
}
