/** A time limit for abortable(): after `ms`, it rejects with `reason()`. */
export interface Backstop {
  readonly ms: number;
  reason(): unknown;
}

/**
 * Settles with `promise`, or rejects with `signal.reason` as soon as the signal aborts (or with
 * `backstop.reason()` once `backstop.ms` have passed): a call that ignores its signal still stops
 * being waited for (the call itself runs on, its result unused). The backstop's timer is cleared
 * when the promise settles, unlike AbortSignal.timeout()'s, which lives on until it fires.
 */
export function abortable<T>(promise: Promise<T>, signal: AbortSignal, backstop?: Backstop): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    const timer = backstop
      ? setTimeout(() => {
          signal.removeEventListener('abort', onAbort);
          reject(backstop.reason());
        }, backstop.ms)
      : undefined;
    // A pending backstop alone must not keep the process alive.
    timer?.unref();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
    };
    promise.then(
      (v) => {
        done();
        resolve(v);
      },
      (e: unknown) => {
        done();
        reject(e);
      },
    );
  });
}
