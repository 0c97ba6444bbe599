/**
 * AIMD: a 429 after a quiet spell multiplies the request rate by FIRST_DECREASE (most likely a
 * window edge: the Retry-After pause already handles it); another within REPEAT_WINDOW_MS by
 * RATE_DECREASE, so a sustained overload or a storm brings the rate down fast ...
 */
const FIRST_DECREASE = 0.9;
const RATE_DECREASE = 0.75;
const REPEAT_WINDOW_MS = 10_000;
/** ... never below this fraction of the configured rate ... */
const RATE_FLOOR = 0.05;
/** ... and win back this fraction of the configured rate per second without a 429. */
const RATE_INCREASE_PER_SECOND = 0.1;
/** At most one decrease per this long, and no increase within it after a 429: in-flight 429s describe the same overload. */
const DECREASE_GUARD_MS = 1000;

/** The fraction of a quota's configured request rate currently allowed, lowered by 429s (AIMD). */
export class AimdRate {
  #factor = 1;
  #lastDecreaseAt = -Infinity;
  #lastThrottleAt = -Infinity;

  /** 1 when not throttled. */
  get factor(): number {
    return this.#factor;
  }

  /** A 429 arrived at `now`: no increase for DECREASE_GUARD_MS. */
  noteThrottle(now: number): void {
    this.#lastThrottleAt = now;
  }

  /**
   * Lowers the rate for a 429 at `now`, unless it answers a request granted (`grantedAt`) before
   * the last decrease or comes within DECREASE_GUARD_MS of it. True when the rate was lowered.
   */
  decrease(now: number, grantedAt: number | undefined): boolean {
    const fresh = grantedAt === undefined || grantedAt > this.#lastDecreaseAt;
    if (!fresh || now - this.#lastDecreaseAt < DECREASE_GUARD_MS) return false;
    const beta = now - this.#lastDecreaseAt < REPEAT_WINDOW_MS ? RATE_DECREASE : FIRST_DECREASE;
    this.#factor = Math.max(RATE_FLOOR, this.#factor * beta);
    this.#lastDecreaseAt = now;
    return true;
  }

  /**
   * Climbs back for the last `elapsedMs`, counting only the part more than DECREASE_GUARD_MS after
   * the last 429. True when this restored the full rate.
   */
  increase(now: number, elapsedMs: number): boolean {
    const quiet = Math.min(elapsedMs, now - this.#lastThrottleAt - DECREASE_GUARD_MS);
    if (this.#factor >= 1 || quiet <= 0) return false;
    this.#factor = Math.min(1, this.#factor + (RATE_INCREASE_PER_SECOND * quiet) / 1000);
    return this.#factor === 1;
  }
}
