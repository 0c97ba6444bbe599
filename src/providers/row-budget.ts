import type { Clock, TimerHandle } from './clock.js';

/**
 * Flink's per-row `timeout`, less the time the row waits for quota: while the row is queued in
 * the shared limiter (a rate limit, a 429 pause) its budget stands still. Throttling is
 * backpressure: it slows a job down and never fails a row, however long the provider asks to
 * wait. Attempts, slow answers and backoff after errors spend the budget.
 *
 * Every row pauses and resumes around its limiter admission, which is usually immediate, so
 * pause() and resume() only note the time: the one timer of the row stays armed, and when it
 * fires with budget left (time was spent paused) it is armed again for the rest.
 */
export class RowBudget {
  readonly #controller = new AbortController();
  readonly #clock: Clock;
  readonly #timeoutMs: number;
  readonly #parent: AbortSignal | undefined;
  /** Budget spent before the current run. */
  #spentMs = 0;
  /** When the current run started; undefined while paused. */
  #runningSince: number | undefined;
  #timer: TimerHandle | undefined;

  /** `parent` (the hard stop) aborts the budget's signal too, with its own reason: one signal per row, not an AbortSignal.any(). */
  constructor(clock: Clock, timeoutMs: number, parent?: AbortSignal) {
    this.#clock = clock;
    this.#timeoutMs = timeoutMs;
    this.#parent = parent;
    if (parent?.aborted) {
      this.#controller.abort(parent.reason);
      return;
    }
    parent?.addEventListener('abort', this.#onParentAbort, { once: true });
    this.#runningSince = clock.now();
    this.#timer = clock.schedule(Math.max(0, timeoutMs), this.#onTimer);
  }

  /** Aborts once the budget is spent (a TimeoutError), or when the parent aborts (its reason). */
  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** The budget ran out (not: the parent aborted). */
  get expired(): boolean {
    return this.#controller.signal.aborted && !this.#parent?.aborted;
  }

  /** The row waits for quota: the budget stops. Idempotent. */
  pause(): void {
    if (this.#runningSince === undefined || this.#controller.signal.aborted) return;
    this.#spentMs += this.#clock.now() - this.#runningSince;
    this.#runningSince = undefined;
  }

  /** The row got its quota: the budget runs again. Idempotent. */
  resume(): void {
    if (this.#runningSince !== undefined || this.#controller.signal.aborted) return;
    this.#runningSince = this.#clock.now();
    // The timer fired while the row was paused: arm it for what is left.
    this.#timer ??= this.#clock.schedule(Math.max(0, this.#timeoutMs - this.#spentMs), this.#onTimer);
  }

  dispose(): void {
    if (this.#timer !== undefined) this.#clock.cancel(this.#timer);
    this.#timer = undefined;
    this.#parent?.removeEventListener('abort', this.#onParentAbort);
  }

  readonly #onParentAbort = (): void => {
    this.#controller.abort(this.#parent!.reason);
    this.dispose();
  };

  readonly #onTimer = (): void => {
    this.#timer = undefined;
    if (this.#runningSince === undefined || this.#controller.signal.aborted) return; // paused: resume() arms it again
    const leftMs = this.#timeoutMs - this.#spentMs - (this.#clock.now() - this.#runningSince);
    if (leftMs > 0) {
      this.#timer = this.#clock.schedule(leftMs, this.#onTimer);
      return;
    }
    this.#parent?.removeEventListener('abort', this.#onParentAbort);
    this.#controller.abort(new DOMException(`the per-row timeout of ${this.#timeoutMs} ms ran out`, 'TimeoutError'));
  };
}
