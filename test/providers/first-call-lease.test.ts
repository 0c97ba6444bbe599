import { setMaxListeners } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { LimiterRegistry, type LimiterLease } from '../../src/providers/index.js';
import { FIRST_CALL_WAIT_MS, firstCallLease } from '../../src/providers/first-call-lease.js';
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
  // Every caller waits on this one signal, as every row of a job waits on the job's.
  setMaxListeners(0, stop.signal);
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

describe('firstCallLease on virtual time', () => {
  function setUp() {
    const clock = virtualClock();
    registry = new LimiterRegistry({ log: captureLogger(), clock });
    return { clock, lease: registry.get('q', { requestsPerMinute: 6_000 }), readyAt: clock.now() };
  }

  // The first request opens its connection and runs the request path for the first time: measured
  // in P3, its dispatch came 50-100 ms after its grant.
  const COLD_MS = 90;

  it('lets a cold first request go alone: the others are admitted once it was answered', async () => {
    const { clock, lease, readyAt } = setUp();
    const run = saturate(firstCallLease(lease, clock), clock, 64, readyAt, COLD_MS);
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
    const { clock, lease } = setUp();
    const gated = firstCallLease(lease, clock);
    const hung = gated.acquire(1, new AbortController().signal);
    let admittedAt: number | undefined;
    const other = gated.acquire(1, new AbortController().signal).then((p) => ((admittedAt = clock.now()), p));
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
