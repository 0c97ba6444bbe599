import { setMaxListeners } from 'node:events';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LimiterRegistry, bindModel, openAIProvider, type BoundModelFunction, type LimiterLease, type Permit } from '../../src/providers/index.js';
import { windowStats, type QuotaEvent } from '../../bench/support/window-max.js';
import { OpenAIEmulator } from '../emulators/openai-emulator.js';
import { freePort } from '../broker/local-kafka-broker.js';
import { redisServerBinary, startRedis, type RunningRedis } from '../support/redis-server.js';
import { captureLogger, defineModel, never } from './helpers.js';

/**
 * The quota shared by instances through a real Redis (Debian's redis-server, started here on a
 * free port). Each "instance" is a LimiterRegistry with its own Redis client, as separate daemons
 * have; they run in this process to keep the test light. Real time: Redis's clock decides.
 */

const binary = await redisServerBinary();
if (!binary) console.warn('[redis] redis-server is not installed: the shared-quota tests are skipped (apt-get install redis-server)');

let redis: RunningRedis;
const registries: LimiterRegistry[] = [];
let keySeq = 0;
const uniqueKey = () => `test-quota-${process.pid}-${Date.now()}-${keySeq++}`;

function instance(log = captureLogger()) {
  const registry = new LimiterRegistry({ log, redisUrl: redis.url });
  registries.push(registry);
  return { registry, log };
}

async function timed<T>(p: Promise<T>): Promise<{ value: T; ms: number }> {
  const started = Date.now();
  const value = await p;
  return { value, ms: Date.now() - started };
}

