import type { Logger } from '../spi/logger.js';
import { AimdRate } from './aimd-rate.js';
import { abortableSleep } from './clock.js';
import { sameLimits, stricterLimits, type RateLimits } from './limit-plan.js';
import { buildGeneration, refundCapped, retireGeneration, type Generation } from './limiter-generation.js';
import type { AcquireRequest, LimiterSnapshot, Permit } from './limiter-lease.js';
import { ProviderClosedError } from './provider-errors.js';
import { RequestPacer } from './request-pacer.js';

/** A Retry-After longer than this is taken as this. */
const MAX_PAUSE_MS = 10 * 60_000;
/** Bottleneck priorities: lower runs first. */
const PRIORITY_RETRY = 4;
const PRIORITY_FIRST_ATTEMPT = 5;

type Counters = { throttles: number; rateDecreases: number; abandoned: number };

/** The limiter of one quota key: the models that joined it, its buckets, pauses and AIMD rate. */
export class QuotaLimiter {
  readonly key: string;
  readonly #log: Logger;
  readonly #users = new Map<number, RateLimits>();
  #nextUser = 1;
  #limits: RateLimits = {};
  #gen: Generation;
  readonly #rate = new AimdRate();
  readonly #pacer: RequestPacer;
  #pausedUntil = 0;
  #closed = false;
  readonly #counters: Counters = { throttles: 0, rateDecreases: 0, abandoned: 0 };

  constructor(key: string, log: Logger) {
    this.key = key;
    this.#log = log;
    this.#pacer = new RequestPacer(this.#rate, log);
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
    void retireGeneration(old, this.#log);
    this.#pacer.start(this.#gen);
    if (!first) this.#log.info({ effective: merged }, 'quota limits changed; limiter rebuilt');
  }

  #build(limits: RateLimits, first: boolean): Generation {
    return buildGeneration(limits, first, { pausedUntil: this.#pausedUntil, rateFactor: this.#rate.factor }, this.#log);
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
    this.#rate.noteThrottle(now);
    this.#counters.throttles++;
    if (this.#gen.plan.requests && this.#rate.decrease(now, permit?.grantedAt)) {
      this.#counters.rateDecreases++;
      this.#log.warn(
        { requestsPerMinute: Math.round((this.#limits.requestsPerMinute ?? 0) * this.#rate.factor), pauseMs: Math.round(pauseMs) },
        'provider throttled (429): pausing and lowering the request rate',
      );
    }
    const until = now + Math.min(Math.max(0, pauseMs), MAX_PAUSE_MS);
    if (until <= this.#pausedUntil) return;
    this.#pausedUntil = until;
    this.#pacer.pauseUntil(until);
  }

  async snapshot(): Promise<LimiterSnapshot> {
    const gen = this.#gen;
    const requestsReservoir = gen.requests && gen.plan.requests ? await gen.requests.currentReservoir() : null;
    const tokensReservoir = gen.tokens ? await gen.tokens.currentReservoir() : null;
    const queued = (gen.requests?.queued() ?? 0) + (gen.tokens?.queued() ?? 0);
    return Object.freeze({
      quotaKey: this.key,
      limits: this.#limits,
      rateFactor: this.#rate.factor,
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
    this.#pacer.stop();
    await retireGeneration(this.#gen, this.#log);
  }
}

function clampWeight(weight: number, maximum: number): number {
  if (!Number.isFinite(weight)) return maximum;
  return Math.min(maximum, Math.max(1, Math.ceil(weight)));
}
