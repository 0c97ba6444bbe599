import type { Logger } from '../spi/logger.js';
import type { AimdRate } from './aimd-rate.js';
import type { RequestBucketPlan } from './limit-plan.js';
import { debtTo, refundCapped, type Generation } from './limiter-generation.js';

/** Above ~50 requests/s the pacer wakes every 20 ms and adds several tokens at once. */
const MIN_REFILL_MS = 20;

/**
 * Refills the request bucket (a bottleneck reservoir: queue, priorities, concurrency, debt) one
 * token per slot on a fixed grid, instead of bottleneck's reservoirIncrease: its heartbeat
 * restarts the interval from each late tick (2-5% slow under load) and adds a whole tick's tokens
 * at once, and any clump lets 11 requests into a provider's 1-second window of 10. Grid slots
 * keep requests evenly spaced, and a late timer never shifts the grid. The slots are as wide as
 * the AIMD-lowered rate says.
 */
export class RequestPacer {
  readonly #rate: AimdRate;
  readonly #log: Logger;
  /** The current generation: the one whose request bucket is paced. */
  #gen: Generation | undefined;
  #timer: NodeJS.Timeout | undefined;
  /** When the next request token is due (epoch ms). */
  #nextDue = 0;
  #lastRefill = Date.now();
  #stopped = false;

  constructor(rate: AimdRate, log: Logger) {
    this.#rate = rate;
    this.#log = log;
  }

  /** Paces `gen`, the new current generation, from now on; one without a request bucket is not paced. */
  start(gen: Generation): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#gen = gen;
    const plan = gen.plan.requests;
    if (!plan || this.#stopped) return;
    this.#lastRefill = Date.now();
    this.#nextDue = this.#lastRefill + this.#gap(plan);
    this.#arm(plan);
  }

  /**
   * A Retry-After pause until `until`: debt of one token per grid slot before it, so the first
   * token that brings the reservoir back to 1 is the first slot after the pause (pitfalls §4.2 #11).
   */
  pauseUntil(until: number): void {
    const gen = this.#gen;
    const plan = gen?.plan.requests;
    if (!gen || !plan || !gen.requests) return;
    const gap = this.#gap(plan);
    const slots = this.#nextDue <= until ? Math.floor((until - this.#nextDue) / gap) + 1 : 0;
    void debtTo(gen.requests, -slots).catch((err: unknown) => this.#log.error({ err }, 'could not pause the request bucket'));
  }

  /** For good: later start() calls pace nothing. */
  stop(): void {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** Milliseconds between request tokens at the current (AIMD-lowered) rate. */
  #gap(plan: RequestBucketPlan): number {
    return 1000 / (plan.tokensPerSecond * this.#rate.factor);
  }

  #arm(plan: RequestBucketPlan): void {
    const delay = Math.max(this.#nextDue - Date.now(), this.#gap(plan) < MIN_REFILL_MS ? MIN_REFILL_MS : 0);
    this.#timer = setTimeout(() => void this.#refill(), delay);
    this.#timer.unref();
  }

  /**
   * Adds one token per grid slot that came due, capped at the burst. Lowering the rate widens the
   * slots (refill withheld); the rate climbs back additively once 429s stop.
   */
  async #refill(): Promise<void> {
    const gen = this.#gen;
    const plan = gen?.plan.requests;
    if (!gen || !plan || !gen.requests || this.#stopped) return;
    const now = Date.now();
    if (this.#rate.increase(now, now - this.#lastRefill)) this.#log.info('request rate restored after throttling');
    this.#lastRefill = now;
    let due = 0;
    if (now - this.#nextDue > this.#gap(plan) * (plan.maximum + 1)) {
      // Long idle (or a stalled event loop): the bucket is full anyway; restart the grid from now.
      due = plan.maximum;
      this.#nextDue = now + this.#gap(plan);
    } else {
      while (this.#nextDue <= now) {
        due++;
        this.#nextDue += this.#gap(plan);
      }
    }
    try {
      if (due > 0) await refundCapped(gen.requests, due, plan.maximum);
    } catch (err) {
      this.#log.error({ err }, 'request bucket refill failed');
    }
    if (!this.#stopped && this.#gen === gen) this.#arm(plan);
  }
}
