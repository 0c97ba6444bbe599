/** The limits one model declares for its quota; undefined means unlimited. */
export interface RateLimits {
  readonly requestsPerMinute?: number | undefined;
  readonly tokensPerMinute?: number | undefined;
  readonly maxConcurrent?: number | undefined;
}

/** Bottleneck's heartbeat: the token bucket's refill step (pitfalls §4.1: multiples of 250 ms). */
export const TICK_MS = 250;
/**
 * The request bucket refills at 97% of the configured rate: provider windows are not aligned
 * with ours, and without headroom a few ms of timer jitter puts an 11th request into someone's
 * 1-second window of 10.
 */
const TARGET_SHARE = 0.97;
/**
 * The request bucket holds what the 3% headroom leaves of one second (at least one request): a
 * full bucket plus a second of refill is then at most the per-second quota, so no 1-second window
 * of the provider's sees more than its share. (A quarter second of burst let 114 requests into a
 * window of 100 at 6,000 requests/min: bench P3.)
 */
const REQUEST_BURST_SHARE = 1 - TARGET_SHARE;
/** The token bucket holds ten seconds of tokens, and a single call is clamped to that. */
const TOKEN_BUCKET_SECONDS = 10;

/**
 * Requests: a bottleneck reservoir (queue, priorities, concurrency, debt) refilled one token per
 * slot on a fixed grid by our own pacer (request-pacer.ts), instead of bottleneck's reservoirIncrease.
 */
export interface RequestBucketPlan {
  /** Refill rate at full speed: TARGET_SHARE of the configured rate. */
  readonly tokensPerSecond: number;
  /** The burst: the reservoir never refills above this. */
  readonly maximum: number;
}

/** Tokens: bottleneck's own token bucket (reservoirIncreaseInterval/Amount/Maximum). */
export interface TokenBucketPlan {
  /** reservoirIncreaseAmount per TICK_MS. */
  readonly perTick: number;
  /** reservoirIncreaseMaximum: the burst, and the clamp for a single call's weight. */
  readonly maximum: number;
}

export interface LimiterPlan {
  readonly requests?: RequestBucketPlan;
  readonly tokens?: TokenBucketPlan;
  readonly maxConcurrent?: number;
}

/** Bucket settings for a set of limits; pure, so the arithmetic is testable on its own. */
export function planLimits(limits: RateLimits): LimiterPlan {
  const plan: { requests?: RequestBucketPlan; tokens?: TokenBucketPlan; maxConcurrent?: number } = {};
  const rpm = limits.requestsPerMinute;
  if (rpm !== undefined) {
    const tokensPerSecond = (rpm / 60) * TARGET_SHARE;
    plan.requests = { tokensPerSecond, maximum: Math.max(1, Math.floor((rpm / 60) * REQUEST_BURST_SHARE)) };
  }
  const tpm = limits.tokensPerMinute;
  if (tpm !== undefined) {
    plan.tokens = { perTick: (tpm * TICK_MS) / 60_000, maximum: Math.max(1, Math.ceil((tpm * TOKEN_BUCKET_SECONDS) / 60)) };
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
