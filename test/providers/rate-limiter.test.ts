import { setMaxListeners } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { LimiterRegistry, ProviderClosedError, planLimits, stricterLimits, type LimiterLease, type Permit } from '../../src/providers/index.js';
import { ARRIVAL_JITTER_MS, REQUEST_CATCH_UP_MS, TARGET_SHARE } from '../../src/providers/limit-plan.js';
import { captureLogger, never } from './helpers.js';
import { settle, virtualClock, type VirtualClock } from './virtual-clock.js';

let registry: LimiterRegistry | undefined;
function setUp() {
  const log = captureLogger();
  const clock = virtualClock();
  registry = new LimiterRegistry({ log, clock });
  return { registry, log, clock };
}

afterEach(async () => {
  await registry?.close();
  registry = undefined;
});

/** Keeps `callers` acquisitions of `cost` waiting at all times and records when each was granted (releasing at once). */
function saturate(lease: LimiterLease, clock: VirtualClock, callers: number, cost = 1, usage?: number) {
  const grants: { at: number; cost: number }[] = [];
  const stop = new AbortController();
  // Every caller waits on this one signal, as every row of a job waits on the job's.
  setMaxListeners(0, stop.signal);
  const loop = async () => {
    while (!stop.signal.aborted) {
      try {
        const p = await lease.acquire(cost, stop.signal);
        grants.push({ at: clock.now(), cost: usage ?? cost });
        p.release(usage === undefined ? undefined : { totalTokens: usage });
      } catch {
        return;
      }
    }
  };
  const done = Promise.all(Array.from({ length: callers }, loop));
  return { grants, stop: async () => (stop.abort(new Error('stop')), await done) };
}

/** The most weight granted in any window (t - windowMs, t]. */
function worstWindow(grants: readonly { at: number; cost: number }[], windowMs: number): number {
  let worst = 0;
  let sum = 0;
  let tail = 0;
  for (const g of grants) {
    while (grants[tail]!.at <= g.at - windowMs) sum -= grants[tail++]!.cost;
    sum += g.cost;
    worst = Math.max(worst, sum);
  }
  return worst;
}

