import { ModelCallError } from '../spi/model-provider.js';
import type { ModelResponse } from '../spi/model-provider.js';
import type { Permit } from './limiter-lease.js';

/** One attempt as the retry loop sees it. Aborts and closed limiters reject instead. */
export type CallResult =
  | { readonly ok: true; readonly response: ModelResponse }
  | { readonly ok: false; readonly error: ModelCallError; readonly permit: Permit };

/** Anything a plugin throws becomes a ModelCallError; an unexpected exception is a plugin bug, so fatal. */
export function asCallError(err: unknown): ModelCallError {
  if (err instanceof ModelCallError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new ModelCallError('fatal', `unexpected provider error: ${message}`, { cause: err });
}
