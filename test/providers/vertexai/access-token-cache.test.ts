import { describe, expect, it } from 'vitest';
import { AccessTokenCache, type AccessToken, type AccessTokenSource } from '../../../src/providers/google/access-token-cache.js';
import { never, steppedClock } from '../helpers.js';

/** A token source the test answers by hand: each fetch waits until resolved or rejected. */
function manualSource() {
  const pending: { resolve: (t: AccessToken) => void; reject: (e: Error) => void; signal: AbortSignal }[] = [];
  const source: AccessTokenSource = {
    identity: 'sa@test',
    fetchToken: (signal) =>
      new Promise<AccessToken>((resolve, reject) => {
        pending.push({ resolve, reject, signal });
        signal.addEventListener('abort', () => reject(signal.reason), { once: true });
      }),
  };
  return { source, pending };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('AccessTokenCache', () => {
  it('fetches once for concurrent callers and keeps the token until a tenth of its life before expiry', async () => {
    const clock = steppedClock();
    const { source, pending } = manualSource();
    const cache = new AccessTokenCache(source, clock);
    const waiting = [cache.get(never()), cache.get(never()), cache.get(never())];
    expect(pending).toHaveLength(1);
    pending[0]!.resolve({ token: 't1', expiresInMs: 100_000 });
    expect(await Promise.all(waiting)).toEqual(['t1', 't1', 't1']);
    clock.advance(89_999);
    expect(await cache.get(never())).toBe('t1');
    clock.advance(1);
    const next = cache.get(never());
    expect(pending).toHaveLength(2);
    pending[1]!.resolve({ token: 't2', expiresInMs: 3_600_000 });
    expect(await next).toBe('t2');
    expect(cache.fetches).toBe(2);
  });

  it('does not keep a failure: the next caller asks again', async () => {
    const { source, pending } = manualSource();
    const cache = new AccessTokenCache(source, steppedClock());
    const first = cache.get(never());
    pending[0]!.reject(new Error('token endpoint down'));
    await expect(first).rejects.toThrow('token endpoint down');
    const second = cache.get(never());
    expect(pending).toHaveLength(2);
    pending[1]!.resolve({ token: 't', expiresInMs: 60_000 });
    expect(await second).toBe('t');
  });

  it('a caller that gives up stops waiting without failing the others', async () => {
    const { source, pending } = manualSource();
    const cache = new AccessTokenCache(source, steppedClock());
    const controller = new AbortController();
    const quitter = cache.get(controller.signal);
    const stayer = cache.get(never());
    controller.abort(new Error('row timeout'));
    await expect(quitter).rejects.toThrow('row timeout');
    expect(pending[0]!.signal.aborted).toBe(false);
    pending[0]!.resolve({ token: 't', expiresInMs: 60_000 });
    expect(await stayer).toBe('t');
  });

  it('a hung token request fails after the fetch timeout, on the clock', async () => {
    const clock = steppedClock();
    const { source, pending } = manualSource();
    const cache = new AccessTokenCache(source, clock, { fetchTimeoutMs: 5_000 });
    const waiting = cache.get(never());
    clock.advance(4_999);
    await tick();
    expect(pending[0]!.signal.aborted).toBe(false);
    clock.advance(1);
    await expect(waiting).rejects.toMatchObject({ kind: 'transient', message: expect.stringMatching(/timed out after 5000 ms/) });
    void cache.get(never());
    expect(pending).toHaveLength(2);
  });

  it('invalidate drops only the token the API refused', async () => {
    const { source, pending } = manualSource();
    const cache = new AccessTokenCache(source, steppedClock());
    const first = cache.get(never());
    pending[0]!.resolve({ token: 'old', expiresInMs: 3_600_000 });
    await first;
    cache.invalidate('someone-elses');
    expect(await cache.get(never())).toBe('old');
    cache.invalidate('old');
    const renewed = cache.get(never());
    cache.invalidate('old');
    expect(pending).toHaveLength(2);
    pending[1]!.resolve({ token: 'new', expiresInMs: 3_600_000 });
    expect(await renewed).toBe('new');
  });
});
