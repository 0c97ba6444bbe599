import type { RateLimits } from './limit-plan.js';

export interface AcquireRequest {
  /** Estimated tokens of the call; clamped to the token bucket so one large call never stalls the queue. */
  readonly weight: number;
  /** Aborting gives up the place in the queue; acquire() then rejects with `signal.reason`. */
  readonly signal: AbortSignal;
  /** A retry after a 429 or a transient failure: served ahead of first attempts. */
  readonly retry?: boolean;
}

/** The right to send one request. Exactly one release() per permit; later calls are ignored. */
export interface Permit {
  readonly grantedAt: number;
  /** Tokens charged up front (the clamped estimate; 0 without a token limit). */
  readonly reservedTokens: number;
  /**
   * Frees the concurrency slot. `totalTokens` from the response `usage` corrects the token bucket
   * (refund or extra charge, both clamped); `rejected` refunds the whole reservation (the provider
   * refused the request before doing any work, e.g. a 429).
   */
  release(result?: { readonly totalTokens?: number | undefined; readonly rejected?: boolean }): void;
}

export interface LimiterSnapshot {
  readonly quotaKey: string;
  readonly limits: RateLimits;
  /** Fraction of the configured request rate currently allowed (AIMD), 1 when not throttled. */
  readonly rateFactor: number;
  readonly requestsReservoir: number | null;
  readonly tokensReservoir: number | null;
  /** Epoch ms until which the quota is paused by a Retry-After (0 when never paused). */
  readonly pausedUntil: number;
  readonly queued: number;
  readonly throttles: number;
  readonly rateDecreases: number;
  readonly abandoned: number;
}

/** One model's handle on a shared quota limiter. */
export interface LimiterLease {
  readonly quotaKey: string;
  /** The effective (strictest) limits of every model on this quota. */
  readonly limits: RateLimits;
  acquire(request: AcquireRequest): Promise<Permit>;
  /**
   * The provider answered 429: pause the whole quota for `pauseMs` (Retry-After) by putting the
   * request bucket into debt, and lower its rate. `permit` tells whether the 429 answers a request
   * sent before the last decrease, which must not lower the rate again.
   */
  throttled(pauseMs: number, permit?: Permit): void;
  snapshot(): Promise<LimiterSnapshot>;
  /** Leaves the quota; the last lease out stops its limiters. Idempotent. */
  close(): void;
}
