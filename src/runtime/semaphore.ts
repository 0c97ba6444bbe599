import { unwatchAbort, watchAbort, type AbortWatcher } from '../util/abort-fanout.js';

interface Waiter extends AbortWatcher {
  readonly resolve: () => void;
  readonly signal: AbortSignal | undefined;
}

/** Bounded concurrency: at most `permits` holders at once; waiters are served in FIFO order. */
export class Semaphore {
  #available: number;
  readonly #waiters: Waiter[] = [];

  constructor(permits: number) {
    if (!Number.isInteger(permits) || permits < 1) throw new Error(`a semaphore needs at least one permit, got ${permits}`);
    this.#available = permits;
  }

  get available(): number {
    return this.#available;
  }

  /** Takes a permit now if one is free and nobody waits for one: the caller skips a promise and its await. */
  tryAcquire(): boolean {
    if (this.#available === 0 || this.#waiters.length > 0) return false;
    this.#available--;
    return true;
  }

  acquire(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.#available > 0 && this.#waiters.length === 0) {
      this.#available--;
      return Promise.resolve();
    }
    // The waiters of a pipeline all watch its one hard-stop signal: through one listener and a
    // Set (abort-fanout.ts), not an EventTarget listener each, whose add and remove walk them all.
    return new Promise<void>((resolve, reject) => {
      const waiters = this.#waiters;
      const waiter: Waiter = {
        resolve,
        signal,
        onAbort: (reason) => {
          const i = waiters.indexOf(waiter);
          if (i >= 0) waiters.splice(i, 1);
          reject(reason);
        },
      };
      if (signal) watchAbort(signal, waiter);
      waiters.push(waiter);
    });
  }

  release(): void {
    const next = this.#waiters.shift();
    if (next) {
      if (next.signal) unwatchAbort(next.signal, next);
      next.resolve();
    } else {
      this.#available++;
    }
  }
}
