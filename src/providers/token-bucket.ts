import type { BucketPlan } from './limit-plan.js';

/** Float slack: a level this close to what a call needs counts as enough. */
const EPSILON = 1e-9;

/**
 * A token bucket with no clock of its own: the caller passes `now` and the rate factor (AIMD), so
 * the arithmetic is exact and testable. The level may go negative (debt): a call larger than the
 * bucket starts once the bucket is out of debt and leaves the rest as debt, so it never stalls the queue.
 */
export class TokenBucket {
  #plan: BucketPlan;
  #level: number;
  #at: number;

  /** Starts full: the capacity is small enough to be a safe first burst (limit-plan.ts). */
  constructor(plan: BucketPlan, now: number) {
    this.#plan = plan;
    this.#level = plan.capacity;
    this.#at = now;
  }

  get level(): number {
    return this.#level;
  }

  get plan(): BucketPlan {
    return this.#plan;
  }

  /** New limits keep the level, cut to the new capacity. */
  replan(plan: BucketPlan): void {
    this.#plan = plan;
    this.#level = Math.min(this.#level, plan.capacity);
  }

  /** Adds what `factor` x the rate refilled since the last call, up to the capacity. */
  refill(now: number, factor = 1): void {
    if (now > this.#at) this.#level = Math.min(this.#plan.capacity, this.#level + (now - this.#at) * this.#plan.perMs * factor);
    this.#at = Math.max(this.#at, now);
  }

  /**
   * Milliseconds until a call of `cost` may start at `factor` x the rate (0: now). A call that fits
   * waits for its tokens; a larger one waits until the bucket is out of debt, which leaves the
   * whole capacity to absorb a late timer (a full bucket would lose every late millisecond).
   */
  waitMs(cost: number, factor = 1): number {
    const missing = (cost <= this.#plan.capacity ? cost : 0) - this.#level;
    return missing <= EPSILON ? 0 : missing / (this.#plan.perMs * factor);
  }

  take(cost: number): void {
    this.#level -= cost;
  }

  /** A refund: never above the capacity, as if the call had cost that much less when it started. */
  give(amount: number): void {
    this.#level = Math.min(this.#plan.capacity, this.#level + amount);
  }
}
