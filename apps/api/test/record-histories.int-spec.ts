import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunEvent } from '@omniai/contracts';
import { testPayloadKeys } from '@omniai/worker/testing';
import { approvalDecisionSignal, resumeRunSignal } from '@omniai/workflow-api';
import { AesGcmPayloadCodec, openHistoryPayloads } from '@omniai/workflow-api/codec';
import { TemporalService } from '../src/temporal/temporal.service';
import { pythonCall, shapeOf, signalRejections } from './support/run-driver';
import type { TestApi } from './support/test-api';
import { startTestStack, type TestStack } from './support/test-stack';

// Records the committed replay histories of agentRunWorkflow (workflows/src/agent-run/histories/) from real runs: the
// real API, worker, Postgres, Temporal dev server and sandbox. Opt-in, because a recording replaces committed files:
//   OMNI_RECORD_HISTORIES=1 node node_modules/jest/bin/jest.js apps/api/src/runs/record-histories
const HISTORIES_DIR = join(__dirname, '..', '..', '..', 'workflows', 'src', 'agent-run', 'histories');
const recording = process.env['OMNI_RECORD_HISTORIES'] === '1' ? describe : describe.skip;

// The scripted model asks for one python.compute call, then answers with fixed text once it has the result.
const FIXTURES = [
  {
    match: '[h] compute',
    reply: 'Computing.',
    tool_calls: pythonCall('print(6 * 7)'),
    after_tools: 'Done.',
  },
];

