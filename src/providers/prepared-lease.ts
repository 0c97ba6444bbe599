import type { LimiterLease, Permit } from './limiter-lease.js';

/**
 * `lease` whose first admissions wait for `prepare` (ModelClient.prepare): the limiter spaces
 * grants for a provider that sees them within 20 ms (limit-plan.ts, ARRIVAL_JITTER_MS), so no
 * grant may come while the request still cannot leave. A prepare that fails is not waited for
 * again: the call then fails as it would have, through the model's error strategy.
 */
export function preparedLease(lease: LimiterLease, prepare: (() => Promise<void>) | undefined): LimiterLease {
  if (!prepare) return lease;
  let ready = false;
  let preparing: Promise<void> | undefined;
  const whenReady = (): Promise<void> => {
    preparing ??= prepare()
      .catch(() => undefined)
      .then(() => {
        ready = true;
      });
    return preparing;
  };
  return {
    get quotaKey() {
      return lease.quotaKey;
    },
    get limits() {
      return lease.limits;
    },
    acquire(cost: number, signal: AbortSignal, opts?: { readonly retry?: boolean }): Promise<Permit> {
      if (ready) return lease.acquire(cost, signal, opts);
      return whenReady().then(() => {
        signal.throwIfAborted();
        return lease.acquire(cost, signal, opts);
      });
    },
    throttled: (retryAfterMs, permit) => lease.throttled(retryAfterMs, permit),
    state: () => lease.state(),
    close: () => lease.close(),
  };
}
