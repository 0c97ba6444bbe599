import type { Logger } from '../spi/logger.js';
import { systemClock, type Clock } from './clock.js';
import type { RateLimits } from './limit-plan.js';
import type { LimiterLease, Permit } from './limiter-lease.js';
import { LocalQuota } from './local-quota.js';
import { ProviderClosedError } from './provider-errors.js';
import { QuotaLimiter, type Quota } from './quota-limiter.js';
import { RedisConnection, redactedRedisUrl } from './redis-connection.js';
import { RedisQuota } from './redis-quota.js';

export interface LimiterRegistryOptions {
  readonly log: Logger;
  /** Refills, pauses and wake-ups; tests pass a virtual clock. */
  readonly clock?: Clock;
  /**
   * `limiter.redis.url`: every quota is shared through this Redis by all the instances using it
   * (redis-quota.ts). Unset: each quota is this process's alone.
   */
  readonly redisUrl?: string | undefined;
}

/**
 * One limiter per quota key, shared by every job of the daemon. A value owned by the daemon (and
 * by each test), never a module global.
 */
export class LimiterRegistry {
  readonly #quotas = new Map<string, QuotaLimiter>();
  readonly #log: Logger;
  readonly #clock: Clock;
  readonly #redis: RedisConnection | undefined;
  #closed = false;

  constructor(opts: LimiterRegistryOptions) {
    this.#log = opts.log;
    this.#clock = opts.clock ?? systemClock;
    if (opts.redisUrl) {
      this.#redis = new RedisConnection(opts.redisUrl, opts.log);
      opts.log.info({ redis: redactedRedisUrl(opts.redisUrl) }, 'rate limits are shared with the other instances through Redis');
    }
  }

  /** Joins the quota `quotaKey` with `limits`; models sharing a key get the strictest limits of all. */
  get(quotaKey: string, limits: RateLimits): LimiterLease {
    if (this.#closed) throw new ProviderClosedError('the limiter registry is closed');
    let quota = this.#quotas.get(quotaKey);
    if (!quota) {
      const log = this.#log.child({ quotaKey });
      const store: Quota = this.#redis
        ? new RedisQuota(quotaKey, this.#redis, this.#clock, log)
        : new LocalQuota({}, this.#clock.now(), log);
      quota = new QuotaLimiter(quotaKey, store, this.#clock, log);
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
      acquire: (cost: number, signal: AbortSignal, opts?: { readonly retry?: boolean }) => owner.acquire(cost, signal, opts),
      throttled: (retryAfterMs: number, permit?: Permit) => owner.throttled(retryAfterMs, permit),
      state: () => owner.state(),
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
    await this.#redis?.close();
  }
}
