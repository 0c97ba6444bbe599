import { PredictdError } from '../errors/predictd-error.js';
import type { CallErrorKind } from '../spi/model-provider.js';

/** A model's options cannot work with its provider: raised by `create()`, before any call. */
export class ProviderConfigError extends PredictdError {
  constructor(code: 'PD4201' | 'PD4202', message: string) {
    super(code, message);
  }
}

/** PD4201: a model's options or columns do not fit its provider; `problem` may list several, joined by '; '. */
export function modelConfigError(model: { readonly name: string }, problem: string): ProviderConfigError {
  return new ProviderConfigError('PD4201', `model '${model.name}': ${problem}`);
}

/**
 * The error inside a failed PredictOutcome: which model, what kind of failure, after how many
 * attempts. The provider's ModelCallError is the cause; neither carries credentials.
 */
export class ModelPredictError extends PredictdError {
  readonly model: string;
  readonly kind: CallErrorKind;
  readonly status: number | undefined;
  /** HTTP attempts made for this row, the failing one included. */
  readonly attempts: number;

  constructor(
    code: 'PD4203' | 'PD4204',
    message: string,
    details: { model: string; kind: CallErrorKind; status: number | undefined; attempts: number; cause: unknown },
  ) {
    super(code, message, { cause: details.cause });
    this.model = details.model;
    this.kind = details.kind;
    this.status = details.status;
    this.attempts = details.attempts;
  }
}

/** A call was waiting on a model function or shared limiter that has been closed. */
export class ProviderClosedError extends PredictdError {
  constructor(message: string) {
    super('PD4205', message);
  }
}