recording('recording the committed agentRunWorkflow histories', () => {
  let stack: TestStack;
  let api: TestApi;
  let threadId: string;

  const until = async <T>(what: string, probe: () => Promise<T | undefined>): Promise<T> => {
    for (let i = 0; i < 400; i++) {
      const found = await probe();
      if (found !== undefined) return found;
      await new Promise((res) => setTimeout(res, 150));
    }
    throw new Error(`gave up waiting for ${what}`);
  };
  const start = async (body: object) =>
    (await api.post(`/v1/threads/${threadId}/runs`, { message: '[h] compute', pins: { params: { delay_ms: 0 } }, ...body })).body as {
      id: string;
      workflow_id: string;
    };
  const pendingApproval = (runId: string) =>
    until(
      'a pending approval',
      async () => (await api.get(`/v1/approvals?run_id=${runId}&status=pending`)).body.items[0] as { id: string; arguments_hash: string } | undefined,
    );
  const policy = (requireApproval: boolean, extra: object = {}) =>
    api.put('/v1/policy', {
      grants: [{ level: 'workspace', subject: '*', scopes: ['python_exec'], require_approval: requireApproval }],
      kill_switch_external_writes: false,
      ...extra,
    });
  /** Waits for the run to end, checks what it recorded, and saves its history. */
  const save = async (run: { id: string; workflow_id: string }, file: string, shape: string[]) => {
    const handle = api.app.get(TemporalService).client.workflow.getHandle(run.workflow_id);
    await handle.result();
    const events = (await api.get(`/v1/runs/${run.id}/events`)).body.items as RunEvent[];
    expect(shapeOf(events)).toEqual(shape);
    // Committed opened (D45): replay tests must not need the recording run's payload key.
    const history = await openHistoryPayloads(await handle.fetchHistory(), new AesGcmPayloadCodec(testPayloadKeys()));
    writeFileSync(join(HISTORIES_DIR, file), `${JSON.stringify(history, null, 1)}\n`);
  };

  beforeAll(async () => {
    stack = await startTestStack('histories', { worker: { fixtures: FIXTURES } });
    api = stack.api;
    ({ threadId } = await stack.newThread('Histories', 'histories'));
  }, 300_000);

  afterAll(() => stack?.stop());

  const reviewed = ['run_created', 'user_message', 'assistant_message', 'tool_call', 'approval_requested', 'approval_decided'];
  const budgetPaused = ['run_created', 'user_message', 'assistant_message', 'budget_exceeded', 'paused'];
  const resumedToEnd = ['resumed', 'tool_call', 'tool_result', 'assistant_message', 'run_completed'];
  const MALLORY = { type: 'user', id: 'mallory@nowhere' } as const;
  /** Waits until the run has recorded a rejected signal (a forged doorbell). */
  const rejected = (runId: string) => signalRejections(async () => (await api.get(`/v1/runs/${runId}/events`)).body.items as RunEvent[], 1);

  /** A reviewer denies the run's tool call; the run records the denial and ends. */
  const reviewerDenies = async (file: string) => {
    await policy(true);
    const run = await start({});
    const approval = await pendingApproval(run.id);
    await api.post(`/v1/approvals/${approval.id}/decide`, { decision: 'deny', reason: 'not now', arguments_hash: approval.arguments_hash });
    await save(run, file, [...reviewed, 'policy_denied', 'tool_error', 'assistant_message', 'run_completed']);
  };

  /** A run whose steps budget (one step) pauses it before its tool call. */
  const pausedRun = async () => {
    await policy(false);
    const run = await start({ budget: { max_steps: 1, on_exceed: 'pause' } });
    await until('the pause', async () => ((await api.get(`/v1/runs/${run.id}`)).body.status === 'paused' ? true : undefined));
    return run;
  };

  it('an approved tool call', async () => {
    await policy(true);
    const run = await start({});
    const approval = await pendingApproval(run.id);
    await api.post(`/v1/approvals/${approval.id}/decide`, { decision: 'approve', reason: 'fine', arguments_hash: approval.arguments_hash });
    await save(run, 'agent-run-tool-approved.json', [...reviewed, 'tool_result', 'assistant_message', 'run_completed']);
  });

  it('a denied tool call', () => reviewerDenies('agent-run-tool-denied.json'));

  it('an approval nobody decides in time', async () => {
    await policy(true, { approval_timeout_s: 1 });
    const run = await start({});
    await save(run, 'agent-run-tool-approval-expired.json', [...reviewed, 'policy_denied', 'tool_error', 'assistant_message', 'run_completed']);
  });

  it('a steps budget that pauses before the tool call, then a resume that lifts it', async () => {
    const run = await pausedRun();
    expect((await api.post(`/v1/runs/${run.id}/resume`, { reason: 'one more step' })).status).toBe(202);
    await save(run, 'agent-run-tool-steps-paused-resumed.json', [...budgetPaused, ...resumedToEnd]);
  });

  // Since the approval-doorbell patch (D37): a forged signal is rejected, the API's recorded decision or resume counts.
  it('doorbell: a forged decision is rejected, then a reviewer approves', async () => {
    await policy(true);
    const run = await start({});
    const approval = await pendingApproval(run.id);
    const handle = api.app.get(TemporalService).client.workflow.getHandle(run.workflow_id);
    await handle.signal(approvalDecisionSignal, {
      approval_id: approval.id,
      decision: 'approve',
      arguments_hash: approval.arguments_hash,
      decided_by: MALLORY,
    });
    await rejected(run.id);
    await api.post(`/v1/approvals/${approval.id}/decide`, { decision: 'approve', reason: 'fine', arguments_hash: approval.arguments_hash });
    const [head, decided] = [reviewed.slice(0, -1), reviewed.at(-1)!];
    await save(run, 'agent-run-doorbell-approved.json', [...head, 'signal_rejected', decided, 'tool_result', 'assistant_message', 'run_completed']);
  });

  it('doorbell: a reviewer denies', () => reviewerDenies('agent-run-doorbell-denied.json'));

  it('doorbell: a forged resume is rejected, then an operator resumes', async () => {
    const run = await pausedRun();
    await api.app.get(TemporalService).client.workflow.getHandle(run.workflow_id).signal(resumeRunSignal, { resumed_by: MALLORY });
    await rejected(run.id);
    expect((await api.post(`/v1/runs/${run.id}/resume`, { reason: 'one more step' })).status).toBe(202);
    await save(run, 'agent-run-doorbell-paused-resumed.json', [...budgetPaused, 'signal_rejected', ...resumedToEnd]);
  });
});
