import { afterEach, describe, expect, it } from 'vitest';
import { LimiterRegistry, ProviderClosedError, abortableSleep, bindModel, systemClock, type BoundModelFunction, type Clock } from '../../src/providers/index.js';
import type { ConfigSpec } from '../../src/spi/config-spec.js';
import { ModelCallError, type ModelClient, type ModelProviderFactory, type ModelResponse } from '../../src/spi/model-provider.js';
import type { Value } from '../../src/types/data-type.js';
import { captureLogger, defineModel, never } from './helpers.js';

type Script = (inputs: readonly Value[], call: number) => ModelResponse | Error;

/** A provider whose client answers from a script: the retry policy is tested without HTTP. */
function fakeProvider(script: Script, batch?: { maxBatchSize: number; batches: (readonly Value[])[][] }): ModelProviderFactory & { calls: number } {
  const spec: ConfigSpec = { options: [] };
  const factory = {
    names: ['fake'],
    summary: 'scripted',
    spec,
    calls: 0,
    checkSchema: () => [],
    create: (): ModelClient => {
      const client: ModelClient = {
        quotaKey: 'fake',
        estimateTokens: () => 10,
        call: async (inputs) => {
          const r = script(inputs, factory.calls++);
          if (r instanceof Error) throw r;
          return r;
        },
      };
      if (!batch) return client;
      return {
        ...client,
        maxBatchSize: batch.maxBatchSize,
        callBatch: async (rows) => {
          batch.batches.push([...rows]);
          const r = script(rows[0]!, factory.calls++);
          if (r instanceof Error) throw r;
          await new Promise((res) => setTimeout(res, 5));
          return rows.map((row) => ({ rows: [[`echo ${String(row[0])}`]] }));
        },
      };
    },
  };
  return factory;
}

const ok = (text: string): ModelResponse => ({ rows: [[text]], usage: { promptTokens: 3, completionTokens: 2, totalTokens: 5 } });

function recordingClock(): Clock & { sleeps: number[] } {
  const sleeps: number[] = [];
  return { sleeps, now: () => Date.now(), sleep: (ms, signal) => (sleeps.push(ms), abortableSleep(0, signal)), timeout: systemClock.timeout };
}

let limiters: LimiterRegistry;
const bound: BoundModelFunction[] = [];
afterEach(async () => {
  await Promise.all(bound.splice(0).map((f) => f.close()));
  await limiters?.close();
});

function bind(factory: ModelProviderFactory, options: Record<string, string> = {}, clock: Clock = recordingClock(), random = () => 0.999) {
  limiters ??= new LimiterRegistry({ log: captureLogger() });
  const fn = bindModel(factory, defineModel(factory, { provider: 'fake', ...options }), { limiters, log: captureLogger(), env: {}, clock, random });
  bound.push(fn);
  return fn;
}

