import type { Actor, ApprovalDecisionSignal, ResumeRunSignal, RunEvent } from '@omniai/contracts';
import { RUN_SIGNAL_NAMES, SIGNAL_REJECTIONS } from '@omniai/contracts/pure';
import type { RunLog } from '../run-log';
import type { Append } from './activities';
import { SERVICE } from './actors';

// Signal payloads come from whoever can reach Temporal, so they are checked here, by hand (the workflow bundle has no
// zod): a bad payload is reported, never thrown, because a throw in a handler fails the workflow task for ever (D37).

/** A payload that passed its check, or the first problem found. */
export type Checked<T> = { ok: true; value: T } | { ok: false; problem: string };

type Fields = Record<string, unknown>;

const isFields = (v: unknown): v is Fields => typeof v === 'object' && v !== null && !Array.isArray(v);
const isText = (v: unknown, max: number): v is string => typeof v === 'string' && v.length > 0 && v.length <= max;
// Ids end up in the run's log: only plain characters (a NUL or a lone surrogate would make the event unstorable).
const isId = (v: unknown): v is string => typeof v === 'string' && /^[\w.:@+-]{1,200}$/.test(v);
const printable = (s: string) => s.slice(0, 40).replace(/[^\x20-\x7e]/g, '?');
const isActor = (v: unknown): v is Actor => isFields(v) && ['user', 'agent', 'service'].includes(v['type'] as string) && isText(v['id'], 200);
const isPositive = (v: unknown, int: boolean, max = Number.MAX_SAFE_INTEGER) =>
  typeof v === 'number' && Number.isFinite(v) && v > 0 && v <= max && (!int || Number.isInteger(v));

/** Fields of `p` that the contract does not name (its schemas are strict objects). */
const unknownFields = (p: Fields, known: readonly string[]) => Object.keys(p).filter((k) => !known.includes(k));

/** The first problem of an object payload: an unknown field, else the first failing check. */
function firstProblem(p: unknown, checks: Record<string, (v: unknown) => boolean>): string | null {
  if (!isFields(p)) return 'not an object';
  const extra = unknownFields(p, Object.keys(checks));
  if (extra.length) return `unknown field ${printable(extra[0]!)}`;
  const failing = Object.entries(checks).find(([field, check]) => !check(p[field]));
  return failing ? `bad ${failing[0]}` : null;
}

const optional = (check: (v: unknown) => boolean) => (v: unknown) => v === undefined || check(v);

const BUDGET_CHECKS: Record<string, (v: unknown) => boolean> = {
  max_tokens: optional((v) => isPositive(v, true)),
  max_cost_usd: optional((v) => isPositive(v, false)),
  max_wall_ms: optional((v) => isPositive(v, true, 86_400_000)),
  max_steps: optional((v) => isPositive(v, true, 1000)),
  on_exceed: optional((v) => v === 'end' || v === 'pause'),
};

/** Checks an `approvalDecision` payload against its contract (`ApprovalDecisionSignal`). */
export function checkApprovalDecision(p: unknown): Checked<ApprovalDecisionSignal> {
  const problem = firstProblem(p, {
    approval_id: isId,
    decision: (v) => v === 'approve' || v === 'deny',
    reason: optional((v) => typeof v === 'string' && v.length <= 1000),
    arguments_hash: (v) => isText(v, 200),
    decided_by: isActor,
  });
  return problem ? { ok: false, problem } : { ok: true, value: p as ApprovalDecisionSignal };
}

/** Checks a `resumeRun` payload against its contract (`ResumeRunSignal`). */
export function checkResumeRun(p: unknown): Checked<ResumeRunSignal> {
  const problem = firstProblem(p, {
    budget: optional((v) => firstProblem(v, BUDGET_CHECKS) === null),
    reason: optional((v) => typeof v === 'string' && v.length <= 500),
    resumed_by: isActor,
  });
  return problem ? { ok: false, problem } : { ok: true, value: p as ResumeRunSignal };
}

/** A signal the run ignores, and why. */
export interface RejectedSignal {
  signal: (typeof RUN_SIGNAL_NAMES)[number];
  reason: (typeof SIGNAL_REJECTIONS)[number];
  approvalId?: string;
  problem?: string;
}

/** Rejections a run records; beyond this, a flood of bad signals is ignored without growing the run's log. */
export const MAX_RECORDED_REJECTIONS = 100;

const WHY: Record<RejectedSignal['reason'], string> = {
  malformed: 'its payload is malformed',
  unrecorded: 'the API recorded nothing for it',
  unexpected: 'the run was not waiting for it',
};

/**
 * Signals the run rejected, waiting to be recorded as `signal_rejected` system events. Handlers only queue (they
 * cannot append: the run's steps append in order); the steps that wait for a signal record the queue.
 */
export class RejectedSignals {
  private queue: RejectedSignal[] = [];
  private counted = 0;

  /** `recording`: false for runs started before the `approval-doorbell` patch, which recorded no rejections. */
  constructor(private readonly recording: boolean) {}

  add(r: RejectedSignal): void {
    if (!this.recording || this.counted >= MAX_RECORDED_REJECTIONS) return;
    this.counted += 1;
    this.queue.push(r);
  }

  get pending(): boolean {
    return this.queue.length > 0;
  }

  /** The queued rejections as system events (the queue empties). */
  drain(log: RunLog, causedBy?: RunEvent): RunEvent[] {
    const events = this.queue.map((r) =>
      log.event(
        'system_event',
        {
          type: 'signal_rejected',
          message: `Ignored a ${r.signal} signal${r.approvalId ? ` for ${r.approvalId}` : ''}: ${WHY[r.reason]}${r.problem ? ` (${r.problem})` : ''}.`,
          data: { signal: r.signal, reason: r.reason, approval_id: r.approvalId ?? null, problem: r.problem ?? null },
        },
        SERVICE,
        causedBy,
      ),
    );
    this.queue = [];
    return events;
  }

  /** Appends the queued rejections, if any. */
  async record(log: RunLog, append: Append, causedBy?: RunEvent): Promise<void> {
    if (this.pending) await append(...this.drain(log, causedBy));
  }
}
