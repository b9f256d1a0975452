import type { Client } from '@temporalio/client';
export async function f(c: Client): Promise<void> {
  await c.workflow.getHandle('w').signal('resumeRun', {});
  await c.workflow.getHandle('w').signal(`approval${"Decision"}`);
  await c.workflow.signalWithStart('agentRunWorkflow', { taskQueue: 'q', workflowId: 'w', signal: 'resumeRun', signalArgs: [] });
}
