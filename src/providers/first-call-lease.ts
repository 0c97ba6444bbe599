import type { Clock } from './clock.js';
import type { LimiterLease, Permit } from './limiter-lease.js';

/**
 * How long the other calls of a model wait at most for its first call's answer: a first call that
 * hangs must not hold them for its whole timeout.
 */
export const FIRST_CALL_WAIT_MS = 1_000;

/**
 * `lease` for a model whose client has not sent anything yet. The limiter spaces grants for a
 * provider that sees them within 20 ms (limit-plan.ts, ARRIVAL_JITTER_MS). A cold client breaks
 * that: its first request opens a connection and runs the request path for the first time (its
 * dispatch was measured 50-100 ms after its grant), and the grants made meanwhile would reach the
 * provider together with the next second's and put that second over the quota. So the first
 * request goes alone, and the others are admitted once it was answered (or failed), at most
 * FIRST_CALL_WAIT_MS after its grant, after one more request is charged (see acquireFirst).
 */
export function firstCallLease(lease: LimiterLease, clock: Clock): LimiterLease {
  let warm = false;
  /** Set by the first acquire; resolves once the others may go. */
  let firstCall: Promise<void> | undefined;
  const acquireFirst = async (cost: number, signal: AbortSignal, opts?: { readonly retry?: boolean }): Promise<Permit> => {
    let open!: () => void;
    firstCall = new Promise<void>((resolve) => (open = resolve)).then(() => {
      warm = true;
    });
    // From here on every other acquire waits for firstCall.
    try {
      const permit = await lease.acquire(cost, signal, opts);
      let done = false;
      const answered = () => {
        if (done) return;
        done = true;
        clock.cancel(cap);
        // The provider may have counted the first request as late as now: one more request is
        // charged now (and nothing sent for it), so the count that spaces the next grants starts
        // here and no provider second holds more than the quota. One request of the quota, once.
        void lease
          .acquire(0, new AbortController().signal)
          .then((extra) => extra.release(), () => undefined)
          .finally(open);
      };
      const cap = clock.schedule(FIRST_CALL_WAIT_MS, answered);
      return {
        grantedAt: permit.grantedAt,
        reservedTokens: permit.reservedTokens,
        release: (usage) => {
          permit.release(usage);
          answered();
        },
      };
    } catch (err) {
      open();
      throw err;
    }
  };
  return {
    get quotaKey() {
      return lease.quotaKey;
    },
    get limits() {
      return lease.limits;
    },
    acquire(cost: number, signal: AbortSignal, opts?: { readonly retry?: boolean }): Promise<Permit> {
      if (warm) return lease.acquire(cost, signal, opts);
      if (!firstCall) return acquireFirst(cost, signal, opts);
      return firstCall.then(() => {
        signal.throwIfAborted();
        return lease.acquire(cost, signal, opts);
      });
    },
    throttled: (retryAfterMs, permit) => lease.throttled(retryAfterMs, permit),
    state: () => lease.state(),
    close: () => lease.close(),
  };
}
