import type { RunEvent } from '@omniai/contracts';
import { orderedAppend } from './graph-run.workflow';
import { serialBudget } from './interpreter';

const ev = (seq: number) => ({ seq }) as RunEvent;

describe('orderedAppend', () => {
  it('stores batches one after another in call order, deferred events first with the next append', async () => {
    const stored: number[][] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const append = orderedAppend(async (...events) => {
      if (events[0]!.seq === 1) await gate; // the first append is slow: later ones must wait for it
      stored.push(events.map((e) => e.seq));
    });
    const first = append(ev(1));
    append.defer(ev(2));
    const second = append(ev(3), ev(4));
    append.defer(ev(5));
    const third = append(ev(6));
    release();
    await Promise.all([first, second, third]);
    expect(stored).toEqual([[1], [2, 3, 4], [5, 6]]);
  });

  it('a failed append rejects its caller only; the chain goes on', async () => {
    const stored: number[] = [];
    const append = orderedAppend(async (...events) => {
      if (events.some((e) => e.seq === 2)) throw new Error('refused');
      stored.push(...events.map((e) => e.seq));
    });
    await append(ev(1));
    await expect(append(ev(2))).rejects.toThrow('refused');
    await append(ev(3));
    expect(stored).toEqual([1, 3]);
  });
});

describe('serialBudget', () => {
  it('runs the checks of concurrent nodes one at a time, in call order', async () => {
    const log: string[] = [];
    let running = 0;
    const check = (name: string) => async () => {
      running += 1;
      expect(running).toBe(1);
      log.push(`start ${name}`);
      await new Promise((r) => setTimeout(r, 5));
      log.push(`end ${name}`);
      running -= 1;
    };
    const budget = serialBudget({ checkBeforeStep: check('step'), checkAfterUsage: check('usage') });
    await Promise.all([budget.checkBeforeStep(), budget.checkAfterUsage(1, 0, ev(1)), budget.checkBeforeStep()]);
    expect(log).toEqual(['start step', 'end step', 'start usage', 'end usage', 'start step', 'end step']);
  });
});