describe('limiter plan', () => {
  it('refills at 97.5% of the limit, catches up 50 ms of lateness, and counts at most the per-second quota in any 1.02 s', () => {
    for (const rpm of [6, 60, 600, 1_000, 6_000, 10_020, 60_000, 600_000]) {
      const r = planLimits({ requestsPerMinute: rpm }).requests!;
      const perSecond = rpm / 60;
      expect(r.perMs * 1000).toBeCloseTo(perSecond * TARGET_SHARE, 9);
      expect(r.capacity).toBeCloseTo(1 + r.perMs * REQUEST_CATCH_UP_MS, 9);
      expect(r.windowLimit).toBe(Math.max(1, Math.floor(perSecond)));
      expect(r.windowMs).toBe(1000 + ARRIVAL_JITTER_MS);
    }
    expect(planLimits({ requestsPerMinute: 6_000 }).requests!.capacity).toBeCloseTo(5.875, 9);
    const t = planLimits({ tokensPerMinute: 60_000 }).tokens!;
    expect(t.perMs * 1000).toBe(975);
    expect(t.capacity + t.perMs * (1000 + ARRIVAL_JITTER_MS)).toBeCloseTo(1000, 9);
    expect(planLimits({ maxConcurrent: 4 })).toEqual({ maxConcurrent: 4 });
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

describe('QuotaLimiter on virtual time', () => {
  for (const rpm of [600, 6_000, 60_000]) {
    it(`${rpm} requests/min: 97.5% of the limit, never over the per-second quota in any window`, async () => {
      const { registry, clock } = setUp();
      const lease = registry.get('q', { requestsPerMinute: rpm });
      const run = saturate(lease, clock, 16);
      await clock.advance(60_000);
      await run.stop();
      const perSecond = rpm / 60;
      const achieved = run.grants.length / 60;
      expect(achieved / perSecond).toBeGreaterThanOrEqual(TARGET_SHARE - 0.001);
      // The first second's burst adds at most one request.
      expect(achieved / perSecond).toBeLessThanOrEqual(TARGET_SHARE + 1 / 60 / perSecond + 0.001);
      expect(worstWindow(run.grants, 1000 + ARRIVAL_JITTER_MS)).toBeLessThanOrEqual(perSecond);
    });
  }

  it('bursts at most the capacity after an idle spell, and never more than the quota in any window', async () => {
    const { registry, clock } = setUp();
    const lease = registry.get('q', { requestsPerMinute: 6_000 });
    await clock.advance(30_000);
    const run = saturate(lease, clock, 64);
    await clock.advance(3_000);
    await run.stop();
    // 5.875 saved up: five at once, then the pace.
    expect(run.grants.filter((g) => g.at === run.grants[0]!.at)).toHaveLength(5);
    expect(worstWindow(run.grants, 1000 + ARRIVAL_JITTER_MS)).toBe(100);
  });

  it('catches up after a stalled event loop without going over the quota in any window', async () => {
    const { registry, clock } = setUp();
    const lease = registry.get('q', { requestsPerMinute: 6_000 });
    const run = saturate(lease, clock, 16);
    // Every 200 ms the loop is busy for 40 ms: the grants due meanwhile come late.
    for (let t = 0; t < 20_000; t += 200) {
      await clock.advance(160);
      await clock.stall(40);
    }
    await run.stop();
    expect(run.grants.length / 20).toBeGreaterThanOrEqual(97);
    expect(worstWindow(run.grants, 1000 + ARRIVAL_JITTER_MS)).toBeLessThanOrEqual(100);
  });

  it('wakes once per grant, not on a polling tick', async () => {
    const { registry, clock } = setUp();
    const lease = registry.get('q', { requestsPerMinute: 600 });
    const waits = Array.from({ length: 3 }, () => lease.acquire(1, never()));
    await settle();
    expect(clock.pending()).toBe(1);
    await clock.advance(250);
    (await Promise.all(waits)).forEach((p) => p.release());
    expect(clock.pending()).toBe(0);
  });

  it('tokens/min: within 97.5% of the limit from the usage, a costly estimate corrected by the answer', async () => {
    const { registry, clock } = setUp();
    const lease = registry.get('q', { tokensPerMinute: 60_000 });
    // Estimates of 302 tokens (prompt + 256 expected completion) for calls that use 46.
    const run = saturate(lease, clock, 8, 302, 46);
    await clock.advance(60_000);
    await run.stop();
    const used = run.grants.reduce((s, g) => s + g.cost, 0) / 60;
    expect(used / 1000).toBeGreaterThanOrEqual(TARGET_SHARE - 0.002);
    expect(used / 1000).toBeLessThanOrEqual(TARGET_SHARE + 0.002);
    // Granularity: the capacity (5.5) and one call of 46 more than the refill of a second at most.
    expect(worstWindow(run.grants, 1000)).toBeLessThanOrEqual(975 + 5.5 + 46);
  });

  it('lets a call larger than the bucket start once the bucket is out of debt, leaving debt, instead of stalling', async () => {
    const { registry, clock } = setUp();
    const lease = registry.get('q', { tokensPerMinute: 6_000 });
    const huge = await lease.acquire(1_000_000, never());
    expect(huge.reservedTokens).toBe(1_000_000);
    // Corrected by its usage: 2,000 used, so 2,000 / 97.5 tokens/s = 20.5 s of debt.
    huge.release({ totalTokens: 2_000 });
    let small: Permit | undefined;
    void lease.acquire(20, never()).then((p) => (small = p));
    await clock.advance(20_000);
    expect(small).toBeUndefined();
    await clock.advance(1_000);
    expect(small).toBeDefined();
  });

  it('refunds unused tokens and charges overruns from the reported usage', async () => {
    const { registry, clock } = setUp();
    const lease = registry.get('q', { tokensPerMinute: 6_000 });
    const first = await lease.acquire(1_000, never());
    const waitFor = async (cost: number) => {
      const started = clock.now();
      let granted: number | undefined;
      const p = lease.acquire(cost, never()).then((permit) => ((granted = clock.now()), permit));
      for (let i = 0; i < 60 && granted === undefined; i++) await clock.advance(1_000);
      return { permit: await p, waited: granted! - started };
    };
    // 100 used: about a second of refill (97.5 tokens/s); without the refund it would be ten.
    first.release({ totalTokens: 100 });
    const second = await waitFor(1_000);
    expect(second.waited).toBeLessThanOrEqual(1_100);
    // An overrun of 3,000 tokens: about 31 s before the next call.
    second.permit.release({ totalTokens: 4_000 });
    const third = await waitFor(10);
    expect(third.waited).toBeGreaterThanOrEqual(30_000);
    expect(third.waited).toBeLessThanOrEqual(42_000);
    third.permit.release({ rejected: true });
  });

  it('serves waiters first come first served: a costly call is not overtaken by cheaper ones; retries go first', async () => {
    const { registry, clock } = setUp();
    const lease = registry.get('q', { tokensPerMinute: 600 });
    (await lease.acquire(5_000, never())).release();
    const order: string[] = [];
    const take = (name: string, cost: number, retry = false) =>
      lease.acquire(cost, never(), { retry }).then((p) => (order.push(name), p.release()));
    const all = [take('big', 300), take('small', 1), take('smaller', 1), take('retry', 1, true)];
    await clock.advance(60 * 60_000);
    await Promise.all(all);
    expect(order).toEqual(['retry', 'big', 'small', 'smaller']);
  });

  it('lets an aborted waiter leave the queue at once, charging nothing, and the next one goes', async () => {
    const { registry, clock } = setUp();
    const lease = registry.get('q', { maxConcurrent: 1, requestsPerMinute: 60 });
    const held = await lease.acquire(1, never());
    const controller = new AbortController();
    const waiting = lease.acquire(1, controller.signal);
    let third: Permit | undefined;
    void lease.acquire(1, never()).then((p) => (third = p));
    await clock.advance(5_000);
    expect(third).toBeUndefined();
    expect(lease.state()).toMatchObject({ queued: 2, inFlight: 1 });
    controller.abort(new Error('gave up'));
    await expect(waiting).rejects.toThrow('gave up');
    held.release();
    await settle();
    expect(third).toBeDefined();
    expect(lease.state()).toMatchObject({ queued: 0, inFlight: 1, abandoned: 1 });
    third!.release();
  });

  it('pauses the whole quota for Retry-After and lowers the rate, then wins it back slowly', async () => {
    const { registry, clock, log } = setUp();
    const lease = registry.get('q', { requestsPerMinute: 600 });
    const p = await lease.acquire(1, never());
    p.release({ rejected: true });
    lease.throttled(800, p);
    expect(lease.state()).toMatchObject({ rateFactor: 0.9, pausedUntil: clock.now() + 800, throttles: 1, rateDecreases: 1, requestsPerMinute: 540 });
    expect(log.entries.some((e) => e.level === 'warn' && /lowering the request rate/.test(e.msg))).toBe(true);
    const started = clock.now();
    let granted: number | undefined;
    void lease.acquire(1, never()).then((q) => ((granted = clock.now()), q.release()));
    await clock.advance(799);
    expect(granted).toBeUndefined();
    await clock.advance(1);
    expect(granted).toBe(started + 800);
    // A 429 answering a request sent before the cut does not cut again.
    lease.throttled(0, p);
    expect(lease.state().rateFactor).toBe(0.9);
    // Another fresh 429 within 10 s (but not within the same second) cuts harder.
    await clock.advance(200);
    lease.throttled(0);
    expect(lease.state().rateFactor).toBeCloseTo(0.675, 9);
    // After a quiet second the rate climbs back by 10% of the limit per second.
    await clock.advance(1_000);
    (await lease.acquire(1, never())).release();
    expect(lease.state().rateFactor).toBeCloseTo(0.675, 9);
    await clock.advance(500);
    (await lease.acquire(1, never())).release();
    expect(lease.state().rateFactor).toBeCloseTo(0.725, 9);
    await clock.advance(2_000);
    (await lease.acquire(1, never())).release();
    expect(lease.state().rateFactor).toBeCloseTo(0.925, 9);
    await clock.advance(5_000);
    (await lease.acquire(1, never())).release();
    expect(lease.state().rateFactor).toBe(1);
    expect(log.entries.some((e) => /request rate restored/.test(e.msg))).toBe(true);
  });

  it('spaces requests at the lowered rate after a 429', async () => {
    const { registry, clock } = setUp();
    const lease = registry.get('q', { requestsPerMinute: 600 });
    lease.throttled(0);
    lease.throttled(0);
    await clock.advance(1_000);
    lease.throttled(0);
    // 0.9 x 0.75 = 0.675 of 9.75/s; in the next second (no climb within a second of a 429) about 6.6 grants.
    const run = saturate(lease, clock, 4);
    await clock.advance(999);
    await run.stop();
    expect(run.grants.length).toBeGreaterThanOrEqual(6);
    expect(run.grants.length).toBeLessThanOrEqual(8);
  });

  it('gives models sharing a quota the stricter limits, logs it, and relaxes when one leaves', async () => {
    const { registry, clock, log } = setUp();
    const loose = registry.get('shared', { requestsPerMinute: 600 });
    const strict = registry.get('shared', { requestsPerMinute: 60, maxConcurrent: 2 });
    expect(loose.limits).toEqual({ requestsPerMinute: 60, tokensPerMinute: undefined, maxConcurrent: 2 });
    expect(log.entries.some((e) => e.level === 'warn' && /stricter limits apply/.test(e.msg))).toBe(true);
    const granted: number[] = [];
    const waits = Array.from({ length: 4 }, () => loose.acquire(1, never()).then((p) => (granted.push(clock.now()), p.release())));
    await clock.advance(100);
    expect(granted).toHaveLength(1);
    strict.close();
    expect(loose.limits.requestsPerMinute).toBe(600);
    await clock.advance(400);
    await Promise.all(waits);
    expect(registry.quotaKeys()).toEqual(['shared']);
    loose.close();
    expect(registry.quotaKeys()).toEqual([]);
  });

  it('reports its state: rates, queue, in flight, pause', async () => {
    const { registry } = setUp();
    const lease = registry.get('q', { requestsPerMinute: 60, tokensPerMinute: 6_000, maxConcurrent: 3 });
    const p = await lease.acquire(10, never());
    void lease.acquire(10, never()).catch(() => {});
    await settle();
    expect(lease.state()).toEqual({
      quotaKey: 'q',
      requestsPerMinute: 60,
      tokensPerMinute: 6_000,
      maxConcurrent: 3,
      queued: 1,
      inFlight: 1,
      pausedUntil: 0,
      rateFactor: 1,
      throttles: 0,
      rateDecreases: 0,
      abandoned: 0,
      backend: 'local',
    });
    p.release();
  });

  it('rejects waiting acquisitions when closed; granted permits stay valid', async () => {
    const { registry } = setUp();
    const lease = registry.get('q', { maxConcurrent: 1 });
    const held = await lease.acquire(1, never());
    const waiting = lease.acquire(1, never());
    await registry.close();
    await expect(waiting).rejects.toBeInstanceOf(ProviderClosedError);
    held.release();
    expect(() => registry.get('q', {})).toThrow(ProviderClosedError);
  });
});
