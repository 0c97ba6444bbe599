/** The limits one model declares for its quota; undefined means unlimited. */
export interface RateLimits {
  readonly requestsPerMinute?: number | undefined;
  readonly tokensPerMinute?: number | undefined;
  readonly maxConcurrent?: number | undefined;
}

/**
 * The buckets refill at 97.5% of the configured rate: provider windows are not aligned with
 * ours, and the headroom absorbs what timers and the network add to the spacing of requests.
 */
export const TARGET_SHARE = 0.975;
/**
 * How much later than its grant a request may reach the provider (event loop, connection pool):
 * a provider's 1-second window may then hold the grants of 1.02 s.
 */
export const ARRIVAL_JITTER_MS = 20;

/** One token bucket: continuous refill at `perMs`, never above `capacity`. */
export interface BucketPlan {
  /** Refill per millisecond at full speed: TARGET_SHARE of the configured rate. */
  readonly perMs: number;
  /**
   * The burst. A full bucket plus the refill of one second and the jitter allowance stays below
   * the per-second quota (see planLimits), so no 1-second window of the provider's is over it.
   */
  readonly capacity: number;
}

export interface LimiterPlan {
  readonly requests?: BucketPlan;
  readonly tokens?: BucketPlan;
  readonly maxConcurrent?: number;
}

/**
 * Bucket settings for a set of limits; pure, so the arithmetic is testable on its own.
 *
 * Whatever happens, a token bucket grants at most `capacity + perMs * T` in any span of T ms. A
 * provider counting in 1-second windows sees the grants of at most 1 s + ARRIVAL_JITTER_MS, so:
 * - requests are whole, so at most floor(capacity + refill of 1.02 s) of them fit in a window;
 *   the capacity is what keeps that at the per-second quota Q: floor(Q) + 1 - refill(1.02 s), just
 *   under, and at least 1 (a request needs one token). 6,000/min: 1.55; 600/min: 1.05.
 * - tokens: a call that fits needs its tokens to start; a larger one needs the bucket out of debt
 *   and leaves it in debt, so the capacity only bounds what an idle quota saves up: Q - refill(1.02 s),
 *   at least 1. A window then holds at most the capacity plus one call more than the refill.
 * The refill is computed from the clock at each grant (fractional tokens), so a late timer delays a
 * grant and loses nothing unless the bucket fills up meanwhile (the capacity above the next call's
 * need holds about 5 ms of refill), and never clumps requests beyond the capacity.
 */
export function planLimits(limits: RateLimits): LimiterPlan {
  const plan: { requests?: BucketPlan; tokens?: BucketPlan; maxConcurrent?: number } = {};
  const window = 1 + ARRIVAL_JITTER_MS / 1000;
  const rpm = limits.requestsPerMinute;
  if (rpm !== undefined) {
    const perSecond = rpm / 60;
    const refill = perSecond * TARGET_SHARE;
    plan.requests = { perMs: refill / 1000, capacity: Math.max(1, Math.floor(perSecond) + 1 - refill * window - 1e-6) };
  }
  const tpm = limits.tokensPerMinute;
  if (tpm !== undefined) {
    const perSecond = tpm / 60;
    const refill = perSecond * TARGET_SHARE;
    plan.tokens = { perMs: refill / 1000, capacity: Math.max(1, perSecond - refill * window) };
  }
  if (limits.maxConcurrent !== undefined) plan.maxConcurrent = limits.maxConcurrent;
  return plan;
}

/** The strictest of two sets of limits, field by field. */
export function stricterLimits(a: RateLimits, b: RateLimits): RateLimits {
  const min = (x: number | undefined, y: number | undefined) => (x === undefined ? y : y === undefined ? x : Math.min(x, y));
  return {
    requestsPerMinute: min(a.requestsPerMinute, b.requestsPerMinute),
    tokensPerMinute: min(a.tokensPerMinute, b.tokensPerMinute),
    maxConcurrent: min(a.maxConcurrent, b.maxConcurrent),
  };
}

export function sameLimits(a: RateLimits, b: RateLimits): boolean {
  return a.requestsPerMinute === b.requestsPerMinute && a.tokensPerMinute === b.tokensPerMinute && a.maxConcurrent === b.maxConcurrent;
}
