import { ModelCallError } from '../spi/model-provider.js';
import type { Clock, TimerHandle } from './clock.js';

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
  return <T>(signal: AbortSignal, call: (signal: AbortSignal) => Promise<T>): Promise<T> => {
    if (signal.aborted) return Promise.reject(signal.reason);
    return new Promise<T>((resolve, reject) => new Attempt(clock, timeoutMs, signal, resolve, reject).start(call));
  };
}

/**
 * One attempt: its own signal for the client, aborted by the row's signal or by the deadline, and
 * the race settled directly from those two events. One AbortController, one listener and one
 * timer per attempt, with no listener on its own signal: this runs for every row.
 */
class Attempt<T> {
  readonly #controller = new AbortController();
  readonly #clock: Clock;
  readonly #timeoutMs: number;
  readonly #parent: AbortSignal;
  readonly #resolve: (value: T) => void;
  readonly #reject: (err: unknown) => void;
  readonly #timer: TimerHandle;
  #settled = false;

  constructor(clock: Clock, timeoutMs: number, parent: AbortSignal, resolve: (value: T) => void, reject: (err: unknown) => void) {
    this.#clock = clock;
    this.#timeoutMs = timeoutMs;
    this.#parent = parent;
    this.#resolve = resolve;
    this.#reject = reject;
    parent.addEventListener('abort', this.#onParentAbort, { once: true });
    this.#timer = clock.schedule(timeoutMs, this.#onTimeout);
  }

  start(call: (signal: AbortSignal) => Promise<T>): void {
    let pending: Promise<T>;
    try {
      pending = call(this.#controller.signal);
    } catch (err) {
      pending = Promise.reject(err);
    }
    pending.then(this.#onValue, this.#onError);
  }

  readonly #onValue = (value: T): void => {
    if (this.#finish()) this.#resolve(value);
  };

  readonly #onError = (err: unknown): void => {
    if (this.#finish()) this.#reject(this.#parent.aborted ? this.#parent.reason : err);
  };

  readonly #onParentAbort = (): void => {
    this.#controller.abort(this.#parent.reason);
    if (this.#finish()) this.#reject(this.#parent.reason);
  };

  readonly #onTimeout = (): void => {
    if (!this.#finish()) return;
    this.#controller.abort(new DOMException(`the attempt timed out after ${this.#timeoutMs} ms`, 'TimeoutError'));
    this.#reject(new AttemptTimeoutError(this.#timeoutMs));
  };

  /** True the first time: the attempt is settled now, and its timer and listener are freed. */
  #finish(): boolean {
    if (this.#settled) return false;
    this.#settled = true;
    this.#clock.cancel(this.#timer);
    this.#parent.removeEventListener('abort', this.#onParentAbort);
    return true;
  }
}
