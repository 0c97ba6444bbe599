import { PredictdError } from '../errors/predictd-error.js';
import type { FailureCause } from './failure-decision.js';

/** A model's options cannot work with its provider: raised by `create()`, before any call. */
export class ProviderConfigError extends PredictdError {
  constructor(code: 'PD4201', message: string) {
    super(code, message);
  }
}

/** PD4201: a model's options or columns do not fit its provider; `problem` may list several, joined by '; '. */
export function modelConfigError(model: { readonly name: string }, problem: string): ProviderConfigError {
  return new ProviderConfigError('PD4201', `model '${model.name}': ${problem}`);
}

/** PD4203 not retried, PD4204 retries exhausted, PD4206 per-row timeout, PD4207 malformed answer, PD4208 an answer off the OUTPUT schema. */
export type PredictErrorCode = 'PD4203' | 'PD4204' | 'PD4206' | 'PD4207' | 'PD4208';

/**
 * The error inside a failed PredictOutcome (and the `error-string` column): which model, what
 * kind of failure, after how many attempts, and the failing attempt's HTTP status and response
 * headers. The provider's ModelCallError, when there is one, is the cause; none carries credentials.
 */
export class ModelPredictError extends PredictdError {
  readonly model: string;
  readonly kind: FailureCause;
  readonly status: number | undefined;
  readonly headers: Readonly<Record<string, readonly string[]>> | undefined;
  /** HTTP attempts made for this row, the failing one included. */
  readonly attempts: number;

  constructor(
    code: PredictErrorCode,
    message: string,
    details: {
      model: string;
      kind: FailureCause;
      status: number | undefined;
      headers?: Readonly<Record<string, readonly string[]>> | undefined;
      attempts: number;
      cause: unknown;
    },
  ) {
    super(code, message, { cause: details.cause });
    this.model = details.model;
    this.kind = details.kind;
    this.status = details.status;
    this.headers = details.headers;
    this.attempts = details.attempts;
  }
}

/** A call was waiting on a model function or shared limiter that has been closed. */
export class ProviderClosedError extends PredictdError {
  constructor(message: string) {
    super('PD4205', message);
  }
}
