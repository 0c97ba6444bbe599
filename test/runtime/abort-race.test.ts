import { describe, expect, it } from 'vitest';
import { AbortRace } from '../../src/runtime/abort-race.js';
import { Semaphore } from '../../src/runtime/semaphore.js';

describe('AbortRace', () => {
  it('settles each promise as it settles, and rejects every one still pending with the reason when the signal aborts', async () => {
    const stop = new AbortController();
    const race = new AbortRace(stop.signal);
    await expect(race.race(Promise.resolve(1))).resolves.toBe(1);
    await expect(race.race(Promise.reject(new Error('no')))).rejects.toThrow('no');
    const hanging = [race.race(new Promise(() => {})), race.race(new Promise(() => {}))];
    const reason = new Error('hard stop');
    stop.abort(reason);
    for (const p of hanging) await expect(p).rejects.toBe(reason);
    await expect(race.race(Promise.resolve(2))).rejects.toBe(reason);
  });
});

describe('Semaphore.tryAcquire', () => {
  it('takes a free permit at once, and none while permits are out or others wait', async () => {
    const s = new Semaphore(1);
    expect(s.tryAcquire()).toBe(true);
    expect(s.tryAcquire()).toBe(false);
    const waiter = s.acquire();
    s.release(); // goes to the waiter, not to the next tryAcquire
    await waiter;
    expect(s.tryAcquire()).toBe(false);
    s.release();
    expect(s.tryAcquire()).toBe(true);
  });
});
