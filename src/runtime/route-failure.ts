import type { ErrorTolerance, FailureStage } from '../spi/source.js';
import { assertNever } from '../types/data-type.js';

/** 'fail' fails the job (nothing at or past the row is committed); 'route' sends the record to the dead-letter queue, else drops it. */
export type FailureRoute = 'fail' | 'route';

/** A row that failed for good, as the routing decision needs it. */
export type FailureCase =
  /**
   * The model's error strategy already chose: 'ignore' lets the row go, 'fail' fails the job. `fault`
   * says whose fault a 'fail' was: 'row' for an answer no retry can change (a 400 for this input),
   * 'service' for retries or the row's timeout running out (an outage).
   */
  | { readonly stage: 'predict'; readonly action: 'ignore' | 'fail'; readonly fault: 'row' | 'service'; readonly tolerance: ErrorTolerance }
  /** Failures outside the model follow the source's `errors.tolerance` (Kafka Connect's semantics). */
  | { readonly stage: Exclude<FailureStage, 'predict'>; readonly tolerance: ErrorTolerance };

/**
 * The one place that decides what a row that failed for good does to its job. Every stage
 * (decode, transform, predict, sink) asks here, so tolerance and strategy mean the same everywhere.
 *
 * `errors.tolerance` = `all` tolerates what is wrong with a record, as in Kafka Connect: also a model
 * answer that rejects this row for good (a 400) even when the model's strategy says FAILOVER. It does
 * not tolerate an outage: a model that stays unreachable still fails the job (which restarts by its
 * strategy and reads the rows again) instead of pouring every row into the dead-letter queue.
 */
export function routeFailure(failure: FailureCase): FailureRoute {
  switch (failure.stage) {
    case 'predict':
      if (failure.action === 'ignore') return 'route';
      return failure.fault === 'row' && failure.tolerance === 'all' ? 'route' : 'fail';
    case 'decode':
    case 'transform':
    case 'sink':
      return failure.tolerance === 'all' ? 'route' : 'fail';
    default:
      return assertNever(failure, 'failure stage');
  }
}