describe('bindModel retry policy', () => {
  it('backs off exponentially with full jitter, capped, up to retry-num', async () => {
    limiters = new LimiterRegistry({ log: captureLogger() });
    const p = fakeProvider(() => new ModelCallError('transient', 'boom', { status: 503 }));
    const clock = recordingClock();
    const fn = bind(p, { 'retry-num': '5', 'retry-backoff-base-interval': '100ms', 'retry-backoff-max-interval': '1s' }, clock);
    const outcome = await fn.predict(['x'], { signal: never() });
    expect(outcome).toMatchObject({ ok: false, action: 'fail', error: { code: 'PD4204', attempts: 6 } });
    expect(p.calls).toBe(6);
    expect(clock.sleeps).toEqual([99, 199, 399, 799, 999]);
    expect(fn.stats()).toMatchObject({ rows: 1, requests: 6, transientErrors: 6, retries: 5, failed: 1 });
  });

  it('waits the base interval each time with FIXED, and at least a server Retry-After', async () => {
    limiters = new LimiterRegistry({ log: captureLogger() });
    let n = 0;
    const p = fakeProvider(() => (n++ < 2 ? new ModelCallError('transient', 'busy', { status: 503, retryAfterMs: n === 1 ? 2_000 : undefined }) : ok('fine')));
    const clock = recordingClock();
    const fn = bind(p, { retry_backoff_strategy: 'FIXED', 'retry-backoff-base-interval': '250ms' }, clock);
    expect(await fn.predict(['x'], { signal: never() })).toEqual({ ok: true, rows: [['fine']] });
    expect(clock.sleeps).toEqual([2_000, 250]);
  });

  it('does not count 429s against retry-num and never gives up on them', async () => {
    limiters = new LimiterRegistry({ log: captureLogger() });
    let n = 0;
    const p = fakeProvider(() => (n++ < 3 ? new ModelCallError('throttled', '429', { status: 429, retryAfterMs: 10 }) : ok('done')));
    const fn = bind(p, { 'retry-num': '0', 'error-handling-strategy': 'IGNORE' });
    expect(await fn.predict(['x'], { signal: never() })).toEqual({ ok: true, rows: [['done']] });
    expect(fn.stats()).toMatchObject({ throttled: 3, retries: 3, succeeded: 1, dropped: 0, totalTokens: 5 });
  });

  it('treats an unexpected exception from a plugin as fatal', async () => {
    limiters = new LimiterRegistry({ log: captureLogger() });
    const p = fakeProvider(() => new TypeError('plugin bug'));
    const fn = bind(p);
    const outcome = await fn.predict(['x'], { signal: never() });
    expect(outcome).toMatchObject({ ok: false, action: 'fail', error: { code: 'PD4203', kind: 'fatal' } });
    expect(p.calls).toBe(1);
  });

  it('stops a backoff sleep when the signal aborts', async () => {
    limiters = new LimiterRegistry({ log: captureLogger() });
    const p = fakeProvider(() => new ModelCallError('transient', 'down', { status: 502 }));
    const realClock: Clock = systemClock;
    const fn = bind(p, { 'retry-backoff-base-interval': '10s' }, realClock, () => 0.9);
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('row timeout')), 50);
    const started = Date.now();
    await expect(fn.predict(['x'], { signal: controller.signal })).rejects.toThrow('row timeout');
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(p.calls).toBe(1);
  });

  it('closes idempotently: predict then throws and the quota is released', async () => {
    limiters = new LimiterRegistry({ log: captureLogger() });
    const fn = bind(fakeProvider(() => ok('x')), { 'rate-limit.requests-per-minute': '60' });
    expect(limiters.quotaKeys()).toEqual(['fake']);
    await fn.close();
    await fn.close();
    expect(limiters.quotaKeys()).toEqual([]);
    await expect(fn.predict(['x'], { signal: never() })).rejects.toBeInstanceOf(ProviderClosedError);
  });
});

describe('micro-batching', () => {
  it('groups concurrent rows into batches of at most maxBatchSize and answers each row', async () => {
    limiters = new LimiterRegistry({ log: captureLogger() });
    const batches: (readonly Value[])[][] = [];
    const fn = bind(fakeProvider(() => ok('unused'), { maxBatchSize: 4, batches }));
    const outcomes = await Promise.all(Array.from({ length: 10 }, (_, i) => fn.predict([`r${i}`], { signal: never() })));
    expect(outcomes.map((o) => (o.ok ? o.rows[0]![0] : 'failed'))).toEqual(Array.from({ length: 10 }, (_, i) => `echo r${i}`));
    expect(batches.every((b) => b.length <= 4)).toBe(true);
    expect(batches.flat().length).toBe(10);
    expect(batches.length).toBeLessThanOrEqual(4);
  });

  it('lets one row leave a pending batch and retries a failed batch row by row', async () => {
    limiters = new LimiterRegistry({ log: captureLogger() });
    const batches: (readonly Value[])[][] = [];
    let n = 0;
    const p = fakeProvider(() => (n++ === 0 ? new ModelCallError('transient', 'blip', { status: 500 }) : ok('unused')), { maxBatchSize: 8, batches });
    const fn = bind(p, { 'rate-limit.max-concurrent': '1' });
    const controller = new AbortController();
    const pending = [
      fn.predict(['a'], { signal: never() }),
      fn.predict(['b'], { signal: never() }),
      fn.predict(['gone'], { signal: controller.signal }),
    ];
    // The three rows wait in the batcher until the next macrotask; one leaves before it is sent.
    controller.abort(new Error('not wanted'));
    const results = await Promise.allSettled(pending);
    expect(results[0]).toMatchObject({ status: 'fulfilled', value: { ok: true, rows: [['echo a']] } });
    expect(results[1]).toMatchObject({ status: 'fulfilled', value: { ok: true, rows: [['echo b']] } });
    expect(results[2]).toMatchObject({ status: 'rejected', reason: new Error('not wanted') });
    expect(batches.flat()).not.toContainEqual(['gone']);
    expect(fn.stats()).toMatchObject({ transientErrors: 2, succeeded: 2 });
  });
});
