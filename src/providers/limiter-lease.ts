import type { RateLimits } from './limit-plan.js';

/** The right to send one request. Exactly one release() per permit; later calls are ignored. */
export interface Permit {
  /** When the limiter granted it (the limiter's clock). */
  readonly grantedAt: number;
  /** Tokens charged up front (the estimate; 0 without a token limit). */
  readonly reservedTokens: number;
  /**
   * Frees the concurrency slot. `totalTokens` from the response `usage` corrects the token bucket
   * (refund or extra charge); `rejected` refunds the whole reservation (the provider refused the
   * request before doing any work, e.g. a 429).
   */
  release(usage?: { readonly totalTokens?: number | undefined; readonly rejected?: boolean }): void;
}

/** What a quota's limiter is doing now: a plain object, safe to keep and to render as metrics. */
export interface LimiterState {
  readonly quotaKey: string;
  /** The request rate now allowed: the configured one lowered by 429s (AIMD); undefined without a limit. */
  readonly requestsPerMinute: number | undefined;
  readonly tokensPerMinute: number | undefined;
  readonly maxConcurrent: number | undefined;
  /** Calls waiting for admission. */
  readonly queued: number;
  /** Permits granted and not yet released. */
  readonly inFlight: number;
  /** Epoch ms until which the quota is paused by a Retry-After (0 when never paused). */
  readonly pausedUntil: number;
  /** Fraction of the configured request rate currently allowed (AIMD), 1 when not throttled. */
  readonly rateFactor: number;
  readonly throttles: number;
  readonly rateDecreases: number;
  /** Waiting calls whose signal aborted before admission. */
  readonly abandoned: number;
  /**
   * Where the quota is kept: this process ('local'), Redis shared by every instance ('redis'), or
   * this instance's share of the limits while Redis cannot be reached ('local-fallback').
   */
  readonly backend: 'local' | 'redis' | 'local-fallback';
}

/** The limiter of one quota, as a model function sees it. */
export interface RateLimiter {
  /**
   * Waits for the quota: one request and `cost` estimated tokens, first come first served
   * (retries ahead of first attempts). Aborting `signal` leaves the queue at once and rejects
   * with `signal.reason`; nothing is charged for a call that never started.
   */
  acquire(cost: number, signal: AbortSignal, opts?: { readonly retry?: boolean }): Promise<Permit>;
  /**
   * The provider answered 429: pause the whole quota for `retryAfterMs` and lower its request rate.
   * `permit` tells whether the 429 answers a request sent before the last decrease, which must not
   * lower the rate again.
   */
  throttled(retryAfterMs: number, permit?: Permit): void;
  state(): LimiterState;
}

/** One model's handle on a shared quota limiter. */
export interface LimiterLease extends RateLimiter {
  readonly quotaKey: string;
  /** The effective (strictest) limits of every model on this quota. */
  readonly limits: RateLimits;
  /** Leaves the quota; the last lease out stops its limiter. Idempotent. */
  close(): void;
}
