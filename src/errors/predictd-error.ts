import type { ErrorCode } from './error-codes.js';

/** Base class of every error predictd raises on purpose: a stable code plus a message. */
export class PredictdError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}
