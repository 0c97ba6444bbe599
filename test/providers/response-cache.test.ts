import { describe, expect, it } from 'vitest';
import { modelIdentity, ResponseCache } from '../../src/providers/response-cache.js';
import { openAIProvider } from '../../src/providers/index.js';
import { col, defineModel, never } from './helpers.js';

function virtualClock(start = 1_000) {
  const clock = { t: start, now: () => clock.t };
  return clock;
}

const rowsOf = (text: string) => [[text]] as const;

/** A promise with its resolver, to hold a call in flight. */
function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

describe('ResponseCache', () => {
  it('evicts the least recently used entry beyond max-entries and counts it', () => {
    const cache = new ResponseCache('m', { maxEntries: 2, ttlMs: 60_000 }, virtualClock());
    cache.set('a', rowsOf('A'));
    cache.set('b', rowsOf('B'));
    expect(cache.get('a')).toEqual(rowsOf('A')); // a is now the most recent
    cache.set('c', rowsOf('C'));
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toEqual(rowsOf('A'));
    expect(cache.get('c')).toEqual(rowsOf('C'));
    expect(cache.stats().evictions).toBe(1);
  });

  it('expires an entry cache.ttl after it was stored, on the injected clock', () => {
    const clock = virtualClock();
    const cache = new ResponseCache('m', { maxEntries: 10, ttlMs: 5_000 }, clock);
    cache.set('a', rowsOf('A'));
    clock.t += 4_999;
    expect(cache.get('a')).toEqual(rowsOf('A'));
    clock.t += 1;
    expect(cache.get('a')).toBeUndefined();
    expect(cache.stats().evictions).toBe(0);
  });

  it('serves identical keys in flight from one load (single flight) and later ones from the cache', async () => {
    const cache = new ResponseCache('m', { maxEntries: 10, ttlMs: 60_000 }, virtualClock());
    let loads = 0;
    const gate = deferred<readonly (readonly string[])[]>();
    const load = () => {
      loads++;
      return gate.promise;
    };
    const waiting = [cache.answer('k', never(), load), cache.answer('k', never(), load), cache.answer('k', never(), load)];
    gate.resolve(rowsOf('A'));
    const answers = await Promise.all(waiting);
    expect(answers.map((a) => a.rows)).toEqual([rowsOf('A'), rowsOf('A'), rowsOf('A')]);
    expect(answers.map((a) => a.shared)).toEqual([false, true, true]);
    expect(await cache.answer('k', never(), load)).toEqual({ rows: rowsOf('A'), shared: true });
    expect(loads).toBe(1);
    expect(cache.stats()).toEqual({ hits: 3, misses: 1, evictions: 0 });
  });

  it('never caches a failure: rows waiting on it get nothing, and the next call loads again', async () => {
    const cache = new ResponseCache('m', { maxEntries: 10, ttlMs: 60_000 }, virtualClock());
    const gate = deferred<undefined>();
    const leader = cache.answer('k', never(), () => gate.promise);
    const follower = cache.answer('k', never(), () => Promise.resolve(rowsOf('never called')));
    gate.resolve(undefined);
    expect(await leader).toEqual({ rows: undefined, shared: false });
    expect(await follower).toEqual({ rows: undefined, shared: false });
    const rejected = cache.answer('k', never(), () => Promise.reject(new Error('aborted')));
    await expect(rejected).rejects.toThrow('aborted');
    expect(await cache.answer('k', never(), () => Promise.resolve(rowsOf('B')))).toEqual({ rows: rowsOf('B'), shared: false });
    expect(cache.stats()).toEqual({ hits: 0, misses: 3, evictions: 0 });
  });

  it('lets a row waiting on another stop with its own signal', async () => {
    const cache = new ResponseCache('m', { maxEntries: 10, ttlMs: 60_000 }, virtualClock());
    const gate = deferred<readonly (readonly string[])[]>();
    const leader = cache.answer('k', never(), () => gate.promise);
    const stop = new AbortController();
    const follower = cache.answer('k', stop.signal, () => gate.promise);
    stop.abort(new Error('job stopping'));
    await expect(follower).rejects.toThrow('job stopping');
    gate.resolve(rowsOf('A'));
    expect((await leader).rows).toEqual(rowsOf('A'));
  });

  it('keys by input exactly, bytes and maps included', () => {
    const cache = new ResponseCache('m', { maxEntries: 10, ttlMs: 60_000 }, virtualClock());
    expect(cache.keyOf(['a'])).toBe(cache.keyOf(['a']));
    expect(cache.keyOf(['a'])).not.toBe(cache.keyOf(['b']));
    expect(cache.keyOf([new Uint8Array([1])])).not.toBe(cache.keyOf([new Uint8Array([2])]));
    expect(cache.keyOf([new Map([['k', 1]])])).not.toBe(cache.keyOf([new Map([['k', 2]])]));
    expect(new ResponseCache('other', { maxEntries: 1, ttlMs: 1 }, virtualClock()).keyOf(['a'])).not.toBe(cache.keyOf(['a']));
  });
});

describe('modelIdentity', () => {
  const base = { provider: 'openai', endpoint: 'https://api.openai.com/v1/chat/completions', 'api-key': 'sk-test', model: 'gpt-4o-mini' };
  const id = (options: Record<string, string>, outputs = [col('content')]) => modelIdentity(defineModel(openAIProvider, { ...base, ...options }, { outputs }));

  it('changes with every option that can change an answer, and with the OUTPUT columns', () => {
    const plain = id({});
    expect(id({ temperature: '0.5' })).not.toBe(plain);
    expect(id({ 'system-prompt': 'Be brief.' })).not.toBe(plain);
    expect(id({ model: 'gpt-4o' })).not.toBe(plain);
    expect(id({}, [col('answer')])).not.toBe(plain);
  });

  it('stays the same when only pacing, retry, timeout, cost or cache options change', () => {
    const plain = id({});
    expect(
      id({
        'rate-limit.requests-per-minute': '10',
        'retry-num': '3',
        'error-handling-strategy': 'IGNORE',
        'client-timeout': '5s',
        'cost.input-per-1m-tokens': '1',
        'cache.enabled': 'true',
        'cache.max-entries': '5',
      }),
    ).toBe(plain);
  });
});
