import { describe, expect, it } from 'vitest';
import { Semaphore } from '../../src/runtime/semaphore.js';

describe('Semaphore', () => {
  it('serves waiters in order, and a waiter whose signal aborts leaves the queue with its reason', async () => {
    const sem = new Semaphore(1);
    expect(sem.tryAcquire()).toBe(true);
    const stop = new AbortController();
    const order: string[] = [];
    const a = sem.acquire(stop.signal).then(() => order.push('a'));
    const b = sem.acquire(stop.signal).then(
      () => order.push('b'),
      (err: Error) => order.push(`b: ${err.message}`),
    );
    const other = new AbortController();
    const c = sem.acquire(other.signal).then(() => order.push('c'));
    sem.release();
    await a;
    stop.abort(new Error('hard stop'));
    await b;
    sem.release();
    await c;
    expect(order).toEqual(['a', 'b: hard stop', 'c']);
    sem.release();
    expect(sem.available).toBe(1);
  });

  it('rejects at once on an aborted signal, and a granted waiter no longer hears its signal', async () => {
    const sem = new Semaphore(1);
    const stop = new AbortController();
    stop.abort(new Error('stopped'));
    await expect(sem.acquire(stop.signal)).rejects.toThrow('stopped');
    const live = new AbortController();
    await sem.acquire(live.signal);
    const waiting = sem.acquire(live.signal);
    sem.release();
    await waiting;
    live.abort(new Error('late'));
    sem.release();
    expect(sem.available).toBe(1);
  });
});
