import Bottleneck from 'bottleneck';
import type { Logger } from '../spi/logger.js';
import { planLimits, TICK_MS, type LimiterPlan, type RateLimits } from './limit-plan.js';

/** The Bottleneck instances of one set of limits. */
export interface Generation {
  readonly plan: LimiterPlan;
  /** Request bucket (refilled by the pacer) and concurrency; weight 1 per request. */
  readonly requests: Bottleneck | undefined;
  /** Token bucket (weight = estimated tokens); the outer limiter, requests nest inside it. */
  readonly tokens: Bottleneck | undefined;
  retired: boolean;
}

/**
 * A new pair of Bottleneck instances. Settings are never changed on a live limiter
 * (`updateSettings` stops the refill, bottleneck #185): a change of limits builds a new
 * generation and the old one forwards its waiting jobs here. `first`: the quota's first
 * generation (one request token, a full token bucket; later ones start empty).
 */
export function buildGeneration(
  limits: RateLimits,
  first: boolean,
  state: { readonly pausedUntil: number; readonly rateFactor: number },
  log: Logger,
): Generation {
  const plan = planLimits(limits);
  const now = Date.now();
  let requests: Bottleneck | undefined;
  if (plan.requests || plan.maxConcurrent !== undefined) {
    const r = plan.requests;
    let initial: number | null = null;
    if (r) {
      // Start with one token, not a full burst; a rebuilt generation inherits a pause as debt.
      const pausedMs = Math.max(0, state.pausedUntil - now);
      initial = pausedMs > 0 ? -Math.floor((state.rateFactor * r.tokensPerSecond * pausedMs) / 1000) : first ? 1 : 0;
    }
    requests = new Bottleneck({ maxConcurrent: plan.maxConcurrent ?? null, reservoir: initial });
    requests.on('error', (err: unknown) => log.error({ err }, 'request limiter error'));
  }
  let tokens: Bottleneck | undefined;
  if (plan.tokens) {
    tokens = new Bottleneck({
      reservoir: first ? plan.tokens.maximum : 0,
      reservoirIncreaseInterval: TICK_MS,
      reservoirIncreaseAmount: plan.tokens.perTick,
      reservoirIncreaseMaximum: plan.tokens.maximum,
    });
    tokens.on('error', (err: unknown) => log.error({ err }, 'token limiter error'));
  }
  return { plan, requests, tokens, retired: false };
}

/**
 * Dropping the waiting jobs makes their acquire() forward to the current generation; granted
 * permits finish on the old one (for that moment in-flight calls may exceed max-concurrent).
 */
export function retireGeneration(gen: Generation, log: Logger): Promise<void> {
  gen.retired = true;
  const stops = [gen.tokens, gen.requests].map(async (limiter) => {
    if (!limiter) return;
    try {
      // stop() settles once granted permits are released; nothing waits for that, so a caller
      // that never releases cannot hang close(). Waiting jobs are dropped right away.
      limiter
        .stop({ dropWaitingJobs: true, dropErrorMessage: 'limiter generation retired' })
        .catch((err: unknown) => log.error({ err }, 'could not stop a retired limiter'));
      await limiter.disconnect();
    } catch (err) {
      log.error({ err }, 'could not stop a retired limiter');
    }
  });
  return Promise.all(stops).then(() => undefined);
}

/** Adds up to `amount` to the reservoir, never above `maximum` (incrementReservoir ignores the cap). */
export async function refundCapped(limiter: Bottleneck, amount: number, maximum: number): Promise<void> {
  const current = (await limiter.currentReservoir()) ?? 0;
  const increment = Math.min(amount, maximum - current);
  if (increment > 0) await limiter.incrementReservoir(increment);
}

/** Lowers the reservoir to `target` when it is above it. */
export async function debtTo(limiter: Bottleneck, target: number): Promise<void> {
  const current = (await limiter.currentReservoir()) ?? 0;
  if (current > target) await limiter.incrementReservoir(target - current);
}
