import { ApplicationFailure, CancellationScope, condition, setHandler, sleep } from '@temporalio/workflow';
import type { ModelReply, ResumeRunSignal, RunBudget, RunEvent } from '@omniai/contracts';
import type { RunLog } from '../run-log';
import { type Append, readRunResume } from './activities';
import { SERVICE } from './actors';
import { type BudgetLimit, type Overrun, type Usage, PauseState, budgetAfterResume, describeOverrun, findOverrun, limitName, resumedMessage } from './budget';
import { BUDGET_EXCEEDED } from './failures';
import { checkResumeRun, type RejectedSignals } from './signal-payloads';
import { resumeRunSignal } from '@omniai/workflow-api';

/** A run's budget inside the workflow: what it used, whether it is over, and pausing until an operator resumes it. */
export class BudgetGuard {
  // The budget can change while the run is paused (an operator resumes it with new limits).
  private budget: RunBudget;
  private pausedMs = 0; // time spent paused does not count against the wall-time budget
  private readonly pause = new PauseState();
  private readonly usage: Usage = { tokens: 0, cost: 0, steps: 0 };

  constructor(
    initial: RunBudget | undefined,
    private readonly started: number,
    private readonly log: RunLog,
    private readonly append: Append,
    /** `doorbell`: the `approval-doorbell` patch is on (a resume signal only says "read the recorded resume", D37). */
    private readonly signals: { doorbell: boolean; rejected: RejectedSignals },
  ) {
    this.budget = initial ?? {};
    setHandler(resumeRunSignal, (payload: unknown) => this.onResume(payload));
  }

  // The resume signal's handler: checks the payload and never throws (a throw would fail the workflow task).
  private onResume(payload: unknown): void {
    const checked = checkResumeRun(payload);
    if (!checked.ok) return this.signals.rejected.add({ signal: 'resumeRun', reason: 'malformed', problem: checked.problem });
    if (!this.signals.doorbell) return this.pause.offer(checked.value);
    if (!this.pause.ring()) this.signals.rejected.add({ signal: 'resumeRun', reason: 'unexpected' });
  }

  // Waits for the operator's resume: each doorbell reads the resume the API recorded for this pause; a doorbell with
  // nothing recorded is rejected and the run stays paused.
  private async awaitResume(pausedEvent: RunEvent): Promise<ResumeRunSignal> {
    if (!this.signals.doorbell) {
      await condition(() => this.pause.resumeRequest !== null);
      return this.pause.resume();
    }
    for (;;) {
      await condition(() => this.pause.hasRung || this.signals.rejected.pending);
      await this.signals.rejected.record(this.log, this.append, pausedEvent);
      if (!this.pause.takeRing()) continue;
      const recorded = await readRunResume({ run_id: pausedEvent.run_id, paused_seq: pausedEvent.seq });
      if (recorded) {
        this.pause.offer(recorded);
        return this.pause.resume();
      }
      this.signals.rejected.add({ signal: 'resumeRun', reason: 'unrecorded' });
    }
  }

  private get pausing(): boolean {
    return this.budget.on_exceed === 'pause';
  }

  private wallUsed(): number {
    return Date.now() - this.started - this.pausedMs;
  }

  private overrun(nextStep: boolean): Overrun | null {
    return findOverrun(this.budget, this.usage, this.wallUsed(), nextStep);
  }

  /** Records the overrun, fails the run, and returns the failure to throw (the workflow's catch passes it through). */
  private async overBudget(limit: BudgetLimit, max: number, used: number, causedBy?: RunEvent): Promise<ApplicationFailure> {
    const notice = this.log.event(
      'system_event',
      { type: 'budget_exceeded', message: describeOverrun({ limit, max, used }), data: { limit, max, used } },
      SERVICE,
      causedBy,
    );
    await this.append(notice, this.log.event('run_failed', { code: 'E_BUDGET_EXCEEDED', message: `${limitName(limit)} budget exceeded` }, SERVICE, notice));
    return ApplicationFailure.nonRetryable(`run stopped: ${limit} budget exceeded`, BUDGET_EXCEEDED);
  }

