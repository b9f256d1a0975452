import { GraphSpec, RunEvent } from '@omniai/contracts';
import { GRAPH_TEMPLATES, nodeCallId, parseNodeCallId, projectNodeStates } from '.';

const RUN = '00000000-0000-4000-8000-000000000001';
const CHILD = '00000000-0000-4000-8000-0000000000c1';
const triage = GRAPH_TEMPLATES.find((t) => t.id === 'triage-ticket')!.spec;

let seq = 0;
/** A real contract event (parsed, so the fixtures cannot drift from the contract), `s` seconds after 10:00. */
function ev(s: number, kind: RunEvent['kind'], payload: unknown): RunEvent {
  seq++;
  return RunEvent.parse({
    event_id: `00000000-0000-4000-8000-${String(seq).padStart(12, '0')}`,
    run_id: RUN,
    seq,
    ts: new Date(Date.UTC(2026, 11, 1, 10, 0, s)).toISOString(),
    actor: { type: 'service', id: 'omni-worker' },
    correlation_id: RUN,
    causation_id: null,
    schema_version: 1,
    kind,
    payload,
  });
}
const gate = (s: number, type: 'approval_requested' | 'approval_decided', data: object) => ev(s, 'system_event', { type, message: type, data });
const requested = (s: number, approval_id: string, call_id: string, tool_id = 'graph.approval') =>
  gate(s, 'approval_requested', {
    approval_id,
    call_id,
    tool_id,
    tool_version: '1',
    manifest_hash: 'h',
    arguments_hash: 'h',
    arguments_redacted: {},
    risk: null,
    reason_code: 'graph_gate',
    requested_by: { type: 'service', id: 'omni-worker' },
    expires_at: '2026-12-02T10:00:00.000Z',
  });

/** A triage run: classify, route to escalate, search fails once then succeeds, review waits for and gets approval, record fails. */
function triageRun(): RunEvent[] {
  seq = 0;
  return [
    ev(0, 'run_created', {
      project_id: RUN,
      thread_id: null,
      pins: { provider: 'offline', model: 'offline-scripted-1', params: {}, seed: null, prompt_version: 'v1', tools: [] },
      retry_of: null,
    }),
    ev(1, 'node_started', { node_id: 'classify', attempt: 1, node_kind: 'model', input: { inline: 'Triage this support ticket.' } }),
    ev(3, 'node_completed', { node_id: 'classify', attempt: 1, port: 'out', output: { inline: { category: 'bug' } }, duration_ms: 2000, cost_usd: 0.002 }),
    ev(3, 'node_started', { node_id: 'route', attempt: 1, node_kind: 'branch' }),
    ev(3, 'node_completed', { node_id: 'route', attempt: 1, port: 'escalate', output: { inline: 'escalate' }, duration_ms: 1 }),
    ev(3, 'node_skipped', { node_id: 'answered', reason: 'not_taken' }),
    ev(4, 'node_started', { node_id: 'find_related', attempt: 1, node_kind: 'tool' }),
    ev(5, 'node_failed', {
      node_id: 'find_related',
      attempt: 1,
      code: 'E_TOOL_TIMEOUT',
      message: 'slow',
      will_retry: true,
      retry_in_ms: 1000,
      duration_ms: 1000,
    }),
    ev(6, 'node_started', { node_id: 'find_related', attempt: 2, node_kind: 'tool' }),
    ev(7, 'node_completed', { node_id: 'find_related', attempt: 2, port: 'out', output: { inline: { results: [] } }, duration_ms: 1000 }),
    ev(8, 'node_started', { node_id: 'review', attempt: 1, node_kind: 'approval', input: { inline: { title: 'Review the triage' } } }),
    requested(8, 'appr-1', nodeCallId('review', 1)),
    // A chat tool's approval in the same log is not a gate.
    requested(9, 'appr-2', 'review#1', 'files.ingest'),
    gate(20, 'approval_decided', { approval_id: 'appr-1', status: 'approved', decided_by: 'alice', reason: null }),
    ev(20, 'node_completed', { node_id: 'review', attempt: 1, port: 'out', output: { inline: { note: 'ok' } }, duration_ms: 12000 }),
    ev(21, 'node_started', { node_id: 'record', attempt: 1, node_kind: 'tool' }),
    ev(22, 'node_failed', {
      node_id: 'record',
      attempt: 1,
      code: 'E_POLICY_DENIED',
      message: 'no grant',
      will_retry: false,
      duration_ms: 5,
      child_run_id: CHILD,
    }),
  ];
}