describe.skipIf(!binary)('rate limits shared through Redis', () => {
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis?.stop();
  });
  afterEach(async () => {
    await Promise.all(registries.splice(0).map((r) => r.close()));
  });

  it('three instances on one quota: together at the limit, not three times it, and evenly shared', async () => {
    const perSecond = 40;
    const seconds = 15;
    const events: QuotaEvent[] = [];
    const emu = await OpenAIEmulator.start({
      apiKeys: ['sk-shared'],
      latencyMs: 10,
      // No limit of its own, as bench P3: each accepted request is timed, the windows are counted after.
      respond: () => (events.push({ at: performance.now(), weight: 1 }), 'ok'),
    });
    const fns: BoundModelFunction[] = [];
    try {
      for (let i = 0; i < 3; i++) {
        const { registry, log } = instance();
        const model = defineModel(openAIProvider, {
          provider: 'openai',
          endpoint: emu.url('/v1/chat/completions'),
          'api-key': 'sk-shared',
          model: 'gpt-test',
          'rate-limit.requests-per-minute': String(perSecond * 60),
        });
        fns.push(bindModel(openAIProvider, model, { limiters: registry, log }));
      }
      const stop = new AbortController();
      setMaxListeners(200, stop.signal);
      const caller = async (fn: BoundModelFunction) => {
        while (!stop.signal.aborted) await fn.predict(['row'], { signal: stop.signal }).catch(() => {});
      };
      const running = fns.flatMap((fn) => Array.from({ length: 4 }, () => caller(fn)));
      await new Promise((r) => setTimeout(r, seconds * 1_000));
      stop.abort(new Error('done'));
      await Promise.all(running);

      const from = events[0]!.at;
      const watched = events.filter((e) => e.at - from >= 1_000 && e.at - from < (seconds - 0.5) * 1_000);
      const span = (watched.at(-1)!.at - watched[0]!.at) / 1_000;
      const achieved = (watched.length - 1) / span;
      // Steady state, as the achieved rate: from the first second on.
      const w = windowStats(watched, 1_000, perSecond);
      const startUp = windowStats(events.filter((e) => e.at - from < 2_000), 1_000, perSecond);
      const perInstance = fns.map((f) => f.stats().requests);
      console.info(`[redis] achieved ${achieved.toFixed(2)}/s of ${perSecond}, worst 1-s window ${w.max}, over ${w.over} (first 2 s: worst ${startUp.max}), per instance ${perInstance.join('/')}`);
      // One quota, not three: alone each would send 40/s (120 in a window). The exact targets
      // (within 3 %, 0 over) are the bench's (issue 9: speed targets live in the bench). Here the
      // emulator shares this process: when the machine is loaded (a full test run) a stall stamps
      // the requests that arrived meanwhile together (43 in a window was seen), hence the tolerances.
      expect(achieved / perSecond).toBeGreaterThanOrEqual(0.75);
      expect(achieved / perSecond).toBeLessThanOrEqual(1);
      expect(w.max).toBeLessThanOrEqual(perSecond * 1.2);
      // Every instance got a fair part, none starved.
      for (const n of perInstance) expect(n).toBeGreaterThan((perSecond * seconds) / 6);
      expect(fns[0]!.stats().limiter?.backend).toBe('redis');
    } finally {
      await Promise.all(fns.map((f) => f.close()));
      await emu.close();
    }
  }, 60_000);

  it('shares a 429: one instance pauses and slows them all', async () => {
    const key = uniqueKey();
    const a = instance().registry.get(key, { requestsPerMinute: 6_000 });
    const b = instance().registry.get(key, { requestsPerMinute: 6_000 });
    (await a.acquire(1, never())).release();
    (await b.acquire(1, never())).release();
    a.throttled(1_000);
    await new Promise((r) => setTimeout(r, 50));
    const { ms, value } = await timed(b.acquire(1, never()));
    value.release();
    expect(ms).toBeGreaterThanOrEqual(850);
    expect(ms).toBeLessThan(2_000);
    expect(b.state().rateFactor).toBeCloseTo(0.9, 1);
  });

  it('shares tokens with the usage correction: an overrun in one instance makes the other wait, a refund lets it go', async () => {
    const key = uniqueKey();
    const limits = { tokensPerMinute: 600_000 };
    const a = instance().registry.get(key, limits);
    const b = instance().registry.get(key, limits);
    // 10,000 tokens/s (97.5 % refilled): a call that used 30,000 leaves about three seconds of debt.
    const big = await a.acquire(1_000, never());
    big.release({ totalTokens: 30_000 });
    await new Promise((r) => setTimeout(r, 50));
    const slow = await timed(b.acquire(10, never()));
    slow.value.release({ totalTokens: 10 });
    expect(slow.ms).toBeGreaterThanOrEqual(2_500);
    expect(slow.ms).toBeLessThan(4_500);
    // An estimate of 20,000 that used 50: refunded, so the next call does not wait two seconds.
    const generous = await a.acquire(20_000, never());
    generous.release({ totalTokens: 50 });
    await new Promise((r) => setTimeout(r, 50));
    const fast = await timed(b.acquire(10, never()));
    fast.value.release();
    expect(fast.ms).toBeLessThan(500);
  });

  it('shares max-concurrent: a permit held by one instance keeps the other waiting until it is released', async () => {
    const key = uniqueKey();
    const a = instance().registry.get(key, { maxConcurrent: 2 });
    const b = instance().registry.get(key, { maxConcurrent: 2 });
    const held = [await a.acquire(1, never()), await a.acquire(1, never())];
    let granted: Permit | undefined;
    void b.acquire(1, never()).then((p) => (granted = p));
    await new Promise((r) => setTimeout(r, 300));
    expect(granted).toBeUndefined();
    held[0]!.release();
    await new Promise((r) => setTimeout(r, 200));
    expect(granted).toBeDefined();
    granted!.release();
    held[1]!.release();
  });

  it('Redis down: each instance takes its share locally with a warning, never unlimited, then goes back by itself', async () => {
    const key = uniqueKey();
    const limits = { requestsPerMinute: 1_200 };
    const one = instance();
    const leases: LimiterLease[] = [one.registry.get(key, limits), instance().registry.get(key, limits), instance().registry.get(key, limits)];
    for (const l of leases) (await l.acquire(1, never())).release();
    // A heartbeat (every 2 s) tells each instance there are three.
    await new Promise((r) => setTimeout(r, 2_500));
    await redis.kill();
    try {
      const lease = leases[0]!;
      const started = Date.now();
      let n = 0;
      while (Date.now() - started < 3_000) {
        (await lease.acquire(1, never())).release();
        n++;
      }
      // A third of 20/s (at 97.5 %) for 3 s, plus the small burst.
      expect(lease.state().backend).toBe('local-fallback');
      expect(n).toBeGreaterThanOrEqual(15);
      expect(n).toBeLessThanOrEqual(23);
      expect(one.log.entries.some((e) => e.level === 'warn' && /takes its share of the limits locally/.test(e.msg))).toBe(true);
    } finally {
      await redis.restart();
    }
    const lease = leases[0]!;
    const deadline = Date.now() + 10_000;
    while (lease.state().backend !== 'redis' && Date.now() < deadline) {
      (await lease.acquire(1, never())).release();
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(lease.state().backend).toBe('redis');
    expect(one.log.entries.some((e) => /reachable again/.test(e.msg))).toBe(true);
  }, 30_000);
});

describe('rate limits with an unreachable Redis', () => {
  it('fall back to the local share after the first connection attempt (2 s at most, warned): neither unlimited nor stalled', async () => {
    const log = captureLogger();
    const registry = new LimiterRegistry({ log, redisUrl: `redis://127.0.0.1:${await freePort()}` });
    try {
      const lease = registry.get(uniqueKey(), { requestsPerMinute: 600 });
      const started = Date.now();
      for (let i = 0; i < 5; i++) (await lease.acquire(1, never())).release();
      const ms = Date.now() - started;
      // The first call waits for the first connection (2 s at most); then 9.75/s with no one else seen alive.
      expect(ms).toBeGreaterThan(300);
      expect(ms).toBeLessThan(4_000);
      expect(lease.state().backend).toBe('local-fallback');
      expect(log.entries.some((e) => e.level === 'warn' && /takes its share of the limits locally/.test(e.msg))).toBe(true);
    } finally {
      await registry.close();
    }
  }, 20_000);
});
