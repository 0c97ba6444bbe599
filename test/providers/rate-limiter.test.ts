import { afterEach, describe, expect, it, vi } from 'vitest';
import { LimiterRegistry, ProviderClosedError, planLimits, stricterLimits, type Permit } from '../../src/providers/index.js';
import { captureLogger, never } from './helpers.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let registry: LimiterRegistry | undefined;
function newRegistry() {
  const log = captureLogger();
  registry = new LimiterRegistry({ log });
  return { registry, log };
}

afterEach(async () => {
  await registry?.close();
  registry = undefined;
});

describe('limiter plan', () => {
  it('turns per-minute limits into bucket rates with a small burst', () => {
    const p = planLimits({ requestsPerMinute: 600, tokensPerMinute: 6000, maxConcurrent: 4 });
    expect(p.requests?.tokensPerSecond).toBeCloseTo(9.7, 9);
    expect(p.requests?.maximum).toBe(1);
    // A full bucket plus one second of refill stays within the per-second quota.
    const fast = planLimits({ requestsPerMinute: 6_000 }).requests!;
    expect(fast.maximum).toBe(3);
    expect(fast.maximum + fast.tokensPerSecond).toBeLessThanOrEqual(100);
    expect(p.tokens).toEqual({ perTick: 25, maximum: 1000 });
    expect(p.maxConcurrent).toBe(4);
    expect(planLimits({ requestsPerMinute: 6 }).requests?.maximum).toBe(1);
    expect(planLimits({})).toEqual({});
  });

  it('takes the stricter of two limit sets field by field', () => {
    expect(stricterLimits({ requestsPerMinute: 600, maxConcurrent: 8 }, { requestsPerMinute: 60, tokensPerMinute: 1000 })).toEqual({
      requestsPerMinute: 60,
      tokensPerMinute: 1000,
      maxConcurrent: 8,
    });
  });
});

