import { unwatchAbort, watchAbort, type AbortWatcher } from '../util/abort-fanout.js';
import type { Clock, TimerHandle } from './clock.js';

/**
 * What stops a row, as an attempt watches it: the row's AbortSignal without the EventTarget. An
 * AbortController with its listeners costs several times the rest of a row's bookkeeping, and a
 * row that ends normally (nearly all of them) never needs one.
 */
export interface RowStop {
  readonly aborted: boolean;
  readonly reason: unknown;
  /** Tells `watcher` once when the row stops. Not told if it has stopped already: check `aborted` first. */
  watch(watcher: AbortWatcher): void;
  unwatch(watcher: AbortWatcher): void;
}

/**
 * Flink's per-row `timeout`, less the time the row waits for quota: while the row is queued in
 * the shared limiter (a rate limit, a 429 pause) its budget stands still. Throttling is
 * backpressure: it slows a job down and never fails a row, however long the provider asks to
 * wait. Attempts, slow answers and backoff after errors spend the budget.
 *
 * Every row pauses and resumes around its limiter admission, which is usually immediate, so
 * pause() and resume() only note the time: the one timer of the row stays armed, and when it
 * fires with budget left (time was spent paused) it is armed again for the rest.
 *
 * The budget is also the row's stop: it ends when the budget runs out or `parent` (the hard stop)
 * aborts. Watchers (the attempt in flight) are told directly; the AbortSignal is made only when
 * someone asks for `signal` (a retry's backoff sleep, a micro-batch).
 */
export class RowBudget implements RowStop, AbortWatcher {
  #controller: AbortController | undefined;
  readonly #clock: Clock;
  /** Infinity: no per-row timeout, the row stops only with its parent. */
  readonly #timeoutMs: number;
  readonly #parent: AbortSignal | undefined;
  #aborted = false;
  #reason: unknown;
  #expired = false;
  /** The one watcher a row usually has (its attempt in flight); more go to #more. */
  #watcher: AbortWatcher | undefined;
  #more: Set<AbortWatcher> | undefined;
  /** Budget spent before the current run. */
  #spentMs = 0;
  /** When the current run started; undefined while paused. */
  #runningSince: number | undefined;
  #timer: TimerHandle | undefined;

  /** `parent` (the hard stop) stops the row too, with its own reason. `timeoutMs` Infinity (or undefined): no budget, only the parent. */
  constructor(clock: Clock, timeoutMs: number | undefined, parent?: AbortSignal) {
    this.#clock = clock;
    this.#timeoutMs = timeoutMs ?? Infinity;
    this.#parent = parent;
    if (parent?.aborted) {
      this.#stop(parent.reason);
      return;
    }
    if (parent) watchAbort(parent, this);
    if (!Number.isFinite(this.#timeoutMs)) return;
    this.#runningSince = clock.now();
    this.#timer = clock.schedule(Math.max(0, this.#timeoutMs), this.#onTimer);
  }

  get aborted(): boolean {
    return this.#aborted;
  }

  get reason(): unknown {
    return this.#reason;
  }

  /** Aborts once the budget is spent (a TimeoutError), or when the parent aborts (its reason). Made on first use. */
  get signal(): AbortSignal {
    if (!this.#controller) {
      this.#controller = new AbortController();
      if (this.#aborted) this.#controller.abort(this.#reason);
    }
    return this.#controller.signal;
  }

  /** The budget ran out (not: the parent aborted). */
  get expired(): boolean {
    return this.#expired;
  }

  watch(watcher: AbortWatcher): void {
    if (this.#aborted) return;
    if (this.#watcher === undefined) this.#watcher = watcher;
    else (this.#more ??= new Set()).add(watcher);
  }

  unwatch(watcher: AbortWatcher): void {
    if (this.#watcher === watcher) this.#watcher = undefined;
    else this.#more?.delete(watcher);
  }

  /** The row waits for quota: the budget stops. Idempotent. */
  pause(): void {
    if (this.#runningSince === undefined || this.#aborted) return;
    this.#spentMs += this.#clock.now() - this.#runningSince;
    this.#runningSince = undefined;
  }

  /** The row got its quota: the budget runs again. Idempotent. */
  resume(): void {
    if (this.#runningSince !== undefined || this.#aborted || !Number.isFinite(this.#timeoutMs)) return;
    this.#runningSince = this.#clock.now();
    // The timer fired while the row was paused: arm it for what is left.
    this.#timer ??= this.#clock.schedule(Math.max(0, this.#timeoutMs - this.#spentMs), this.#onTimer);
  }

  dispose(): void {
    if (this.#timer !== undefined) this.#clock.cancel(this.#timer);
    this.#timer = undefined;
    if (this.#parent) unwatchAbort(this.#parent, this);
  }

  /** The parent aborted (AbortWatcher). */
  onAbort(reason: unknown): void {
    this.dispose();
    this.#stop(reason);
  }

  #stop(reason: unknown): void {
    if (this.#aborted) return;
    this.#aborted = true;
    this.#reason = reason;
    this.#controller?.abort(reason);
    const first = this.#watcher;
    const more = this.#more;
    this.#watcher = undefined;
    this.#more = undefined;
    first?.onAbort(reason);
    if (more) for (const w of more) w.onAbort(reason);
  }

  readonly #onTimer = (): void => {
    this.#timer = undefined;
    if (this.#runningSince === undefined || this.#aborted) return; // paused: resume() arms it again
    const leftMs = this.#timeoutMs - this.#spentMs - (this.#clock.now() - this.#runningSince);
    if (leftMs > 0) {
      this.#timer = this.#clock.schedule(leftMs, this.#onTimer);
      return;
    }
    if (this.#parent) unwatchAbort(this.#parent, this);
    this.#expired = true;
    this.#stop(new DOMException(`the per-row timeout of ${this.#timeoutMs} ms ran out`, 'TimeoutError'));
  };
}
