import { abortableSleep } from '../util/backoff.js';

export { abortableSleep };

/** Time as the retry policy sees it; tests substitute a fast clock. */
export interface Clock {
  now(): number;
  /** Resolves after `ms`, or rejects with `signal.reason` as soon as the signal aborts. */
  sleep(ms: number, signal: AbortSignal): Promise<void>;
}

export const systemClock: Clock = Object.freeze({
  now: () => Date.now(),
  sleep: abortableSleep,
});
