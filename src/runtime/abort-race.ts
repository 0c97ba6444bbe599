/**
 * abortable() for many promises on one long-lived signal (a pipeline's hard stop): each promise
 * settles as it does, or rejects with the signal's reason as soon as it aborts. One listener on
 * the signal for all of them, where abortable() adds and removes one per call: the pipeline races
 * every row's model call, and Node's EventTarget walks its whole listener list on each add and
 * remove.
 */
export class AbortRace {
  readonly #signal: AbortSignal;
  readonly #pending = new Set<(reason: unknown) => void>();

  constructor(signal: AbortSignal) {
    this.#signal = signal;
    signal.addEventListener(
      'abort',
      () => {
        for (const reject of this.#pending) reject(signal.reason);
        this.#pending.clear();
      },
      { once: true },
    );
  }

  race<T>(promise: Promise<T>): Promise<T> {
    if (this.#signal.aborted) return Promise.reject(this.#signal.reason);
    return new Promise<T>((resolve, reject) => {
      const pending = this.#pending;
      pending.add(reject);
      promise.then(
        (value) => {
          pending.delete(reject);
          resolve(value);
        },
        (err: unknown) => {
          pending.delete(reject);
          reject(err);
        },
      );
    });
  }
}
