import type { ErrorTolerance, FailureStage } from '../spi/source.js';
import { assertNever } from '../types/data-type.js';

/** 'fail' fails the job (nothing at or past the row is committed); 'route' sends the record to the dead-letter queue, else drops it. */
export type FailureRoute = 'fail' | 'route';

/** A row that failed for good, as the routing decision needs it. */
export type FailureCase =
  /** The model's error strategy already chose: 'ignore' lets the row go, 'fail' fails the job. */
  | { readonly stage: 'predict'; readonly action: 'ignore' | 'fail' }
  /** Failures outside the model follow the source's `errors.tolerance` (Kafka Connect's semantics). */
  | { readonly stage: Exclude<FailureStage, 'predict'>; readonly tolerance: ErrorTolerance };

/**
 * The one place that decides what a row that failed for good does to its job. Every stage
 * (decode, transform, predict, sink) asks here, so tolerance and strategy mean the same everywhere.
 */
export function routeFailure(failure: FailureCase): FailureRoute {
  switch (failure.stage) {
    case 'predict':
      return failure.action === 'ignore' ? 'route' : 'fail';
    case 'decode':
    case 'transform':
    case 'sink':
      return failure.tolerance === 'all' ? 'route' : 'fail';
    default:
      return assertNever(failure, 'failure stage');
  }
}
