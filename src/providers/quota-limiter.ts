import type { Logger } from '../spi/logger.js';
import type { Clock, TimerHandle } from './clock.js';
import { sameLimits, stricterLimits, type RateLimits } from './limit-plan.js';
import type { LimiterState, Permit, RateLimiter } from './limiter-lease.js';
import type { Grant, TakeResult, Usage } from './local-quota.js';
import { ProviderClosedError } from './provider-errors.js';

/** The accounting a QuotaLimiter queues callers in front of: this process's (local-quota.ts) or one shared by instances. */
export interface Quota {
  configure(limits: RateLimits, now: number): void;
  reservation(cost: number): number;
  tryTake(tokens: number, now: number): TakeResult | Promise<TakeResult>;
  throttled(pauseMs: number, grantedAt: number | undefined, now: number): boolean;
  readonly pausedUntil: number;
  readonly inFlight: number;
  readonly rateFactor: number;
  readonly counters: { readonly throttles: number; readonly rateDecreases: number };
  readonly backend: LimiterState['backend'];
  /** tryTake never returns a promise: a caller with nobody ahead of it is admitted in the same tick, without a queue entry. */
  readonly synchronous?: boolean;
  close?(): Promise<void>;
}

interface Waiter {
  readonly tokens: number;
  readonly signal: AbortSignal;
  readonly resolve: (permit: Permit) => void;
  readonly reject: (err: unknown) => void;
  readonly onAbort: () => void;
}

/**
 * The limiter of one quota key: the models that joined it, and its callers waiting in two FIFO
 * queues (retries ahead of first attempts) in front of the quota's accounting. Only the head is
 * ever admitted, so a costly call is never overtaken by cheaper ones; one timer, on the injected
 * clock, wakes the head when the quota says it may start.
 */
export class QuotaLimiter implements RateLimiter {
  readonly key: string;
  readonly #log: Logger;
  readonly #clock: Clock;
  readonly #quota: Quota;
  readonly #users = new Map<number, RateLimits>();
  #nextUser = 1;
  #limits: RateLimits = {};
  readonly #retries: Waiter[] = [];
  readonly #firsts: Waiter[] = [];
  #timer: TimerHandle | undefined;
  #timerAt = Infinity;
  #pumping = false;
  #pumpAgain = false;
  #abandoned = 0;
  #closed = false;

  constructor(key: string, quota: Quota, clock: Clock, log: Logger) {
    this.key = key;
    this.#quota = quota;
    this.#clock = clock;
    this.#log = log;
  }

  get limits(): RateLimits {
    return this.#limits;
  }

