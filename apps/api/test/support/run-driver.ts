import { Run, type RunEvent } from '@omniai/contracts';
import type { ApiClient } from './test-api';

/** A run's events as tests compare them: the kind, or a system event's type. */
export const shapeOf = (events: RunEvent[]) => events.map((e) => (e.kind === 'system_event' ? e.payload.type : e.kind));

// The run shapes several suites expect live with the end-to-end tests' fixtures.
export { APPROVED_TOOL_RUN, DENIED_TOOL_RUN, REVIEWER_DENIED_TOOL_RUN } from '../../../../tools/testing/run-shapes.mjs';

/** The scripted model's tool call: one `python.compute` run of `code`. */
export const pythonCall = (code: string) => [{ id: 'c1', name: 'python__compute', arguments: JSON.stringify({ code }) }];

/** Grants file writes and reads to everyone, workspace-wide; writes still wait for a reviewer whatever the grant. */
export const grantFileWrites = (api: ApiClient) =>
  api.put('/v1/policy', {
    grants: [{ level: 'workspace', subject: '*', scopes: ['write_files', 'read_files'], require_approval: false }],
    kill_switch_external_writes: false,
  });

const pause = (ms: number) => new Promise((res) => setTimeout(res, ms));

/**
 * The signals the run recorded as rejected (D37), once it has at least `count` of them (or after about 20 s, so that
 * the caller's assertion shows what there was).
 */
export async function signalRejections(events: () => Promise<RunEvent[]>, count: number) {
  const rejected = async () => (await events()).flatMap((e) => (e.kind === 'system_event' && e.payload.type === 'signal_rejected' ? [e.payload.data] : []));
  for (let i = 0; i < 150 && (await rejected()).length < count; i++) await pause(150);
  return rejected();
}

/**
 * Starts runs in one thread and follows them through the API, as a client would. Takes getters because suites
 * create the API and the thread in `beforeAll`.
 */
export function runDriver(api: () => ApiClient, threadId: () => string) {
  const events = async (runId: string) => (await api().get(`/v1/runs/${runId}/events`)).body.items as RunEvent[];
  return {
    events,
    /** Starts a run with the offline model answering at once. */
    run: async (message: string) => Run.parse((await api().post(`/v1/threads/${threadId()}/runs`, { message, pins: { params: { delay_ms: 0 } } })).body),
    /** Polls the run until its status is one of `statuses`. */
    waitFor: async (runId: string, statuses: string[], timeoutMs = 60_000) => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const r = Run.parse((await api().get(`/v1/runs/${runId}`)).body);
        if (statuses.includes(r.status)) return r;
        if (Date.now() > deadline) throw new Error(`run ${runId} is ${r.status}`);
        await pause(150);
      }
    },
    /** The run's first pending approval, once it exists. */
    waitForApproval: async (runId: string) => {
      for (let i = 0; i < 200; i++) {
        const items = (await api().get(`/v1/approvals?run_id=${runId}&status=pending`)).body.items;
        if (items.length) return items[0];
        await pause(150);
      }
      throw new Error('no pending approval');
    },
    /** Approves every pending approval of the run until it ends; returns its events. */
    approveUntilDone: async (runId: string) => {
      for (let i = 0; i < 400; i++) {
        const pending = (await api().get(`/v1/approvals?run_id=${runId}&status=pending`)).body.items;
        for (const a of pending) await api().post(`/v1/approvals/${a.id}/decide`, { decision: 'approve', arguments_hash: a.arguments_hash });
        const r = Run.parse((await api().get(`/v1/runs/${runId}`)).body);
        if (['completed', 'failed', 'cancelled'].includes(r.status)) return events(runId);
        await pause(150);
      }
      throw new Error(`run ${runId} did not finish`);
    },
  };
}
