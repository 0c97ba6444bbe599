import { abortableSleep } from '../util/backoff.js';

export { abortableSleep };

/** A timer that aborts its signal when it runs out; cancel() frees it early (idempotent). */
export interface Timeout {
  readonly signal: AbortSignal;
  cancel(): void;
}

/** Time as the retry policy sees it; tests substitute a fast or virtual clock. */
export interface Clock {
  now(): number;
  /** Resolves after `ms`, or rejects with `signal.reason` as soon as the signal aborts. */
  sleep(ms: number, signal: AbortSignal): Promise<void>;
  /**
   * A signal aborted after `ms` with a TimeoutError, or with `parent`'s reason when `parent`
   * aborts first: the per-attempt and per-row deadlines. A cancellable timer rather than
   * AbortSignal.timeout(), whose timers live on until they fire: one per attempt at the default
   * 60 s would pile up by the thousands on a busy model. One signal for both causes, not an
   * AbortSignal.any() per row: the caller tells them apart by checking `parent` first.
   */
  timeout(ms: number, parent?: AbortSignal): Timeout;
}

function systemTimeout(ms: number, parent?: AbortSignal): Timeout {
  const controller = new AbortController();
  if (parent?.aborted) {
    controller.abort(parent.reason);
    return { signal: controller.signal, cancel: () => {} };
  }
  const onAbort = () => controller.abort(parent!.reason);
  parent?.addEventListener('abort', onAbort, { once: true });
  const timer = setTimeout(() => controller.abort(new DOMException(`timed out after ${ms} ms`, 'TimeoutError')), ms);
  // A pending deadline alone must not keep the process alive.
  timer.unref?.();
  return {
    signal: controller.signal,
    cancel: () => {
      clearTimeout(timer);
      parent?.removeEventListener('abort', onAbort);
    },
  };
}

export const systemClock: Clock = Object.freeze({
  now: () => Date.now(),
  sleep: abortableSleep,
  timeout: systemTimeout,
});
