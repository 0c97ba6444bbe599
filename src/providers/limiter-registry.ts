import type { Logger } from '../spi/logger.js';
import type { RateLimits } from './limit-plan.js';
import type { AcquireRequest, LimiterLease, Permit } from './limiter-lease.js';
import { ProviderClosedError } from './provider-errors.js';
import { QuotaLimiter } from './quota-limiter.js';

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
