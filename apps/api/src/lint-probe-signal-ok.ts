import type { Client } from '@temporalio/client';
import { resumeRunSignal } from '@omniai/workflow-api';
export async function f(c: Client): Promise<void> {
  await c.workflow.getHandle('w').signal(resumeRunSignal, { resumed_by: { type: 'user', id: 'u' } });
}
