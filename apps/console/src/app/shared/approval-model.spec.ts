import type { RunEvent } from '@omniai/contracts';
import { decisionInRun, decisionOf, expiresIn, reasonText, waitingApprovals } from './approval-model';

let seq = 0;
const ev = (kind: RunEvent['kind'], payload: unknown): RunEvent =>
  ({
    event_id: `00000000-0000-4000-8000-${String(++seq).padStart(12, '0')}`,
    run_id: '00000000-0000-4000-8000-000000000000',
    seq,
    kind,
    ts: `2026-11-21T10:00:0${seq % 10}.000Z`,
    actor: { type: 'service', id: 'w' },
    correlation_id: 'c',
    causation_id: null,
    schema_version: 1,
    payload,
  }) as RunEvent;

const requested = (approval_id: string, tool_id = 'python.compute') =>
  ev('system_event', {
    type: 'approval_requested',
    message: `${tool_id} waits for a reviewer`,
    data: {
      approval_id,
      call_id: 'c1',
      tool_id,
      tool_version: '1.0.0',
      manifest_hash: 'm'.repeat(64),
      arguments_hash: 'a'.repeat(64),
      arguments_redacted: {},
      risk: {},
      reason_code: 'grant_needs_approval',
      requested_by: { type: 'user', id: 'u' },
      expires_at: '2026-11-22T10:00:00.000Z',
    },
  });
const decided = (approval_id: string, status: string, reason: string | null = null) =>
  ev('system_event', { type: 'approval_decided', message: 'x', data: { approval_id, status, decided_by: 'local-operator', reason } });

describe('approvals as the run records them', () => {
  it('a requested approval waits until the run decides it or ends', () => {
    const events = [ev('run_created', {}), requested('r.1')];
    expect(waitingApprovals(events).map((w) => w.data.approval_id)).toEqual(['r.1']);
    expect(waitingApprovals([...events, decided('r.1', 'approved')])).toEqual([]);
    expect(waitingApprovals([...events, ev('run_cancelled', { reason: 'x', partial_output: false })])).toEqual([]);
    // Only the decided one stops waiting.
    expect(waitingApprovals([...events, requested('r.2', 'other.tool'), decided('r.1', 'denied')]).map((w) => w.data.tool_id)).toEqual(['other.tool']);
  });

  it('finds the decision for an approval in the run, with its time', () => {
    const d = decided('r.1', 'denied', 'not now');
    expect(decisionInRun([requested('r.1'), d], 'r.1')).toEqual({ status: 'denied', decided_by: 'local-operator', reason: 'not now', at: d.ts });
    expect(decisionInRun([requested('r.1'), d], 'r.2')).toBeNull();
  });

  it('reads a decision off an approval row (none while pending)', () => {
    expect(decisionOf({ status: 'pending', decided_by: null, decision_reason: null, decided_at: null })).toBeNull();
    expect(decisionOf({ status: 'approved', decided_by: 'me', decision_reason: 'ok', decided_at: '2026-11-21T10:00:00.000Z' })).toEqual({
      status: 'approved',
      decided_by: 'me',
      reason: 'ok',
      at: '2026-11-21T10:00:00.000Z',
    });
  });

  it('counts down to the expiry', () => {
    const now = Date.parse('2026-11-21T10:00:00.000Z');
    expect(expiresIn('2026-11-22T10:00:00.000Z', now)).toBe('in 1 d 0 h');
    expect(expiresIn('2026-11-21T11:30:00.000Z', now)).toBe('in 1 h 30 min');
    expect(expiresIn('2026-11-21T10:04:05.000Z', now)).toBe('in 4 min 05 s');
    expect(expiresIn('2026-11-21T10:00:09.500Z', now)).toBe('in 9 s');
    expect(expiresIn('2026-11-21T10:00:00.000Z', now)).toBe('expired');
    expect(expiresIn('not a date', now)).toBe('expired');
  });

  it('explains reason codes, and shows unknown ones as words', () => {
    expect(reasonText('grant_needs_approval')).toMatch(/requires approval/);
    expect(reasonText('some_new_code')).toBe('some new code');
  });
});
