import { afterEach, describe, expect, it } from 'vitest';
import { LimiterRegistry, type LimiterLease } from '../../src/providers/index.js';
import { FIRST_CALL_WAIT_MS, preparedLease } from '../../src/providers/prepared-lease.js';
import { captureLogger } from './helpers.js';
import { virtualClock, type VirtualClock } from './virtual-clock.js';

let registry: LimiterRegistry | undefined;
afterEach(async () => {
  await registry?.close();
  registry = undefined;
});

/**
 * Keeps `callers` acquisitions waiting and records when each request can leave: its grant, or
 * `readyAt` if later. With `coldMs`, the client is cold until `coldMs` after the first grant (the
 * first requests open connections and compile the request path): every request granted before
 * then leaves only then, and is answered then.
 */
function saturate(lease: LimiterLease, clock: VirtualClock, callers: number, readyAt: number, coldMs = 0) {
  const sent: number[] = [];
  const stop = new AbortController();
  let warmAt: number | undefined;
  const loop = async () => {
    while (!stop.signal.aborted) {
      try {
        const p = await lease.acquire(1, stop.signal);
        const granted = Math.max(clock.now(), readyAt);
        warmAt ??= granted + coldMs;
        const leaves = Math.max(granted, warmAt);
        sent.push(leaves);
        if (leaves > clock.now()) await clock.sleep(leaves - clock.now(), new AbortController().signal);
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
    const run = saturate(preparedLease(lease, prepare, clock), clock, 64, readyAt);
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
    const failing = preparedLease(
      lease,
      async () => {
        prepares++;
        await clock.sleep(10, new AbortController().signal);
        throw new Error('undici did not load');
      },
      clock,
    );
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

  // The first request, once the transport is loaded, still opens its connection and runs the request
  // path for the first time: measured in P3, its dispatch came 50-100 ms after its grant.
  const COLD_MS = 90;

  it('lets a cold first request go alone: the others are admitted once it was answered', async () => {
    const { clock, lease, readyAt, prepare } = setUp();
    const run = saturate(preparedLease(lease, prepare, clock), clock, 64, readyAt, COLD_MS);
    await clock.advance(3_000);
    await run.stop();
    expect(worstSecond(run.sent)).toBeLessThanOrEqual(100);
    expect(run.sent.length).toBeGreaterThanOrEqual(Math.floor(97.5 * 2.7));
  });

  it('without the wait for the first answer, the requests granted while the client is cold put the first second over', async () => {
    const { clock, lease, readyAt } = setUp();
    const run = saturate(lease, clock, 64, readyAt, COLD_MS);
    await clock.advance(3_000);
    await run.stop();
    expect(worstSecond(run.sent)).toBeGreaterThan(100);
  });

  it('admits the others at most FIRST_CALL_WAIT_MS after the first grant when the first call hangs', async () => {
    const { clock, lease, prepare } = setUp();
    const gated = preparedLease(lease, prepare, clock);
    const hung = gated.acquire(1, new AbortController().signal);
    let admittedAt: number | undefined;
    const other = gated.acquire(1, new AbortController().signal).then((p) => ((admittedAt = clock.now()), p));
    await clock.advance(LOAD_MS);
    const grantedAt = clock.now();
    await hung;
    await clock.advance(FIRST_CALL_WAIT_MS - 1);
    expect(admittedAt).toBeUndefined();
    await clock.advance(10);
    (await other).release();
    expect(admittedAt! - grantedAt).toBeGreaterThanOrEqual(FIRST_CALL_WAIT_MS);
    expect(admittedAt! - grantedAt).toBeLessThan(FIRST_CALL_WAIT_MS + 20);
  });
});
