import type { BudgetLimit, ResumeRunSignal, RunBudget } from '@omniai/contracts';

// Pure budget arithmetic and the pause/resume state; budget-guard.ts applies them inside the workflow.

export type { BudgetLimit };

export interface Overrun {
  limit: BudgetLimit;
  max: number;
  used: number;
}

/** What the run has used so far (wall time is measured apart: paused time does not count). */
export interface Usage {
  tokens: number;
  cost: number;
  steps: number;
}

/** Model and tool calls a run may make when its budget sets no steps limit. */
export const DEFAULT_MAX_STEPS = 50;

const LIMIT_FIELD: Record<BudgetLimit, keyof RunBudget> = { tokens: 'max_tokens', cost: 'max_cost_usd', wall_time: 'max_wall_ms', steps: 'max_steps' };

/** The first limit the run is over (`nextStep`: also whether one more step would exceed the steps limit). */
export function findOverrun(budget: RunBudget, usage: Usage, wallMs: number, nextStep: boolean): Overrun | null {
  if (budget.max_tokens && usage.tokens > budget.max_tokens) return { limit: 'tokens', max: budget.max_tokens, used: usage.tokens };
  if (budget.max_cost_usd && usage.cost > budget.max_cost_usd) return { limit: 'cost', max: budget.max_cost_usd, used: usage.cost };
  if (budget.max_wall_ms && wallMs > budget.max_wall_ms) return { limit: 'wall_time', max: budget.max_wall_ms, used: wallMs };
  // Without a steps budget, a safety cap still stops a model that keeps calling tools forever.
  const maxSteps = budget.max_steps ?? DEFAULT_MAX_STEPS;
  if (nextStep && usage.steps + 1 > maxSteps) return { limit: 'steps', max: maxSteps, used: usage.steps + 1 };
  return null;
}

/** The limit's name in prose (`wall_time` → `wall time`). */
export const limitName = (limit: BudgetLimit) => limit.replace('_', ' ');

export const describeOverrun = ({ limit, max, used }: Overrun) => `The run's ${limitName(limit)} budget (${max}) was exceeded (${used}).`;

/** The budget after a resume: the one the operator sent, else the old one without the limit that paused the run. */
export function budgetAfterResume(budget: RunBudget, request: ResumeRunSignal, pausedOn: BudgetLimit): RunBudget {
  return request.budget ?? Object.fromEntries(Object.entries(budget).filter(([k]) => k !== LIMIT_FIELD[pausedOn]));
}

export const resumedMessage = (request: ResumeRunSignal) => `Resumed by ${request.resumed_by.id}${request.reason ? `: ${request.reason}` : '.'}`;

/** Whether the run waits for an operator, and the resume request once one arrives. */
export class PauseState {
  private paused = false;
  private request: ResumeRunSignal | null = null;
  private rang = false;

  /** Takes a resume request (the signal's before the `approval-doorbell` patch, the recorded one since): only while paused. */
  offer(request: ResumeRunSignal): void {
    if (this.paused) this.request = request;
  }

  /** The resume doorbell: whether the run is paused (the resume the API recorded is then read). */
  ring(): boolean {
    if (this.paused) this.rang = true;
    return this.paused;
  }

  get hasRung(): boolean {
    return this.rang;
  }

  /** Answers the doorbell: whether it had rung. */
  takeRing(): boolean {
    const rang = this.rang;
    this.rang = false;
    return rang;
  }

  pause(): void {
    this.paused = true;
    this.request = null;
    this.rang = false;
  }

  get resumeRequest(): ResumeRunSignal | null {
    return this.request;
  }

  /** Ends the pause with the request that ended it. */
  resume(): ResumeRunSignal {
    this.paused = false;
    const request = this.request;
    if (!request) throw new Error('unreachable: resumed without a request');
    return request;
  }
}
