import type { Logger } from '../spi/logger.js';
import { AimdRate } from './aimd-rate.js';
import { planLimits, type BucketPlan, type LimiterPlan, type RateLimits } from './limit-plan.js';
import { TokenBucket } from './token-bucket.js';

/** A Retry-After longer than this is taken as this. */
export const MAX_PAUSE_MS = 10 * 60_000;

/** Usage as a released permit reports it. */
export interface Usage {
  readonly totalTokens?: number | undefined;
  readonly rejected?: boolean;
}

/** A call admitted by a quota: release() frees its slot and corrects its tokens, exactly once. */
export interface Grant {
  release(usage: Usage | undefined, now: number): void;
}

/** What a quota answers an admission request: the grant (charged), or ms to wait before asking again (Infinity: until a release). */
export type TakeResult = Grant | number;

/**
 * The accounting of one quota in this process, with no timers and no queue: the request and token
 * buckets, the in-flight count, the Retry-After pause and the AIMD rate. Every method takes `now`,
 * so the limiter that queues callers (quota-limiter.ts) decides when to ask again.
 */
export class LocalQuota {
  /** tryTake answers at once (see Quota.synchronous). */
  readonly synchronous = true;
  readonly #log: Logger;
  #limits: RateLimits = {};
  #plan: LimiterPlan = {};
  #requests: TokenBucket | undefined;
  #tokens: TokenBucket | undefined;
  readonly #rate = new AimdRate();
  #lastRefill: number;
  #pausedUntil = 0;
  #inFlight = 0;
  /** Request grant times of the last window, oldest first, from #recentHead on. */
  #recent: number[] = [];
  #recentHead = 0;
  #throttles = 0;
  #rateDecreases = 0;

  constructor(limits: RateLimits, now: number, log: Logger) {
    this.#log = log;
    this.#lastRefill = now;
    this.configure(limits, now);
  }

  get limits(): RateLimits {
    return this.#limits;
  }

  /** New limits take effect at once; the buckets keep their level (cut to the new capacity). */
  configure(limits: RateLimits, now: number): void {
    this.#refill(now);
    this.#limits = limits;
    this.#plan = planLimits(limits);
    this.#requests = rebucket(this.#requests, this.#plan.requests, now);
    this.#tokens = rebucket(this.#tokens, this.#plan.tokens, now);
  }

  /** Tokens a call of estimated `cost` reserves: 0 without a token limit. */
  reservation(cost: number): number {
    const plan = this.#plan.tokens;
    if (!plan) return 0;
    return Number.isFinite(cost) ? Math.max(1, Math.ceil(cost)) : plan.capacity;
  }

  /** Grants one request reserving `tokens` (0) or says how long to wait. */
  tryTake(tokens: number, now: number): TakeResult {
    if (now < this.#pausedUntil) return this.#pausedUntil - now;
    const max = this.#plan.maxConcurrent;
    if (max !== undefined && this.#inFlight >= max) return Infinity;
    this.#refill(now);
    const wait = Math.max(this.#requests?.waitMs(1, this.#rate.factor) ?? 0, this.#tokens?.waitMs(tokens) ?? 0, this.#windowWait(now));
    if (wait > 0) return wait;
    this.#requests?.take(1);
    if (this.#plan.requests) this.#recent.push(now);
    this.#tokens?.take(tokens);
    this.#inFlight++;
    return { release: (usage, at) => this.#release(tokens, usage, at) };
  }

  /**
   * Frees the slot of a call that reserved `reserved` tokens and corrects them from its usage:
   * a refund (never above the bucket), or an overrun charged (at most one minute's tokens).
   */
  #release(reserved: number, usage: Usage | undefined, now: number): void {
    this.#inFlight = Math.max(0, this.#inFlight - 1);
    const tokens = this.#tokens;
    if (!tokens || reserved === 0) return;
    this.#refill(now);
    if (usage?.rejected) tokens.give(reserved);
    else if (usage?.totalTokens !== undefined && Number.isFinite(usage.totalTokens)) {
      const delta = reserved - usage.totalTokens;
      if (delta > 0) tokens.give(delta);
      else tokens.take(Math.min(-delta, this.#limits.tokensPerMinute ?? 0));
    }
  }

  /** A 429 at `now`: pause until Retry-After and lower the request rate (unless the permit predates the last cut). True when lowered. */
  throttled(pauseMs: number, grantedAt: number | undefined, now: number): boolean {
    this.#refill(now);
    this.#throttles++;
    this.#rate.noteThrottle(now);
    const lowered = this.#plan.requests !== undefined && this.#rate.decrease(now, grantedAt);
    if (lowered) this.#rateDecreases++;
    this.#pausedUntil = Math.max(this.#pausedUntil, now + Math.min(Math.max(0, pauseMs), MAX_PAUSE_MS));
    return lowered;
  }

  /** A pause decided elsewhere (the shared quota's, carried over when falling back). */
  pauseUntil(until: number): void {
    this.#pausedUntil = Math.max(this.#pausedUntil, until);
  }

  get pausedUntil(): number {
    return this.#pausedUntil;
  }

  get inFlight(): number {
    return this.#inFlight;
  }

  get rateFactor(): number {
    return this.#rate.factor;
  }

  get counters(): { readonly throttles: number; readonly rateDecreases: number } {
    return { throttles: this.#throttles, rateDecreases: this.#rateDecreases };
  }

  get backend(): 'local' {
    return 'local';
  }

  /** Until the sliding count of request grants has room for one more (0: now). */
  #windowWait(now: number): number {
    const plan = this.#plan.requests;
    if (!plan) return 0;
    const recent = this.#recent;
    while (this.#recentHead < recent.length && recent[this.#recentHead]! <= now - plan.windowMs) this.#recentHead++;
    if (this.#recentHead > 1024 && this.#recentHead * 2 > recent.length) {
      this.#recent = recent.slice(this.#recentHead);
      this.#recentHead = 0;
    }
    const held = this.#recent.length - this.#recentHead;
    if (held < plan.windowLimit) return 0;
    // The grant that must leave the window first: it leaves strictly after windowMs.
    const leaving = this.#recent[this.#recentHead + held - plan.windowLimit]!;
    return Math.max(leaving + plan.windowMs - now, 0) + 1e-3;
  }

  /** The request rate climbs back (AIMD) over the time since the last refill, then both buckets refill. */
  #refill(now: number): void {
    if (now > this.#lastRefill) {
      if (this.#rate.increase(now, now - this.#lastRefill)) this.#log.info('request rate restored after throttling');
      this.#lastRefill = now;
    }
    this.#requests?.refill(now, this.#rate.factor);
    this.#tokens?.refill(now);
  }
}

function rebucket(bucket: TokenBucket | undefined, plan: BucketPlan | undefined, now: number): TokenBucket | undefined {
  if (!plan) return undefined;
  if (!bucket) return new TokenBucket(plan, now);
  bucket.replan(plan);
  return bucket;
}
