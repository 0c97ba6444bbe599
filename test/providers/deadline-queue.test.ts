import { describe, expect, it } from 'vitest';
import type { Clock, TimerHandle } from '../../src/providers/clock.js';
import { DeadlineQueue } from '../../src/providers/deadline-queue.js';
import { steppedClock } from './helpers.js';

/** A stepped clock that counts the timers armed on it. */
function countingClock(): ReturnType<typeof steppedClock> & { armed: () => number } {
  const clock = steppedClock();
  let armed = 0;
  return {
    ...clock,
    schedule: (ms: number, fire: () => void): TimerHandle => {
      armed++;
      return clock.schedule(ms, fire);
    },
    armed: () => armed,
  } satisfies Clock & { armed: () => number };
}

describe('DeadlineQueue', () => {
  it('fires deadlines when due, in order, and never a cancelled one', () => {
    const clock = steppedClock();
    const q = new DeadlineQueue(clock);
    const fired: string[] = [];
    q.schedule(100, () => fired.push('a'));
    clock.advance(10);
    const b = q.schedule(100, () => fired.push('b'));
    clock.advance(10);
    q.schedule(100, () => fired.push('c'));
    q.cancel(b);
    clock.advance(79);
    expect(fired).toEqual([]);
    clock.advance(1);
    expect(fired).toEqual(['a']);
    clock.advance(19);
    expect(fired).toEqual(['a']);
    clock.advance(1);
    expect(fired).toEqual(['a', 'c']);
  });

  it('runs deadlines of one length on one timer of the clock', () => {
    const clock = countingClock();
    const q = new DeadlineQueue(clock);
    let fired = 0;
    for (let i = 0; i < 500; i++) {
      const d = q.schedule(1_000, () => fired++);
      clock.advance(1);
      q.cancel(d);
    }
    expect(clock.armed()).toBe(1);
    const last = q.schedule(1_000, () => fired++); // due at t = 1,500
    clock.advance(500); // the timer fires at t = 1,000 and is armed again for the head
    expect(fired).toBe(0);
    expect(clock.armed()).toBe(2);
    clock.advance(500);
    expect(fired).toBe(1);
    q.cancel(last); // fired already: ignored
  });

  it('gives a deadline that falls due before the last queued one a timer of its own', () => {
    const clock = steppedClock();
    const q = new DeadlineQueue(clock);
    const fired: string[] = [];
    q.schedule(1_000, () => fired.push('long'));
    const short = q.schedule(10, () => fired.push('short'));
    q.schedule(10, () => fired.push('short 2'));
    q.cancel(short);
    clock.advance(10);
    expect(fired).toEqual(['short 2']);
    clock.advance(990);
    expect(fired).toEqual(['short 2', 'long']);
  });

  it('keeps a long-lived deadline while many cancelled ones behind it are dropped', () => {
    const clock = steppedClock();
    const q = new DeadlineQueue(clock);
    let stuck = 0;
    q.schedule(60_000, () => stuck++);
    for (let i = 0; i < 20_000; i++) q.cancel(q.schedule(60_000, () => expect.fail('cancelled deadline fired')));
    clock.advance(60_000);
    expect(stuck).toBe(1);
  });

  it('lets a firing deadline cancel the others due with it', () => {
    const clock = steppedClock();
    const q = new DeadlineQueue(clock);
    const fired: string[] = [];
    let second: TimerHandle | undefined;
    q.schedule(10, () => {
      fired.push('first');
      q.cancel(second);
    });
    second = q.schedule(10, () => fired.push('second'));
    q.schedule(10, () => fired.push('third'));
    clock.advance(10);
    expect(fired).toEqual(['first', 'third']);
  });
});
