import Bottleneck from 'bottleneck';
import type { Logger } from '../spi/logger.js';
import { abortableSleep } from './clock.js';
import { ProviderClosedError } from './provider-errors.js';

/** The limits one model declares for its quota; undefined means unlimited. */
export interface RateLimits {
  readonly requestsPerMinute?: number | undefined;
  readonly tokensPerMinute?: number | undefined;
  readonly maxConcurrent?: number | undefined;
}

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

/** Bottleneck's heartbeat: the token bucket's refill step (pitfalls §4.1: multiples of 250 ms). */
const TICK_MS = 250;
/**
 * The request bucket refills at 97% of the configured rate: provider windows are not aligned
 * with ours, and without headroom a few ms of timer jitter puts an 11th request into someone's
 * 1-second window of 10.
 */
const TARGET_SHARE = 0.97;
/** The request bucket holds a quarter second of requests (at least one): a small burst, never a minute's worth. */
const REQUEST_BURST_SECONDS = 0.25;
/** Above ~50 requests/s the pacer wakes every 20 ms and adds several tokens at once. */
const MIN_REFILL_MS = 20;
/** The token bucket holds ten seconds of tokens, and a single call is clamped to that. */
const TOKEN_BUCKET_SECONDS = 10;
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
/** A Retry-After longer than this is taken as this. */
const MAX_PAUSE_MS = 10 * 60_000;
/** Bottleneck priorities: lower runs first. */
const PRIORITY_RETRY = 4;
const PRIORITY_FIRST_ATTEMPT = 5;

/**
 * Requests: a bottleneck reservoir (queue, priorities, concurrency, debt) refilled one token per
 * slot on a fixed grid by our own pacer, instead of bottleneck's reservoirIncrease: its heartbeat
 * restarts the interval from each late tick (2-5% slow under load) and adds a whole tick's tokens
 * at once, and any clump lets 11 requests into a provider's 1-second window of 10. Grid slots
 * keep requests evenly spaced, and a late timer never shifts the grid.
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
    plan.requests = { tokensPerSecond, maximum: Math.max(1, Math.ceil((rpm / 60) * REQUEST_BURST_SECONDS)) };
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

function sameLimits(a: RateLimits, b: RateLimits): boolean {
  return a.requestsPerMinute === b.requestsPerMinute && a.tokensPerMinute === b.tokensPerMinute && a.maxConcurrent === b.maxConcurrent;
}

function clampWeight(weight: number, maximum: number): number {
  if (!Number.isFinite(weight)) return maximum;
  return Math.min(maximum, Math.max(1, Math.ceil(weight)));
}

/**
 * One limiter per quota key, shared by every job of the daemon. A value owned by the daemon (and
 * by each test), never a module global.
 */
export class LimiterRegistry {
  readonly #quotas = new Map<string, QuotaLimiter>();
  readonly #log: Logger;
  #closed = false;

  constructor(opts: { readonly log: Logger }) {
    this.#log = opts.log;
  }