  /** Before a step: pauses while over budget (when pausing is configured), else fails the run if it is over. */
  async checkBeforeStep(causedBy?: RunEvent): Promise<void> {
    await this.holdWhileOver(true, causedBy);
    const over = this.overrun(true);
    if (over) throw await this.overBudget(over.limit, over.max, over.used, causedBy);
    this.usage.steps += 1;
  }

  /**
   * Runs a model call. When the run ends on an exhausted wall-time budget, the budget races the call against a durable
   * timer (without one, no timer is created at all); when it pauses instead, the step in flight finishes first.
   */
  async withinWallTime<T>(call: () => Promise<T>): Promise<T> {
    const max = this.budget.max_wall_ms;
    if (!max || this.pausing) return await call();
    const remaining = Math.max(0, max - this.wallUsed());
    const scope = new CancellationScope();
    const pending = scope.run(call);
    const outcome = await Promise.race([pending.then((r) => ({ r })), sleep(remaining).then(() => null)]);
    if (!outcome) {
      scope.cancel();
      await pending.catch(() => undefined);
      throw await this.overBudget('wall_time', max, this.wallUsed());
    }
    return outcome.r;
  }

  /**
   * After a model reply: counts its usage, pauses while over budget (the reply is recorded first), else fails the run
   * if it is over (wall time excepted: the step in flight has finished). Returns the events still to append.
   */
  async checkAfterReply(reply: ModelReply, assistant: RunEvent): Promise<RunEvent[]> {
    this.usage.tokens += reply.usage.input_tokens + reply.usage.output_tokens;
    this.usage.cost += reply.cost_usd ?? 0;
    const unsaved = await this.holdWhileOver(false, assistant, [assistant]);
    const after = this.overrun(false);
    if (after && after.limit !== 'wall_time') {
      if (unsaved.length) await this.append(...unsaved);
      throw await this.overBudget(after.limit, after.max, after.used, assistant);
    }
    return unsaved;
  }

  /**
   * After a graph node used a model (its own call, or an agent node's child run): counts the usage, pauses while over
   * budget (when pausing is configured), else fails the run if it is over (wall time excepted, as after a reply).
   */
  async checkAfterUsage(tokens: number, cost: number, causedBy: RunEvent): Promise<void> {
    this.usage.tokens += tokens;
    this.usage.cost += cost;
    await this.holdWhileOver(false, causedBy);
    const after = this.overrun(false);
    if (after && after.limit !== 'wall_time') throw await this.overBudget(after.limit, after.max, after.used, causedBy);
  }

  /** Holds the run while it is over budget and pausing is configured (pending events are appended first). */
  private async holdWhileOver(nextStep: boolean, causedBy?: RunEvent, pending: RunEvent[] = []): Promise<RunEvent[]> {
    let over = this.pausing ? this.overrun(nextStep) : null;
    while (over) {
      await this.pauseOn(over, causedBy, pending);
      pending = [];
      over = this.pausing ? this.overrun(nextStep) : null;
    }
    return pending;
  }

  // Pausing: record why, wait for an operator's resume signal (a cancel ends the wait), record who resumed and how.
  private async pauseOn(over: Overrun, causedBy?: RunEvent, pending: RunEvent[] = []): Promise<void> {
    const notice = this.log.event(
      'system_event',
      { type: 'budget_exceeded', message: describeOverrun(over), data: { ...over, action: 'pause' } },
      SERVICE,
      causedBy,
    );
    const pausedEvent = this.log.event(
      'system_event',
      { type: 'paused', message: 'Paused until an operator resumes the run with a new budget, or cancels it.', data: { limit: over.limit } },
      SERVICE,
      notice,
    );
    await this.append(...pending, notice, pausedEvent);
    const since = Date.now();
    this.pause.pause();
    const request = await this.awaitResume(pausedEvent);
    this.pausedMs += Date.now() - since;
    this.budget = budgetAfterResume(this.budget, request, over.limit);
    await this.append(
      this.log.event(
        'system_event',
        { type: 'resumed', message: resumedMessage(request), data: { budget: this.budget, paused_ms: Date.now() - since } },
        request.resumed_by,
        pausedEvent,
      ),
    );
  }
}
