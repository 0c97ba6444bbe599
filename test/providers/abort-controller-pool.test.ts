import { describe, expect, it } from 'vitest';
import { AbortControllerPool } from '../../src/providers/abort-controller-pool.js';

describe('AbortControllerPool', () => {
  it('hands a controller given back with a clean signal to the next caller', () => {
    const pool = new AbortControllerPool();
    const first = pool.take();
    const listener = () => {};
    first.signal.addEventListener('abort', listener);
    first.signal.removeEventListener('abort', listener);
    pool.giveBack(first);
    expect(pool.take()).toBe(first);
  });

  it('keeps no controller whose signal aborted or still has a listener', () => {
    const pool = new AbortControllerPool();
    const aborted = pool.take();
    aborted.abort(new Error('stop'));
    pool.giveBack(aborted);
    const listened = pool.take();
    listened.signal.addEventListener('abort', () => {});
    pool.giveBack(listened);
    const next = pool.take();
    expect(next).not.toBe(aborted);
    expect(next).not.toBe(listened);
    expect(next.signal.aborted).toBe(false);
  });
});
