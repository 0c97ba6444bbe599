import type { Clock, Timeout } from './clock.js';

/**
 * Flink's per-row `timeout`, less the time the row waits for quota: while the row is queued in
 * the shared limiter (a rate limit, a 429 pause) its budget stands still. Throttling is
 * backpressure: it slows a job down and never fails a row, however long the provider asks to
 * wait. Attempts, slow answers and backoff after errors spend the budget.
 */
export class RowBudget {
  readonly #controller = new AbortController();
  readonly #clock: Clock;
  #remainingMs: number;
  #timer: Timeout | undefined;
  #startedAt = 0;
  #paused = false;

  readonly #parent: AbortSignal | undefined;
  readonly #onParentAbort = () => this.#controller.abort(this.#parent!.reason);

  /** `parent` (the hard stop) aborts the budget's signal too, with its own reason: one signal per row, not an AbortSignal.any(). */
  constructor(clock: Clock, timeoutMs: number, parent?: AbortSignal) {
    this.#clock = clock;
    this.#remainingMs = timeoutMs;
    this.#parent = parent;
    if (parent?.aborted) this.#controller.abort(parent.reason);
    else parent?.addEventListener('abort', this.#onParentAbort, { once: true });
    this.#run();
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
    if (this.#paused || this.#controller.signal.aborted) return;
    this.#paused = true;
    this.#timer?.cancel();
    this.#remainingMs -= this.#clock.now() - this.#startedAt;
  }

  /** The row got its quota: the budget runs again. Idempotent. */
  resume(): void {
    if (!this.#paused || this.#controller.signal.aborted) return;
    this.#paused = false;
    this.#run();
  }

  dispose(): void {
    this.#timer?.cancel();
    this.#parent?.removeEventListener('abort', this.#onParentAbort);
  }

  #run(): void {
    if (this.#controller.signal.aborted) return;
    this.#startedAt = this.#clock.now();
    const timer = this.#clock.timeout(Math.max(0, this.#remainingMs));
    this.#timer = timer;
    timer.signal.addEventListener('abort', () => this.#controller.abort(timer.signal.reason), { once: true });
  }
}
