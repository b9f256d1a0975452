import type { ResumeRunSignal } from '@omniai/contracts';
import { DEFAULT_MAX_STEPS, PauseState, budgetAfterResume, describeOverrun, findOverrun, resumedMessage } from './budget';

const idle = { tokens: 0, cost: 0, steps: 0 };
const operator = { type: 'user', id: 'ops@example.com' } as const;

describe('findOverrun', () => {
  it('is null within every limit', () => {
    expect(findOverrun({ max_tokens: 10, max_cost_usd: 1, max_wall_ms: 1000, max_steps: 3 }, { tokens: 10, cost: 1, steps: 2 }, 1000, true)).toBeNull();
  });

  it('names the first limit the run is over, in the order tokens, cost, wall time, steps', () => {
    const budget = { max_tokens: 10, max_cost_usd: 1, max_wall_ms: 1000, max_steps: 1 };
    expect(findOverrun(budget, { tokens: 11, cost: 2, steps: 1 }, 2000, true)).toEqual({ limit: 'tokens', max: 10, used: 11 });
    expect(findOverrun(budget, { tokens: 0, cost: 2, steps: 1 }, 2000, true)).toEqual({ limit: 'cost', max: 1, used: 2 });
    expect(findOverrun(budget, { tokens: 0, cost: 0, steps: 1 }, 2000, true)).toEqual({ limit: 'wall_time', max: 1000, used: 2000 });
    expect(findOverrun(budget, { tokens: 0, cost: 0, steps: 1 }, 0, true)).toEqual({ limit: 'steps', max: 1, used: 2 });
  });

  it('counts steps only before a step, and caps them without a steps budget', () => {
    expect(findOverrun({ max_steps: 1 }, { ...idle, steps: 1 }, 0, false)).toBeNull();
    expect(findOverrun({}, { ...idle, steps: DEFAULT_MAX_STEPS - 1 }, 0, true)).toBeNull();
    expect(findOverrun({}, { ...idle, steps: DEFAULT_MAX_STEPS }, 0, true)).toEqual({ limit: 'steps', max: DEFAULT_MAX_STEPS, used: DEFAULT_MAX_STEPS + 1 });
  });
});

describe('describing and resuming', () => {
  it('describes an overrun in prose', () => {
    expect(describeOverrun({ limit: 'wall_time', max: 1000, used: 1200 })).toBe("The run's wall time budget (1000) was exceeded (1200).");
  });

  it('takes the operator’s new budget, or lifts only the limit that paused the run', () => {
    const budget = { max_tokens: 10, max_steps: 5, on_exceed: 'pause' as const };
    expect(budgetAfterResume(budget, { resumed_by: operator, budget: { max_tokens: 99 } }, 'tokens')).toEqual({ max_tokens: 99 });
    expect(budgetAfterResume(budget, { resumed_by: operator }, 'tokens')).toEqual({ max_steps: 5, on_exceed: 'pause' });
    expect(budgetAfterResume(budget, { resumed_by: operator }, 'wall_time')).toEqual(budget);
  });

  it('says who resumed and why', () => {
    expect(resumedMessage({ resumed_by: operator })).toBe('Resumed by ops@example.com.');
    expect(resumedMessage({ resumed_by: operator, reason: 'more tokens' })).toBe('Resumed by ops@example.com: more tokens');
  });
});

describe('PauseState', () => {
  const request: ResumeRunSignal = { resumed_by: operator, reason: 'go on' };

  it('a resume doorbell rings only while paused, and is answered once', () => {
    const state = new PauseState();
    expect(state.ring()).toBe(false);
    expect(state.hasRung).toBe(false);
    state.pause();
    expect(state.ring()).toBe(true);
    expect(state.takeRing()).toBe(true);
    expect(state.takeRing()).toBe(false);
    expect(state.resumeRequest).toBeNull(); // a doorbell carries no resume: the recorded one is read
  });

  it('ignores a resume while the run is not paused', () => {
    const state = new PauseState();
    state.offer(request);
    expect(state.resumeRequest).toBeNull();
    state.pause();
    expect(state.resumeRequest).toBeNull();
  });

  it('keeps the resume that arrives while paused, and forgets it with the next pause', () => {
    const state = new PauseState();
    state.pause();
    state.offer(request);
    expect(state.resume()).toBe(request);
    state.offer({ resumed_by: operator });
    expect(state.resumeRequest).toBe(request); // not paused any more: the late resume changes nothing
    state.pause();
    expect(state.resumeRequest).toBeNull();
    expect(() => state.resume()).toThrow('unreachable');
  });
});
