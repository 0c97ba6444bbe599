import { abortableSleep } from '../util/backoff.js';

export { abortableSleep };

/** What `Clock.schedule` returns: only good for `Clock.cancel`. */
export type TimerHandle = unknown;

/** Time as the retry policy sees it; tests substitute a fast or virtual clock. */
export interface Clock {
  now(): number;
  /** Resolves after `ms`, or rejects with `signal.reason` as soon as the signal aborts. */
  sleep(ms: number, signal: AbortSignal): Promise<void>;
  /**
   * Calls `fire` after `ms` unless cancelled first: the per-attempt and per-row deadlines. A plain
   * callback timer, not an AbortSignal: those deadlines are set for every row, and an
   * AbortController with its listener costs several times the timer itself (AbortSignal.timeout()
   * would also keep its timer until it fires). A pending timer does not keep the process alive.
   */
  schedule(ms: number, fire: () => void): TimerHandle;
  /** Frees a scheduled timer; a timer that fired or was cancelled already is ignored. */
  cancel(timer: TimerHandle): void;
}

function systemSchedule(ms: number, fire: () => void): TimerHandle {
  const timer = setTimeout(fire, ms);
  timer.unref();
  return timer;
}

export const systemClock: Clock = Object.freeze({
  now: () => Date.now(),
  sleep: abortableSleep,
  schedule: systemSchedule,
  cancel: (timer: TimerHandle) => clearTimeout(timer as NodeJS.Timeout),
});
