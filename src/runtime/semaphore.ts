interface Waiter {
  readonly resolve: () => void;
  readonly reject: (e: unknown) => void;
  readonly signal: AbortSignal | undefined;
  onAbort?: () => void;
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
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = { resolve, reject, signal };
      if (signal) {
        waiter.onAbort = () => {
          const i = this.#waiters.indexOf(waiter);
          if (i >= 0) this.#waiters.splice(i, 1);
          reject(signal.reason);
        };
        signal.addEventListener('abort', waiter.onAbort, { once: true });
      }
      this.#waiters.push(waiter);
    });
  }

  release(): void {
    const next = this.#waiters.shift();
    if (next) {
      if (next.onAbort) next.signal?.removeEventListener('abort', next.onAbort);
      next.resolve();
    } else {
      this.#available++;
    }
  }
}