describe('LimiterRegistry', () => {
  it('refills the request bucket at the configured rate, never more than the rate in any second', async () => {
    const { registry } = newRegistry();
    const lease = registry.get('q', { requestsPerMinute: 240 });
    const started = Date.now();
    const grants = await Promise.all(
      Array.from({ length: 10 }, async () => {
        const p = await lease.acquire({ weight: 1, signal: never() });
        p.release();
        return p.grantedAt - started;
      }),
    );
    grants.sort((a, b) => a - b);
    expect(grants[0]).toBeLessThan(100);
    // 10 grants at 4/s (spaced at 97% of the rate) take about 2.3 s.
    expect(grants[9]).toBeGreaterThan(2_000);
    expect(grants[9]).toBeLessThan(3_500);
    // Four slots of 258 ms: even a grant delayed by a busy event loop leaves any five grants over 950 ms apart.
    for (let i = 0; i + 4 < grants.length; i++) expect(grants[i + 4]! - grants[i]!).toBeGreaterThanOrEqual(950);
  });

  it('corrects the token bucket from usage: refunds unused tokens, charges overruns', async () => {
    const { registry } = newRegistry();
    const lease = registry.get('q', { tokensPerMinute: 6000 });
    const first = await lease.acquire({ weight: 1000, signal: never() });
    expect(first.reservedTokens).toBe(1000);
    first.release({ totalTokens: 100 });
    await vi.waitFor(async () => expect((await lease.snapshot()).tokensReservoir).toBeGreaterThanOrEqual(900));
    // Without the refund this would wait ten seconds for 1000 tokens.
    const started = Date.now();
    const second = await lease.acquire({ weight: 1000, signal: never() });
    expect(Date.now() - started).toBeLessThan(3_000);
    second.release({ totalTokens: 4000 });
    await vi.waitFor(async () => expect((await lease.snapshot()).tokensReservoir).toBeLessThan(-800));
  });

  it('clamps a weight above the bucket size instead of stalling the queue', async () => {
    const { registry } = newRegistry();
    const lease = registry.get('q', { tokensPerMinute: 6000 });
    const huge = await lease.acquire({ weight: 1_000_000, signal: never() });
    expect(huge.reservedTokens).toBe(1000);
    huge.release();
    const started = Date.now();
    const small = await lease.acquire({ weight: 20, signal: never() });
    small.release();
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('bounds concurrency and lets an aborted waiter leave the queue', async () => {
    const { registry } = newRegistry();
    const lease = registry.get('q', { maxConcurrent: 1 });
    const held = await lease.acquire({ weight: 1, signal: never() });
    const controller = new AbortController();
    const waiting = lease.acquire({ weight: 1, signal: controller.signal });
    let third: Permit | undefined;
    void lease.acquire({ weight: 1, signal: never() }).then((p) => (third = p));
    await sleep(50);
    expect(third).toBeUndefined();
    controller.abort(new Error('gave up'));
    await expect(waiting).rejects.toThrow('gave up');
    held.release();
    await sleep(50);
    expect(third).toBeDefined();
    third!.release();
    expect((await lease.snapshot()).abandoned).toBe(1);
  });

  it('pauses the quota for Retry-After by putting the request bucket into debt, and lowers the rate', async () => {
    const { registry, log } = newRegistry();
    const lease = registry.get('q', { requestsPerMinute: 600 });
    const p = await lease.acquire({ weight: 1, signal: never() });
    p.release({ rejected: true });
    lease.throttled(1_000, p);
    await vi.waitFor(async () => expect((await lease.snapshot()).requestsReservoir).toBeLessThan(-5));
    expect((await lease.snapshot()).rateFactor).toBe(0.9);
    const started = Date.now();
    (await lease.acquire({ weight: 1, signal: never() })).release();
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(log.entries.some((e) => e.level === 'warn' && /lowering the request rate/.test(e.msg))).toBe(true);
    // A 429 of a request sent before the decrease does not lower the rate again.
    const before = (await lease.snapshot()).rateFactor;
    lease.throttled(0, p);
    expect((await lease.snapshot()).rateFactor).toBe(before);
  });

  it('wins the rate back slowly after throttling', async () => {
    const { registry } = newRegistry();
    const lease = registry.get('q', { requestsPerMinute: 600 });
    lease.throttled(0);
    expect((await lease.snapshot()).rateFactor).toBe(0.9);
    await sleep(1_050);
    // A second 429 soon after the first cuts harder.
    lease.throttled(0);
    const cut = (await lease.snapshot()).rateFactor;
    expect(cut).toBeGreaterThanOrEqual(0.675);
    expect(cut).toBeLessThan(0.7);
    await sleep(2_100);
    const factor = (await lease.snapshot()).rateFactor;
    expect(factor).toBeGreaterThan(cut + 0.05);
    expect(factor).toBeLessThan(cut + 0.2);
  });

  it('gives models sharing a quota the stricter limits, logs it, and rebuilds when one leaves', async () => {
    const { registry, log } = newRegistry();
    const loose = registry.get('shared', { requestsPerMinute: 600 });
    const strict = registry.get('shared', { requestsPerMinute: 60, maxConcurrent: 2 });
    expect(loose.limits).toEqual({ requestsPerMinute: 60, tokensPerMinute: undefined, maxConcurrent: 2 });
    expect(log.entries.some((e) => e.level === 'warn' && /stricter limits apply/.test(e.msg))).toBe(true);
    // Queue some waiters on the strict generation, then relax: they move to the new limiter.
    const waits = Array.from({ length: 4 }, () => loose.acquire({ weight: 1, signal: never() }).then((p) => p.release()));
    await sleep(30);
    strict.close();
    expect(loose.limits.requestsPerMinute).toBe(600);
    const started = Date.now();
    await Promise.all(waits);
    expect(Date.now() - started).toBeLessThan(1_500);
    expect(registry.quotaKeys()).toEqual(['shared']);
    loose.close();
    expect(registry.quotaKeys()).toEqual([]);
  });

  it('rejects waiting acquisitions when closed', async () => {
    const { registry } = newRegistry();
    const lease = registry.get('q', { maxConcurrent: 1 });
    const held = await lease.acquire({ weight: 1, signal: never() });
    const waiting = lease.acquire({ weight: 1, signal: never() });
    const closing = registry.close();
    await expect(waiting).rejects.toBeInstanceOf(ProviderClosedError);
    held.release();
    await closing;
    expect(() => registry.get('q', {})).toThrow(ProviderClosedError);
  });
});
