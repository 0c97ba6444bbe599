import { ModelCallError } from '../spi/model-provider.js';
import type { AbortWatcher } from '../util/abort-fanout.js';
import { AbortControllerPool } from './abort-controller-pool.js';
import type { Clock, TimerHandle } from './clock.js';
import type { RowStop } from './row-budget.js';

/** An attempt that ran out of `client-timeout`: transient, no HTTP status. */
export class AttemptTimeoutError extends ModelCallError {
  constructor(timeoutMs: number) {
    super('transient', `request timed out after ${timeoutMs} ms`);
    this.name = 'AttemptTimeoutError';
  }
}

/** Runs one attempt of a call under the row's stop (its budget, or a signal) and the attempt's own budget. */
export type AttemptRunner = <T>(stop: AbortSignal | RowStop, call: (signal: AbortSignal) => Promise<T>) => Promise<T>;

/**
 * The per-attempt `client-timeout`, for every provider: the client gets the row's signal plus
 * the attempt's deadline, and the call is raced against them, so a client that ignores its signal
 * still times out. Running out is a transient ModelCallError (retried with backoff); an abort of
 * `signal` rejects with its reason.
 */
export function attemptRunner(clock: Clock, timeoutMs: number): AttemptRunner {
  const controllers = new AbortControllerPool();
  return <T>(stop: AbortSignal | RowStop, call: (signal: AbortSignal) => Promise<T>): Promise<T> => {
    if (stop.aborted) return Promise.reject(stop.reason);
    return new Promise<T>((resolve, reject) => new Attempt(clock, timeoutMs, controllers, stop, resolve, reject).start(call));
  };
}

/**
 * One attempt: its own signal for the client, aborted by the row's stop or by the deadline, and
 * the race settled directly from those two events. One AbortController (a used one when an
 * earlier attempt left it clean) and one timer per attempt, with no listener on its own signal;
 * a row's budget (RowStop) tells the attempt directly, a plain signal (a micro-batch's) through
 * the attempt as its listener object: this runs for every row.
 */
class Attempt<T> implements AbortWatcher {
  readonly #controllers: AbortControllerPool;
  readonly #controller: AbortController;
  readonly #clock: Clock;
  readonly #timeoutMs: number;
  readonly #parent: AbortSignal | RowStop;
  readonly #resolve: (value: T) => void;
  readonly #reject: (err: unknown) => void;
  readonly #timer: TimerHandle;
  #settled = false;

  constructor(
    clock: Clock,
    timeoutMs: number,
    controllers: AbortControllerPool,
    parent: AbortSignal | RowStop,
    resolve: (value: T) => void,
    reject: (err: unknown) => void,
  ) {
    this.#controllers = controllers;
    this.#controller = controllers.take();
    this.#clock = clock;
    this.#timeoutMs = timeoutMs;
    this.#parent = parent;
    this.#resolve = resolve;
    this.#reject = reject;
    if (parent instanceof AbortSignal) parent.addEventListener('abort', this, { once: true });
    else parent.watch(this);
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
    if (!this.#finish()) return;
    // The client answered: its call is over and the signal never aborted.
    this.#controllers.giveBack(this.#controller);
    this.#resolve(value);
  };

  readonly #onError = (err: unknown): void => {
    if (this.#finish()) this.#reject(this.#parent.aborted ? this.#parent.reason : err);
  };

  /** The row stopped (AbortWatcher). */
  onAbort(reason: unknown): void {
    this.#controller.abort(reason);
    if (this.#finish()) this.#reject(reason);
  }

  /** The parent signal aborted (its listener object). */
  handleEvent(): void {
    this.onAbort(this.#parent.reason);
  }

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
    const parent = this.#parent;
    if (parent instanceof AbortSignal) parent.removeEventListener('abort', this);
    else parent.unwatch(this);
    return true;
  }
}
