import type { CallErrorKind } from '../spi/model-provider.js';
import type { ErrorHandlingStrategy, FallbackStrategy } from './shared-model-options.js';

/** What went wrong with a row: a failed attempt's kind, or the row's own `timeout` running out. */
export type FailureCause = CallErrorKind | 'row-timeout';

/** Try the row again (after the wait the caller owes), let it go, or fail the job. */
export type FailureDecision = 'retry' | 'ignore' | 'fail';

export interface StrategyOptions {
  readonly strategy: ErrorHandlingStrategy;
  readonly retryNum: number;
  readonly fallback: FallbackStrategy;
}

/**
 * The error-handling strategy, in one place, for every failure of a row:
 *
 * | cause       | RETRY                                  | IGNORE                         | FAILOVER |
 * |-------------|----------------------------------------|--------------------------------|----------|
 * | throttled   | retry, never counted                   | retry, never counted           | retry    |
 * | transient   | retry up to retry-num, then fallback   | retry up to retry-num, ignore  | fail     |
 * | fatal       | fallback                               | ignore                         | fail     |
 * | row-timeout | fallback                               | ignore                         | fail     |
 *
 * IGNORE retries transients, unlike Flink (which sends none): a 500 or a hung attempt usually
 * heals by itself, and dropping the row on first sight loses data for nothing. `retry-num` 0
 * gives Flink's behaviour.
 */
export function decideFailure(options: StrategyOptions, cause: FailureCause, retriesSoFar: number): FailureDecision {
  if (cause === 'throttled') return 'retry';
  if (options.strategy === 'FAILOVER') return 'fail';
  if (cause === 'transient' && retriesSoFar < options.retryNum) return 'retry';
  if (options.strategy === 'IGNORE') return 'ignore';
  return options.fallback === 'IGNORE' ? 'ignore' : 'fail';
}

/** Whether the strategy ever lets a row go: the condition for declaring error metadata columns. */
export function canIgnoreRows(options: Pick<StrategyOptions, 'strategy' | 'fallback'>): boolean {
  return decideFailure({ ...options, retryNum: 0 }, 'fatal', 0) === 'ignore';
}
