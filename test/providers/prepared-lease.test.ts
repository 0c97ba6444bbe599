import { afterEach, describe, expect, it } from 'vitest';
import { LimiterRegistry, type LimiterLease } from '../../src/providers/index.js';
import { preparedLease } from '../../src/providers/prepared-lease.js';
import { captureLogger } from './helpers.js';
import { virtualClock, type VirtualClock } from './virtual-clock.js';

let registry: LimiterRegistry | undefined;
afterEach(async () => {
  await registry?.close();
  registry = undefined;
});

/** Keeps `callers` acquisitions waiting and records when each request can leave: its grant, or `readyAt` if later. */
function saturate(lease: LimiterLease, clock: VirtualClock, callers: number, readyAt: number) {
  const sent: number[] = [];
  const stop = new AbortController();
  const loop = async () => {
    while (!stop.signal.aborted) {
      try {
        const p = await lease.acquire(1, stop.signal);
        sent.push(Math.max(clock.now(), readyAt));
        p.release();
      } catch {
        return;
      }
    }
  };
  const done = Promise.all(Array.from({ length: callers }, loop));
  return { sent, stop: async () => (stop.abort(new Error('stop')), await done) };
}

/** The most requests a provider counts in any 1-second window (t - 1000, t]. */
function worstSecond(times: readonly number[]): number {
  const sorted = [...times].sort((a, b) => a - b);
  let worst = 0;
  let tail = 0;
  for (let i = 0; i < sorted.length; i++) {
    while (sorted[tail]! <= sorted[i]! - 1000) tail++;
    worst = Math.max(worst, i - tail + 1);
  }
  return worst;
}

describe('preparedLease on virtual time', () => {
  // P3 of issue 9: the HTTP transport loads with a model's first request, 100-150 ms during which
  // the limiter kept granting; those requests then reached the provider together with the next second's.
  const LOAD_MS = 150;

  function setUp() {
    const clock = virtualClock();
    registry = new LimiterRegistry({ log: captureLogger(), clock });
    const readyAt = clock.now() + LOAD_MS;
    const prepare = () => clock.sleep(LOAD_MS, new AbortController().signal);
    return { clock, lease: registry.get('q', { requestsPerMinute: 6_000 }), readyAt, prepare };
  }

  it('grants nothing while the transport loads, so the provider never counts more than the quota in a second', async () => {
    const { clock, lease, readyAt, prepare } = setUp();
    const run = saturate(preparedLease(lease, prepare), clock, 64, readyAt);
    await clock.advance(3_000);
    await run.stop();
    expect(Math.min(...run.sent)).toBeGreaterThanOrEqual(readyAt);
    expect(worstSecond(run.sent)).toBeLessThanOrEqual(100);
    expect(run.sent.length).toBeGreaterThanOrEqual(Math.floor(97.5 * 2.85));
  });

  it('without it, the requests granted during the load leave at once and put a second over the quota', async () => {
    const { clock, lease, readyAt } = setUp();
    const run = saturate(lease, clock, 64, readyAt);
    await clock.advance(3_000);
    await run.stop();
    expect(worstSecond(run.sent)).toBeGreaterThan(100);
  });

  it('waits for one prepare only, goes on when it fails, and rejects a call aborted meanwhile with its reason', async () => {
    const { clock, lease } = setUp();
    let prepares = 0;
    const failing = preparedLease(lease, async () => {
      prepares++;
      await clock.sleep(10, new AbortController().signal);
      throw new Error('undici did not load');
    });
    const aborted = new AbortController();
    const gaveUp = expect(failing.acquire(1, aborted.signal)).rejects.toThrow('row stopped');
    const admitted = failing.acquire(1, new AbortController().signal);
    aborted.abort(new Error('row stopped'));
    await clock.advance(10);
    await gaveUp;
    (await admitted).release();
    (await failing.acquire(1, new AbortController().signal)).release();
    expect(prepares).toBe(1);
  });
});