const byId = (spec: GraphSpec, events: RunEvent[]) => new Map(projectNodeStates(spec, events).map((s) => [s.node_id, s]));

describe('projectNodeStates', () => {
  it('folds a realistic run into per-node states, in spec order', () => {
    const events = triageRun();
    const states = projectNodeStates(triage, events);
    expect(states.map((s) => [s.node_id, s.status])).toEqual([
      ['classify', 'completed'],
      ['route', 'completed'],
      ['find_related', 'completed'],
      ['review', 'completed'],
      ['record', 'failed'],
      ['escalated', 'pending'],
      ['declined', 'pending'],
      ['answered', 'skipped'],
    ]);
    const s = new Map(states.map((x) => [x.node_id, x]));
    expect(s.get('classify')).toEqual({
      node_id: 'classify',
      kind: 'model',
      status: 'completed',
      attempts: 1,
      started_at: '2026-12-01T10:00:01.000Z',
      ended_at: '2026-12-01T10:00:03.000Z',
      duration_ms: 2000,
      cost_usd: 0.002,
      port: 'out',
      output: { inline: { category: 'bug' } },
      error: null,
      child_run_id: null,
      approval_id: null,
      seqs: [2, 3],
    });
    expect(s.get('route')!.port).toBe('escalate');
    // Retried: two attempts, the time across both, the error of the failed attempt cleared by success.
    expect(s.get('find_related')).toMatchObject({ attempts: 2, duration_ms: 3000, error: null, seqs: [7, 8, 9, 10] });
    expect(s.get('review')).toMatchObject({
      approval_id: 'appr-1',
      port: 'out',
      output: { inline: { note: 'ok' } },
      duration_ms: 12000,
      seqs: [11, 12, 14, 15],
    });
    expect(s.get('record')).toMatchObject({
      error: { code: 'E_POLICY_DENIED', message: 'no grant' },
      child_run_id: CHILD,
      ended_at: '2026-12-01T10:00:22.000Z',
    });
    expect(s.get('answered')).toMatchObject({ started_at: null, duration_ms: null, seqs: [6] });
    expect(s.get('escalated')).toMatchObject({ attempts: 0, cost_usd: 0, seqs: [] });
  });

  it('shows each intermediate state as the events arrive', () => {
    const events = triageRun();
    const at = (n: number) => byId(triage, events.slice(0, n));
    expect(at(2).get('classify')!.status).toBe('running');
    expect(at(2).get('classify')!.duration_ms).toBeNull();
    expect(at(8).get('find_related')).toMatchObject({ status: 'running', error: { code: 'E_TOOL_TIMEOUT' }, ended_at: null });
    expect(at(11).get('review')!.status).toBe('running');
    expect(at(12).get('review')).toMatchObject({ status: 'waiting_approval', approval_id: 'appr-1' });
    expect(at(13).get('review')!.status).toBe('waiting_approval');
    expect(at(14).get('review')!.status).toBe('running');
  });

  it('sorts events by seq and ignores events of nodes the spec does not have', () => {
    const events = triageRun();
    seq = 100;
    const stray = ev(30, 'node_started', { node_id: 'ghost', attempt: 1, node_kind: 'tool' });
    const shuffled = [...events].reverse();
    shuffled.push(stray);
    expect(projectNodeStates(triage, shuffled)).toEqual(projectNodeStates(triage, events));
  });
});

describe('nodeCallId / parseNodeCallId', () => {
  it('round-trips and refuses what is not a gate call id', () => {
    expect(nodeCallId('review', 3)).toBe('review#3');
    expect(parseNodeCallId('review#3')).toEqual({ node_id: 'review', attempt: 3 });
    for (const bad of ['review', 'review#0', 'Review#1', 'review#x', '#1', 'call_abc', 'a#1#2']) expect(parseNodeCallId(bad)).toBeNull();
  });
});
