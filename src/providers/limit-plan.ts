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

/**
 * How late a grant may come (a timer late, the event loop busy with a batch of records) without
 * the request bucket losing the refill meanwhile: the bucket holds this much above one request.
 */
export const REQUEST_CATCH_UP_MS = 50;

/** One token bucket: continuous refill at `perMs`, never above `capacity`. */
export interface BucketPlan {
  /** Refill per millisecond at full speed: TARGET_SHARE of the configured rate. */
  readonly perMs: number;
  /** The burst (see planLimits). */
  readonly capacity: number;
}

/** Requests: the bucket, and at most `windowLimit` grants in any `windowMs` (a sliding count). */
export interface RequestPlan extends BucketPlan {
  readonly windowLimit: number;
  readonly windowMs: number;
}

export interface LimiterPlan {
  readonly requests?: RequestPlan;
  readonly tokens?: BucketPlan;
  readonly maxConcurrent?: number;
}

/**
 * Bucket settings for a set of limits; pure, so the arithmetic is testable on its own.
 *
 * A provider counting in 1-second windows sees the grants of at most 1 s + ARRIVAL_JITTER_MS.
 * - requests: a sliding count keeps the grants of any 1.02 s at floor(Q) (Q: the per-second quota,
 *   at least 1), exactly. The bucket under it sets the pace (97.5 % of the limit, so the count
 *   rarely binds) and holds one request plus REQUEST_CATCH_UP_MS of refill: after a late timer or
 *   a busy event loop it catches up what it owes, and the count keeps the catching up within the
 *   window. (A bucket alone would have to hold under 1.6 requests to bound every window, and lose
 *   every grant more than 5 ms late: 0.8 of the limit inside a daemon busy with Kafka batches.)
 * - tokens: a call that fits needs its tokens to start; a larger one needs the bucket out of debt
 *   and leaves it in debt. The capacity bounds what an idle quota saves up: Q - refill(1.02 s), at
 *   least 1, so a window holds at most the capacity plus one call more than the refill.
 * The refill is computed from the clock at each grant (fractional tokens).
 */
export function planLimits(limits: RateLimits): LimiterPlan {
  const plan: { requests?: RequestPlan; tokens?: BucketPlan; maxConcurrent?: number } = {};
  const window = 1 + ARRIVAL_JITTER_MS / 1000;
  const rpm = limits.requestsPerMinute;
  if (rpm !== undefined) {
    const perSecond = rpm / 60;
    const refill = perSecond * TARGET_SHARE;
    plan.requests = {
      perMs: refill / 1000,
      capacity: 1 + (refill * REQUEST_CATCH_UP_MS) / 1000,
      windowLimit: Math.max(1, Math.floor(perSecond)),
      windowMs: 1000 + ARRIVAL_JITTER_MS,
    };
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
