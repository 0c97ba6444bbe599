import { PredictdError } from '../errors/predictd-error.js';
import type { FailureStage } from '../spi/source.js';

/** A row failed for good at a stage whose failures are not tolerated: the job fails with this error. */
export class RowFailedError extends PredictdError {
  declare readonly code: 'PD4101';
  readonly stage: FailureStage;

  constructor(stage: FailureStage, cause: Error) {
    super('PD4101', `a row failed at stage '${stage}' and 'errors.tolerance' is 'none': ${cause.message}`, { cause });
    this.stage = stage;
  }
}

/** The dead-letter queue would not take a routed row: the job fails rather than hold the record uncommitted forever. */
export class DeadLetterFailedError extends PredictdError {
  declare readonly code: 'PD4104';
  readonly stage: FailureStage;

  constructor(stage: FailureStage, attempts: number, cause: Error) {
    super('PD4104', `a row failed at stage '${stage}' and could not be written to the dead-letter queue (${attempts} attempts): ${cause.message}`, { cause });
    this.stage = stage;
  }
}
