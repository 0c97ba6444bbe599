import { ModelCallError } from '../spi/model-provider.js';
import type { Clock } from './clock.js';
import { abortable } from '../spi/abortable.js';

/** An attempt that ran out of `client-timeout`: transient, no HTTP status. */
export class AttemptTimeoutError extends ModelCallError {
  constructor(timeoutMs: number) {
    super('transient', `request timed out after ${timeoutMs} ms`);
    this.name = 'AttemptTimeoutError';
  }
}

/** Runs one attempt of a call under the row's signal and the attempt's own budget. */
export type AttemptRunner = <T>(signal: AbortSignal, call: (signal: AbortSignal) => Promise<T>) => Promise<T>;

/**
 * The per-attempt `client-timeout`, for every provider: the client gets the row's signal plus
 * the attempt's deadline, and the call is raced against them, so a client that ignores its signal
 * still times out. Running out is a transient ModelCallError (retried with backoff); an abort of
 * `signal` rejects with its reason.
 */
export function attemptRunner(clock: Clock, timeoutMs: number): AttemptRunner {
  return async <T>(signal: AbortSignal, call: (signal: AbortSignal) => Promise<T>): Promise<T> => {
    signal.throwIfAborted();
    const deadline = clock.timeout(timeoutMs, signal);
    try {
      return await abortable(call(deadline.signal), deadline.signal);
    } catch (err) {
      if (signal.aborted) throw signal.reason;
      if (deadline.signal.aborted) throw new AttemptTimeoutError(timeoutMs);
      throw err;
    } finally {
      deadline.cancel();
    }
  };
}