  join(limits: RateLimits): number {
    const id = this.#nextUser++;
    const others = [...this.#users.values()];
    this.#users.set(id, limits);
    if (others.some((o) => !sameLimits(o, limits))) {
      this.#log.warn(
        { requested: limits, effective: this.#merged() },
        'models sharing this quota declare different rate limits; the stricter limits apply to all of them',
      );
    }
    this.#apply(others.length > 0);
    return id;
  }

  /** True when the last user left. */
  leave(id: number): boolean {
    this.#users.delete(id);
    if (this.#users.size === 0) return true;
    this.#apply(true);
    return false;
  }

  #merged(): RateLimits {
    let merged: RateLimits | undefined;
    for (const l of this.#users.values()) merged = merged ? stricterLimits(merged, l) : { ...l };
    return merged ?? {};
  }

  #apply(announce: boolean): void {
    const merged = this.#merged();
    if (sameLimits(merged, this.#limits)) return;
    this.#limits = Object.freeze(merged);
    this.#quota.configure(this.#limits, this.#clock.now());
    if (announce) this.#log.info({ effective: merged }, 'quota limits changed');
    this.#pump();
  }

  acquire(cost: number, signal: AbortSignal, opts?: { readonly retry?: boolean }): Promise<Permit> {
    if (this.#closed) return Promise.reject(this.#closedError());
    if (signal.aborted) return Promise.reject(signal.reason);
    // Nearly every call finds nobody waiting and the quota open: granted here, with no waiter,
    // abort listener or pump. First come first served holds: nobody is queued ahead of it.
    const quota = this.#quota;
    if (quota.synchronous && !this.#pumping && this.#retries.length === 0 && this.#firsts.length === 0) {
      const tokens = quota.reservation(cost);
      const now = this.#clock.now();
      const answer = quota.tryTake(tokens, now) as TakeResult;
      if (typeof answer !== 'number') return Promise.resolve(new QuotaPermit(this, answer, tokens, now));
    }
    return new Promise<Permit>((resolve, reject) => {
      const queue = opts?.retry ? this.#retries : this.#firsts;
      const waiter: Waiter = {
        tokens: this.#quota.reservation(cost),
        signal,
        resolve,
        reject,
        onAbort: () => {
          if (!remove(queue, waiter)) return;
          this.#abandoned++;
          reject(signal.reason);
          // The head may have been what held the others back.
          this.#pump();
        },
      };
      signal.addEventListener('abort', waiter.onAbort, { once: true });
      queue.push(waiter);
      this.#pump();
    });
  }

  throttled(retryAfterMs: number, permit?: Permit): void {
    if (this.#closed) return;
    if (this.#quota.throttled(retryAfterMs, permit?.grantedAt, this.#clock.now())) {
      this.#log.warn(
        { requestsPerMinute: this.#effectiveRpm(), pauseMs: Math.round(retryAfterMs) },
        'provider throttled (429): pausing and lowering the request rate',
      );
    }
  }

  state(): LimiterState {
    const q = this.#quota;
    return Object.freeze({
      quotaKey: this.key,
      requestsPerMinute: this.#effectiveRpm(),
      tokensPerMinute: this.#limits.tokensPerMinute,
      maxConcurrent: this.#limits.maxConcurrent,
      queued: this.#retries.length + this.#firsts.length,
      inFlight: q.inFlight,
      pausedUntil: q.pausedUntil,
      rateFactor: q.rateFactor,
      ...q.counters,
      abandoned: this.#abandoned,
      backend: q.backend,
    });
  }

  /** Waiting acquisitions reject with ProviderClosedError; granted permits stay valid until released. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#cancelTimer();
    for (const w of this.#retries.splice(0).concat(this.#firsts.splice(0))) {
      w.signal.removeEventListener('abort', w.onAbort);
      w.reject(this.#closedError());
    }
    await this.#quota.close?.();
  }

  #effectiveRpm(): number | undefined {
    const rpm = this.#limits.requestsPerMinute;
    return rpm === undefined ? undefined : rpm * this.#quota.rateFactor;
  }

  #closedError(): ProviderClosedError {
    return new ProviderClosedError(`the rate limiter of '${this.key}' is closed`);
  }

  #head(): Waiter | undefined {
    return this.#retries[0] ?? this.#firsts[0];
  }

  /** Admits waiters from the head while the quota allows; then sleeps until it says to ask again. */
  #pump(): void {
    // A release with nobody waiting (the common case) has nothing to wake.
    if (!this.#pumping && this.#retries.length === 0 && this.#firsts.length === 0) return;
    if (this.#pumping) {
      this.#pumpAgain = true;
      return;
    }
    this.#pumping = true;
    void this.#pumpLoop();
  }

  /**
   * `#pumping` drops in the same tick as the last look at `#pumpAgain` (no await in between), so a
   * wake-up that arrives while the loop runs is never lost.
   */
  async #pumpLoop(): Promise<void> {
    try {
      do {
        this.#pumpAgain = false;
        for (;;) {
          const head = this.#head();
          if (!head || this.#closed) break;
          let answer: TakeResult;
          try {
            const asked = this.#quota.tryTake(head.tokens, this.#clock.now());
            answer = asked instanceof Promise ? await asked : asked;
          } catch (err) {
            this.#log.error({ err }, 'rate limiter failed to ask its quota; retrying in a second');
            answer = 1000;
          }
          if (typeof answer === 'number') {
            if (Number.isFinite(answer)) this.#wakeIn(answer);
            break;
          }
          this.#grant(head, answer);
        }
      } while (this.#pumpAgain && !this.#closed);
    } finally {
      this.#pumping = false;
    }
  }

  #grant(head: Waiter, grant: Grant): void {
    const now = this.#clock.now();
    const queued = remove(this.#retries, head) || remove(this.#firsts, head);
    const permit = new QuotaPermit(this, grant, head.tokens, now);
    head.signal.removeEventListener('abort', head.onAbort);
    // Aborted while an asynchronous quota answered: the call never starts, its tokens come back.
    if (!queued) permit.release({ rejected: true });
    else head.resolve(permit);
  }

  /** A permit was released: its grant is corrected and freed, and the head may start now. */
  released(grant: Grant, usage: Usage | undefined): void {
    grant.release(usage, this.#clock.now());
    if (!this.#closed) this.#pump();
  }

  /** One timer: an earlier wake-up replaces a later one. */
  #wakeIn(ms: number): void {
    const at = this.#clock.now() + ms;
    if (this.#timer && this.#timerAt <= at) return;
    this.#cancelTimer();
    // Not rounded up: a timer that fires a fraction early only asks again, one that fires late loses refill.
    const timer = this.#clock.schedule(ms, () => {
      if (this.#timer !== timer) return;
      this.#timer = undefined;
      this.#timerAt = Infinity;
      this.#pump();
    });
    this.#timer = timer;
    this.#timerAt = at;
  }

  #cancelTimer(): void {
    if (this.#timer !== undefined) this.#clock.cancel(this.#timer);
    this.#timer = undefined;
    this.#timerAt = Infinity;
  }
}

function remove<T>(list: T[], item: T): boolean {
  const i = list.indexOf(item);
  if (i < 0) return false;
  list.splice(i, 1);
  return true;
}

/** A granted call's permit: a class, not a frozen object with a closure, since every call gets one. */
class QuotaPermit implements Permit {
  readonly grantedAt: number;
  readonly reservedTokens: number;
  readonly #limiter: QuotaLimiter;
  readonly #grant: Grant;
  #released = false;

  constructor(limiter: QuotaLimiter, grant: Grant, reservedTokens: number, grantedAt: number) {
    this.#limiter = limiter;
    this.#grant = grant;
    this.reservedTokens = reservedTokens;
    this.grantedAt = grantedAt;
  }

  release(usage?: Usage): void {
    if (this.#released) return;
    this.#released = true;
    this.#limiter.released(this.#grant, usage);
  }
}
