import { describe, expect, it } from 'vitest';
import { RowBudget } from '../../src/providers/row-budget.js';
import { steppedClock } from './helpers.js';

describe('RowBudget', () => {
  it('spends the per-row timeout only outside quota waits', () => {
    const clock = steppedClock();
    const budget = new RowBudget(clock, 1_000);
    clock.advance(400);
    budget.pause();
    clock.advance(60_000); // a long 429 pause: not spent
    expect(budget.expired).toBe(false);
    budget.resume();
    clock.advance(599);
    expect(budget.expired).toBe(false);
    clock.advance(1);
    expect(budget.expired).toBe(true);
    expect((budget.signal.reason as DOMException).name).toBe('TimeoutError');
  });

  it('adds up the running time between many short quota waits', () => {
    const clock = steppedClock();
    const budget = new RowBudget(clock, 1_000);
    for (const [run, wait] of [[300, 100], [300, 50]]) {
      clock.advance(run!);
      budget.pause();
      clock.advance(wait!);
      budget.resume();
    }
    clock.advance(399); // 999 ms spent: the first deadline (t = 1,000) passed, the row still has 1 ms
    expect(budget.expired).toBe(false);
    clock.advance(1);
    expect(budget.expired).toBe(true);
    budget.dispose();
  });

  it('aborts with the parent reason on a hard stop, which is not an expiry', () => {
    const clock = steppedClock();
    const parent = new AbortController();
    const budget = new RowBudget(clock, 1_000, parent.signal);
    const reason = new Error('hard stop');
    parent.abort(reason);
    expect(budget.signal.aborted).toBe(true);
    expect(budget.signal.reason).toBe(reason);
    expect(budget.expired).toBe(false);
    budget.dispose();
  });
});

describe('RowBudget as the row stop', () => {
  it('tells its watcher when it runs out, and makes its signal only when asked, already aborted', () => {
    const clock = steppedClock();
    const budget = new RowBudget(clock, 1_000);
    const told: unknown[] = [];
    budget.watch({ onAbort: (reason) => told.push(reason) });
    clock.advance(1_000);
    expect(budget.aborted).toBe(true);
    expect(told).toHaveLength(1);
    expect(told[0]).toBe(budget.reason);
    expect(budget.signal.aborted).toBe(true);
    expect(budget.signal.reason).toBe(budget.reason);
  });

  it('without a timeout stops only with its parent, and an unwatched watcher is not told', () => {
    const clock = steppedClock();
    const parent = new AbortController();
    const budget = new RowBudget(clock, undefined, parent.signal);
    const told: string[] = [];
    const gone = { onAbort: () => told.push('gone') };
    budget.watch({ onAbort: () => told.push('first') });
    budget.watch(gone);
    budget.unwatch(gone);
    clock.advance(1_000_000);
    expect(budget.aborted).toBe(false);
    parent.abort(new Error('hard stop'));
    expect(told).toEqual(['first']);
    expect(budget.expired).toBe(false);
    expect((budget.reason as Error).message).toBe('hard stop');
  });

  it('stops watching its parent once disposed', () => {
    const clock = steppedClock();
    const parent = new AbortController();
    const budget = new RowBudget(clock, 1_000, parent.signal);
    budget.dispose();
    parent.abort(new Error('later'));
    expect(budget.aborted).toBe(false);
  });
});
