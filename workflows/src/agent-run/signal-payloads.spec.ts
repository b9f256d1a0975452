import { RunLog } from '../run-log';
import { checkApprovalDecision, checkResumeRun, MAX_RECORDED_REJECTIONS, RejectedSignals } from './signal-payloads';

const decision = { approval_id: 'run.1', decision: 'approve', arguments_hash: 'h1', decided_by: { type: 'user', id: 'rev@example.com' } };
const resume = { resumed_by: { type: 'user', id: 'ops@example.com' }, budget: { max_steps: 10, on_exceed: 'pause' }, reason: 'go on' };

describe('signal payload checks', () => {
  it('accepts the payloads the API sends', () => {
    expect(checkApprovalDecision(decision)).toEqual({ ok: true, value: decision });
    expect(checkApprovalDecision({ ...decision, decision: 'deny', reason: 'no' }).ok).toBe(true);
    expect(checkResumeRun(resume)).toEqual({ ok: true, value: resume });
    expect(checkResumeRun({ resumed_by: resume.resumed_by }).ok).toBe(true);
  });

  it.each([
    [undefined, 'not an object'],
    ['approve', 'not an object'],
    [[decision], 'not an object'],
    [{}, 'bad approval_id'],
    [{ ...decision, decided_by: undefined }, 'bad decided_by'],
    [{ ...decision, decided_by: { type: 'user' } }, 'bad decided_by'],
    [{ ...decision, decided_by: { type: 'root', id: 'x' } }, 'bad decided_by'],
    [{ ...decision, decision: 'yes' }, 'bad decision'],
    [{ ...decision, arguments_hash: 42 }, 'bad arguments_hash'],
    [{ ...decision, reason: 'x'.repeat(1001) }, 'bad reason'],
    [{ ...decision, approval_id: 'run.1\u0000' }, 'bad approval_id'],
    [{ ...decision, ['evil\u0000']: 1 }, 'unknown field evil?'],
  ])('refuses the approvalDecision payload %j (%s)', (payload, problem) => {
    expect(checkApprovalDecision(payload)).toEqual({ ok: false, problem });
  });

  it.each([
    [{}, 'bad resumed_by'],
    [{ ...resume, budget: { max_steps: -1 } }, 'bad budget'],
    [{ ...resume, budget: { max_steps: 1.5 } }, 'bad budget'],
    [{ ...resume, budget: { max_wall_ms: 86_400_001 } }, 'bad budget'],
    [{ ...resume, budget: { on_exceed: 'never' } }, 'bad budget'],
    [{ ...resume, budget: { unlimited: true } }, 'bad budget'],
    [{ ...resume, reason: 7 }, 'bad reason'],
  ])('refuses the resumeRun payload %j (%s)', (payload, problem) => {
    expect(checkResumeRun(payload)).toEqual({ ok: false, problem });
  });
});

describe('RejectedSignals', () => {
  it('turns rejections into signal_rejected system events, once', () => {
    const rejected = new RejectedSignals(true);
    rejected.add({ signal: 'resumeRun', reason: 'unrecorded' });
    const [event, ...rest] = rejected.drain(new RunLog('run'));
    expect(rest).toEqual([]);
    expect(event).toMatchObject({
      kind: 'system_event',
      actor: { type: 'service' },
      payload: {
        type: 'signal_rejected',
        message: 'Ignored a resumeRun signal: the API recorded nothing for it.',
        data: { signal: 'resumeRun', reason: 'unrecorded', approval_id: null, problem: null },
      },
    });
    expect(rejected.pending).toBe(false);
  });

  it('records nothing for runs from before the patch, and at most a bounded number per run', () => {
    const before = new RejectedSignals(false);
    before.add({ signal: 'resumeRun', reason: 'malformed' });
    expect(before.pending).toBe(false);
    const flooded = new RejectedSignals(true);
    for (let i = 0; i < MAX_RECORDED_REJECTIONS + 5; i++) flooded.add({ signal: 'resumeRun', reason: 'malformed' });
    expect(flooded.drain(new RunLog('run'))).toHaveLength(MAX_RECORDED_REJECTIONS);
  });
});
