import type { ApprovalDecisionSignal, PreparedToolCall } from '@omniai/contracts';
import { ApprovalBook, approvalDecided, approvalRequested, approvalStatus, refusal } from './approvals';
import { RejectedSignals } from './signal-payloads';
import { RunLog } from '../run-log';

const reviewer = { type: 'user', id: 'rev@example.com' } as const;
const decision = (d: Partial<ApprovalDecisionSignal> = {}): ApprovalDecisionSignal => ({
  approval_id: 'run.1',
  decision: 'approve',
  arguments_hash: 'h1',
  decided_by: reviewer,
  ...d,
});

describe('ApprovalBook (doorbell)', () => {
  const doorbellBook = () => new ApprovalBook(true, new RejectedSignals(true));
  const rejections = (book: ApprovalBook) => book.rejected.drain(new RunLog('run')).map((e) => (e.payload as { data: unknown }).data);

  it('a well-formed signal for an awaited approval only rings: it decides nothing', () => {
    const book = doorbellBook();
    book.expect('run.1', 'h1');
    book.offer(decision({ decided_by: { type: 'user', id: 'mallory@nowhere' } }));
    expect(book.isDecided('run.1')).toBe(false);
    expect(book.hasRung('run.1')).toBe(true);
    expect(book.takeRing('run.1')).toBe(true);
    expect(book.hasRung('run.1')).toBe(false);
    expect(book.rejected.pending).toBe(false);
  });

  it('rejects a malformed payload and a signal for an approval the run does not wait for, without throwing', () => {
    const book = doorbellBook();
    book.expect('run.1', 'h1');
    expect(() => book.offer({})).not.toThrow();
    expect(() => book.offer(null)).not.toThrow();
    book.offer(decision({ approval_id: 'run.9' }));
    expect(book.hasRung('run.1')).toBe(false);
    expect(rejections(book)).toEqual([
      { signal: 'approvalDecision', reason: 'malformed', approval_id: null, problem: 'bad approval_id' },
      { signal: 'approvalDecision', reason: 'malformed', approval_id: null, problem: 'not an object' },
      { signal: 'approvalDecision', reason: 'unexpected', approval_id: 'run.9', problem: null },
    ]);
  });
});

describe('ApprovalBook (before the approval-doorbell patch)', () => {
  it('ignores a decision for an approval nobody waits for, or for other arguments', () => {
    const book = new ApprovalBook(false, new RejectedSignals(false));
    book.offer(decision());
    book.expect('run.1', 'h1');
    expect(book.isDecided('run.1')).toBe(false);
    book.offer(decision({ arguments_hash: 'other' }));
    expect(book.isDecided('run.1')).toBe(false);
  });

  it('keeps the first decision per approval', () => {
    const book = new ApprovalBook(false, new RejectedSignals(false));
    book.expect('run.1', 'h1');
    book.offer(decision({ decision: 'deny', reason: 'first' }));
    book.offer(decision({ decision: 'approve' }));
    expect(book.settle('run.1')).toMatchObject({ decision: 'deny', reason: 'first' });
  });

  it('stops listening once settled', () => {
    const book = new ApprovalBook(false, new RejectedSignals(false));
    book.expect('run.2', 'h1');
    expect(book.settle('run.2')).toBeUndefined();
    book.offer(decision({ approval_id: 'run.2' }));
    expect(book.isDecided('run.2')).toBe(false);
  });
});

describe('approval events', () => {
  it('derives the status: no answer in time is an expiry', () => {
    expect(approvalStatus(false, undefined)).toBe('expired');
    expect(approvalStatus(true, decision())).toBe('approved');
    expect(approvalStatus(true, decision({ decision: 'deny' }))).toBe('denied');
  });

  it('records who decided, or that nobody did', () => {
    expect(approvalDecided('run.1', 'approved', decision({ reason: 'fine' }), 60)).toEqual({
      type: 'approval_decided',
      message: 'Approved by rev@example.com: fine',
      data: { approval_id: 'run.1', status: 'approved', decided_by: 'rev@example.com', reason: 'fine' },
    });
    expect(approvalDecided('run.1', 'denied', decision({ decision: 'deny' }), 60).message).toBe('Denied by rev@example.com.');
    expect(approvalDecided('run.1', 'expired', undefined, 60)).toEqual({
      type: 'approval_decided',
      message: 'Nobody decided within 60 s: denied.',
      data: { approval_id: 'run.1', status: 'expired', decided_by: null, reason: null },
    });
  });

  it('explains a refusal with its reason code', () => {
    expect(refusal('denied', 'python.compute', decision({ reason: 'not now' }))).toEqual({
      message: 'A reviewer denied python.compute: not now',
      reasonCode: 'approval_denied',
    });
    expect(refusal('expired', 'python.compute', undefined)).toEqual({ message: 'python.compute was not approved in time.', reasonCode: 'approval_timeout' });
  });

  it('asks a reviewer with the call’s details and a deadline', () => {
    const prepared = {
      call_id: 'c1',
      tool_id: 'python.compute',
      tool_version: '1.0.0',
      manifest_hash: 'm',
      arguments: { inline: { code: '1' } },
      arguments_hash: 'h1',
      arguments_redacted: { code: '1' },
      risk: { side_effect: 'read', scopes: ['python_exec'], egress_hosts: [], limits: { timeout_ms: 20_000, memory_mb: 128, cpus: 0.5 } },
      invalid: null,
      decision: { decision: 'require_approval', reason_code: 'grant_needs_approval', reason: 'the grant asks for a reviewer' },
      approval_timeout_s: 60,
    } satisfies PreparedToolCall;
    const requested = approvalRequested(prepared, 'run.1', reviewer, Date.UTC(2026, 0, 1));
    expect(requested.message).toBe('python.compute waits for a reviewer: the grant asks for a reviewer');
    expect(requested.data).toMatchObject({
      approval_id: 'run.1',
      arguments_hash: 'h1',
      reason_code: 'grant_needs_approval',
      expires_at: '2026-01-01T00:01:00.000Z',
    });
  });
});
