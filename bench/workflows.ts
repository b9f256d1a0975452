// Workflows used only by the benchmark (never registered by the product worker).
import { condition, defineSignal, proxyActivities, proxyLocalActivities, setHandler } from '@temporalio/workflow';

interface BenchActivities {
  noop(): Promise<void>;
  append(runId: string, seq: number): Promise<void>;
}

const regular = proxyActivities<BenchActivities>({ startToCloseTimeout: '30 seconds' });
const local = proxyLocalActivities<BenchActivities>({ startToCloseTimeout: '30 seconds' });

/** The baseline: a bare Temporal workflow with one activity. */
export async function bareWorkflow(): Promise<void> {
  await regular.noop();
}

/** `steps` appends of one RunEvent each, through a regular or a local activity. */
export async function appendStepsWorkflow(runId: string, steps: number, mode: 'regular' | 'local'): Promise<void> {
  const acts = mode === 'local' ? local : regular;
  for (let seq = 1; seq <= steps; seq++) await acts.append(runId, seq);
}

export const approveSignal = defineSignal('approve');

/** The floor of approval latency: a bare workflow waiting for a signal, then running one activity. */
export async function signalThenActivityWorkflow(): Promise<void> {
  let approved = false;
  setHandler(approveSignal, () => {
    approved = true;
  });
  await condition(() => approved);
  await regular.noop();
}

/** The per-node baseline of a graph: a bare Temporal workflow running `n` activities one after another. */
export async function sequentialActivitiesWorkflow(n: number): Promise<void> {
  for (let i = 0; i < n; i++) await regular.noop();
}