  /** Joins the quota `quotaKey` with `limits`; models sharing a key get the strictest limits of all. */
  get(quotaKey: string, limits: RateLimits): LimiterLease {
    if (this.#closed) throw new ProviderClosedError('the limiter registry is closed');
    let quota = this.#quotas.get(quotaKey);
    if (!quota) {
      quota = new QuotaLimiter(quotaKey, this.#log.child({ quotaKey }));
      this.#quotas.set(quotaKey, quota);
    }
    const owner = quota;
    const user = owner.join(limits);
    let left = false;
    return Object.freeze({
      quotaKey,
      get limits() {
        return owner.limits;
      },
      acquire: (request: AcquireRequest) => owner.acquire(request),
      throttled: (pauseMs: number, permit?: Permit) => owner.throttled(pauseMs, permit),
      snapshot: () => owner.snapshot(),
      close: () => {
        if (left) return;
        left = true;
        if (owner.leave(user)) {
          void owner.close();
          if (this.#quotas.get(quotaKey) === owner) this.#quotas.delete(quotaKey);
        }
      },
    });
  }

  quotaKeys(): string[] {
    return [...this.#quotas.keys()].sort();
  }

  /** Stops every limiter: waiting acquisitions reject with ProviderClosedError. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const quotas = [...this.#quotas.values()];
    this.#quotas.clear();
    await Promise.all(quotas.map((q) => q.close()));
  }
}

interface Generation {
  readonly plan: LimiterPlan;
  /** Request bucket (refilled by the pacer) and concurrency; weight 1 per request. */
  readonly requests: Bottleneck | undefined;
  /** Token bucket (weight = estimated tokens); the outer limiter, requests nest inside it. */
  readonly tokens: Bottleneck | undefined;
  retired: boolean;
}

type Counters = { throttles: number; rateDecreases: number; abandoned: number };

class QuotaLimiter {
  readonly key: string;
  readonly #log: Logger;
  readonly #users = new Map<number, RateLimits>();
  #nextUser = 1;
  #limits: RateLimits = {};
  #gen: Generation;
  #factor = 1;
  #lastDecreaseAt = -Infinity;
  #lastThrottleAt = -Infinity;
  #pausedUntil = 0;
  #pacer: NodeJS.Timeout | undefined;
  /** When the next request token is due (epoch ms). */
  #nextDue = 0;
  #lastRefill = Date.now();
  #closed = false;
  readonly #counters: Counters = { throttles: 0, rateDecreases: 0, abandoned: 0 };

  constructor(key: string, log: Logger) {
    this.key = key;
    this.#log = log;
    this.#gen = this.#build({}, true);
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
    this.#apply(others.length === 0);
    return id;
  }

  /** True when the last user left. */
  leave(id: number): boolean {
    this.#users.delete(id);
    if (this.#users.size === 0) return true;
    this.#apply(false);
    return false;
  }

  #merged(): RateLimits {
    let merged: RateLimits | undefined;
    for (const l of this.#users.values()) merged = merged ? stricterLimits(merged, l) : { ...l };
    return merged ?? {};
  }

  #apply(first: boolean): void {
    const merged = this.#merged();
    if (sameLimits(merged, this.#limits)) return;
    this.#limits = Object.freeze(merged);
    const old = this.#gen;
    this.#gen = this.#build(merged, first);
    void this.#retire(old);
    this.#startPacer();
    if (!first) this.#log.info({ effective: merged }, 'quota limits changed; limiter rebuilt');
  }

  /**
   * A new pair of Bottleneck instances. Settings are never changed on a live limiter
   * (`updateSettings` stops the refill, bottleneck #185): a change of limits builds a new
   * generation and the old one forwards its waiting jobs here.
   */
  #build(limits: RateLimits, first: boolean): Generation {
    const plan = planLimits(limits);
    const now = Date.now();
    let requests: Bottleneck | undefined;
    if (plan.requests || plan.maxConcurrent !== undefined) {
      const r = plan.requests;
      let initial: number | null = null;
      if (r) {
        // Start with one token, not a full burst; a rebuilt generation inherits a pause as debt.
        const pausedMs = Math.max(0, this.#pausedUntil - now);
        initial = pausedMs > 0 ? -Math.floor((this.#factor * r.tokensPerSecond * pausedMs) / 1000) : first ? 1 : 0;
      }
      requests = new Bottleneck({ maxConcurrent: plan.maxConcurrent ?? null, reservoir: initial });
      requests.on('error', (err: unknown) => this.#log.error({ err }, 'request limiter error'));
    }
    let tokens: Bottleneck | undefined;
    if (plan.tokens) {
      tokens = new Bottleneck({
        reservoir: first ? plan.tokens.maximum : 0,
        reservoirIncreaseInterval: TICK_MS,
        reservoirIncreaseAmount: plan.tokens.perTick,
        reservoirIncreaseMaximum: plan.tokens.maximum,
      });
      tokens.on('error', (err: unknown) => this.#log.error({ err }, 'token limiter error'));
    }
    return { plan, requests, tokens, retired: false };
  }

  /**
   * Dropping the waiting jobs makes their acquire() forward to the current generation; granted
   * permits finish on the old one (for that moment in-flight calls may exceed max-concurrent).
   */
  #retire(gen: Generation): Promise<void> {
    gen.retired = true;
    const stops = [gen.tokens, gen.requests].map(async (limiter) => {
      if (!limiter) return;
      try {
        // stop() settles once granted permits are released; nothing waits for that, so a caller
        // that never releases cannot hang close(). Waiting jobs are dropped right away.
        limiter
          .stop({ dropWaitingJobs: true, dropErrorMessage: 'limiter generation retired' })
          .catch((err: unknown) => this.#log.error({ err }, 'could not stop a retired limiter'));
        await limiter.disconnect();
      } catch (err) {
        this.#log.error({ err }, 'could not stop a retired limiter');
      }
    });
    return Promise.all(stops).then(() => undefined);
  }

  acquire(request: AcquireRequest): Promise<Permit> {
    if (this.#closed) return Promise.reject(new ProviderClosedError(`the rate limiter of '${this.key}' is closed`));
    if (request.signal.aborted) return Promise.reject(request.signal.reason);
    return this.#acquireOn(this.#gen, request);
  }

  async #acquireOn(gen: Generation, request: AcquireRequest): Promise<Permit> {
    if (!gen.plan.requests) {
      // No request bucket to put into debt: a Retry-After pause is a plain wait.
      while (Date.now() < this.#pausedUntil) await abortableSleep(this.#pausedUntil - Date.now(), request.signal);
      if (this.#closed) throw new ProviderClosedError(`the rate limiter of '${this.key}' is closed`);
      if (gen.retired) return this.#acquireOn(this.#gen, request);
    }
    if (!gen.requests && !gen.tokens) return this.#permit(gen, 0, () => {});
    return this.#schedule(gen, request);
  }

  #schedule(gen: Generation, request: AcquireRequest): Promise<Permit> {
    return new Promise<Permit>((resolve, reject) => {
      let state: 'queued' | 'granted' | 'gone' = 'queued';
      const weight = gen.plan.tokens ? clampWeight(request.weight, gen.plan.tokens.maximum) : 0;
      const priority = request.retry ? PRIORITY_RETRY : PRIORITY_FIRST_ATTEMPT;
      const { signal } = request;
      const onAbort = () => {
        if (state !== 'queued') return;
        state = 'gone';
        this.#counters.abandoned++;
        reject(signal.reason);
      };
      signal.addEventListener('abort', onAbort, { once: true });

      // Bottleneck cannot cancel a queued job: an abandoned one runs as a no-op and gives its tokens back.
      const hold = (): Promise<void> => {
        signal.removeEventListener('abort', onAbort);
        if (state !== 'queued') {
          void this.#refundAbandoned(gen, weight);
          return Promise.resolve();
        }
        state = 'granted';
        return new Promise<void>((done) => resolve(this.#permit(gen, weight, done)));
      };
      // Nested, never chain(): chain passes the token weight on to the request limiter (pitfalls §4.2 #8).
      const inner = (): Promise<void> => (gen.requests ? gen.requests.schedule({ priority }, hold) : hold());
      const outer = gen.tokens ? gen.tokens.schedule({ priority, weight }, inner) : inner();
      outer.catch((err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        if (state !== 'queued') return;
        state = 'gone';
        if (this.#closed) reject(new ProviderClosedError(`the rate limiter of '${this.key}' is closed`));
        else if (gen.retired) this.#acquireOn(this.#gen, request).then(resolve, reject);
        else reject(err);
      });
    });
  }

  #permit(gen: Generation, weight: number, done: () => void): Permit {
    let released = false;
    return Object.freeze({
      grantedAt: Date.now(),
      reservedTokens: weight,
      release: (result?: { readonly totalTokens?: number | undefined; readonly rejected?: boolean }) => {
        if (released) return;
        released = true;
        done();
        if (!gen.tokens || gen.retired) return;
        if (result?.rejected) void this.#adjustTokens(gen, weight);
        else if (result?.totalTokens !== undefined && Number.isFinite(result.totalTokens)) {
          void this.#adjustTokens(gen, weight - result.totalTokens);
        }
      },
    });
  }

  /**
   * Positive: refund, capped so the bucket never exceeds its maximum (incrementReservoir ignores
   * the cap). Negative: extra charge, at most one bucket's worth, which may leave the bucket in debt.
   */
  async #adjustTokens(gen: Generation, delta: number): Promise<void> {
    const limiter = gen.tokens;
    const plan = gen.plan.tokens;
    if (!limiter || !plan || delta === 0) return;
    try {
      if (delta > 0) await refundCapped(limiter, delta, plan.maximum);
      else await limiter.incrementReservoir(-Math.min(-delta, plan.maximum));
    } catch (err) {
      this.#log.error({ err }, 'token bucket correction failed');
    }
  }

  async #refundAbandoned(gen: Generation, weight: number): Promise<void> {
    try {
      if (gen.requests && gen.plan.requests) await refundCapped(gen.requests, 1, gen.plan.requests.maximum);
      if (gen.tokens && gen.plan.tokens && weight > 0) await refundCapped(gen.tokens, weight, gen.plan.tokens.maximum);
    } catch (err) {
      this.#log.error({ err }, 'refund of an abandoned request failed');
    }
  }

  throttled(pauseMs: number, permit?: Permit): void {
    if (this.#closed) return;
    const now = Date.now();
    this.#lastThrottleAt = now;
    this.#counters.throttles++;
    const gen = this.#gen;
    const plan = gen.plan.requests;
    const fresh = permit === undefined || permit.grantedAt > this.#lastDecreaseAt;
    if (plan && fresh && now - this.#lastDecreaseAt >= DECREASE_GUARD_MS) {
      const beta = now - this.#lastDecreaseAt < REPEAT_WINDOW_MS ? RATE_DECREASE : FIRST_DECREASE;
      this.#factor = Math.max(RATE_FLOOR, this.#factor * beta);
      this.#lastDecreaseAt = now;
      this.#counters.rateDecreases++;
      this.#log.warn(
        { requestsPerMinute: Math.round((this.#limits.requestsPerMinute ?? 0) * this.#factor), pauseMs: Math.round(pauseMs) },
        'provider throttled (429): pausing and lowering the request rate',
      );
    }
    const until = now + Math.min(Math.max(0, pauseMs), MAX_PAUSE_MS);
    if (until <= this.#pausedUntil) return;
    this.#pausedUntil = until;
    if (plan && gen.requests) {
      // Debt of one token per grid slot before `until`: the first token that brings the reservoir
      // back to 1 is the first slot after the pause (pitfalls §4.2 #11).
      const gap = this.#gap(plan);
      const slots = this.#nextDue <= until ? Math.floor((until - this.#nextDue) / gap) + 1 : 0;
      void debtTo(gen.requests, -slots).catch((err: unknown) => this.#log.error({ err }, 'could not pause the request bucket'));
    }
  }

  /** Milliseconds between request tokens at the current (AIMD-lowered) rate. */
  #gap(plan: RequestBucketPlan): number {
    return 1000 / (plan.tokensPerSecond * this.#factor);
  }

  #startPacer(): void {
    if (this.#pacer) clearTimeout(this.#pacer);
    this.#pacer = undefined;
    const plan = this.#gen.plan.requests;
    if (!plan || this.#closed) return;
    this.#lastRefill = Date.now();
    this.#nextDue = this.#lastRefill + this.#gap(plan);
    this.#armPacer(plan);
  }

  #armPacer(plan: RequestBucketPlan): void {
    const delay = Math.max(this.#nextDue - Date.now(), this.#gap(plan) < MIN_REFILL_MS ? MIN_REFILL_MS : 0);
    this.#pacer = setTimeout(() => void this.#refill(), delay);
    this.#pacer.unref();
  }

  /**
   * Adds one token per grid slot that came due, capped at the burst. Lowering the rate widens the
   * slots (refill withheld); the rate climbs back additively once 429s stop.
   */
  async #refill(): Promise<void> {
    const gen = this.#gen;
    const plan = gen.plan.requests;
    if (!plan || !gen.requests || this.#closed) return;
    const now = Date.now();
    if (this.#factor < 1 && now - this.#lastThrottleAt >= DECREASE_GUARD_MS) {
      this.#factor = Math.min(1, this.#factor + (RATE_INCREASE_PER_SECOND * (now - this.#lastRefill)) / 1000);
      if (this.#factor === 1) this.#log.info('request rate restored after throttling');
    }
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
    if (!this.#closed && this.#gen === gen) this.#armPacer(plan);
  }

  async snapshot(): Promise<LimiterSnapshot> {
    const gen = this.#gen;
    const requestsReservoir = gen.requests && gen.plan.requests ? await gen.requests.currentReservoir() : null;
    const tokensReservoir = gen.tokens ? await gen.tokens.currentReservoir() : null;
    const queued = (gen.requests?.queued() ?? 0) + (gen.tokens?.queued() ?? 0);
    return Object.freeze({
      quotaKey: this.key,
      limits: this.#limits,
      rateFactor: this.#factor,
      requestsReservoir,
      tokensReservoir,
      pausedUntil: this.#pausedUntil,
      queued,
      ...this.#counters,
    });
  }

  /** Waiting acquisitions reject; granted permits stay valid until released. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#pacer) clearTimeout(this.#pacer);
    this.#pacer = undefined;
    await this.#retire(this.#gen);
  }
}

async function refundCapped(limiter: Bottleneck, amount: number, maximum: number): Promise<void> {
  const current = (await limiter.currentReservoir()) ?? 0;
  const increment = Math.min(amount, maximum - current);
  if (increment > 0) await limiter.incrementReservoir(increment);
}

async function debtTo(limiter: Bottleneck, target: number): Promise<void> {
  const current = (await limiter.currentReservoir()) ?? 0;
  if (current > target) await limiter.incrementReservoir(target - current);
}
