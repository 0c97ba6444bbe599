import type { FlowControl } from '../spi/source.js';

/**
 * The in-flight window of a pipeline: how many source records are admitted but not yet
 * settled. Sources stop reading while it is full (high-water mark) and start again once it
 * drops below the low-water mark, so memory stays bounded and nothing is buffered without end.
 *
 * The low-water mark is three quarters of the capacity, not half: the window holds the rows at
 * the model, the rows waiting for a model slot and the finished rows waiting for their sink
 * write. With the runtime's capacity of twice `max-concurrent-operations`, a half-way mark is
 * exactly the model's concurrency, so every row held by the sink was a model slot left idle
 * before reading resumed (about 60 of 64 slots busy on average: 0.92 of Little's-law bound).
 */
export class FlowWindow implements FlowControl {
  readonly capacity: number;
  readonly lowWater: number;
  #inFlight = 0;
  #drainWaiters: Array<() => void> = [];
  #emptyWaiters: Array<() => void> = [];

  constructor(capacity: number, lowWater = Math.floor((capacity * 3) / 4)) {
    if (capacity < 1) throw new Error('the in-flight window needs a capacity of at least 1');
    this.capacity = capacity;
    this.lowWater = Math.min(Math.max(0, lowWater), capacity - 1);
  }

  get inFlight(): number {
    return this.#inFlight;
  }

  get full(): boolean {
    return this.#inFlight >= this.capacity;
  }

  admit(): void {
    this.#inFlight++;
  }

  settle(): void {
    if (this.#inFlight === 0) throw new Error('settle() without a matching admit()');
    this.#inFlight--;
    if (this.#inFlight <= this.lowWater) this.#wake('drain');
    if (this.#inFlight === 0) this.#wake('empty');
  }

  drained(signal: AbortSignal): Promise<void> {
    if (this.#inFlight <= this.lowWater || signal.aborted) return Promise.resolve();
    return this.#wait(this.#drainWaiters, signal);
  }

  /** Resolves once nothing is in flight (or the signal aborts). */
  empty(signal: AbortSignal): Promise<void> {
    if (this.#inFlight === 0 || signal.aborted) return Promise.resolve();
    return this.#wait(this.#emptyWaiters, signal);
  }

  #wait(list: Array<() => void>, signal: AbortSignal): Promise<void> {
    return new Promise<void>((resolve) => {
      const done = () => {
        signal.removeEventListener('abort', done);
        const i = list.indexOf(done);
        if (i >= 0) list.splice(i, 1);
        resolve();
      };
      signal.addEventListener('abort', done, { once: true });
      list.push(done);
    });
  }

  #wake(which: 'drain' | 'empty'): void {
    const list = which === 'drain' ? this.#drainWaiters : this.#emptyWaiters;
    if (which === 'drain') this.#drainWaiters = [];
    else this.#emptyWaiters = [];
    // Each waiter removes itself from `list` as it runs: iterate over a copy.
    for (const w of [...list]) w();
  }
}
