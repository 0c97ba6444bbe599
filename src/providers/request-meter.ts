import type { ModelCallError } from '../spi/model-provider.js';
import type { RequestDurationObservers, RequestOutcome } from '../spi/metrics.js';
import { AttemptTimeoutError } from './attempt.js';
import type { Clock } from './clock.js';

/**
 * Counts and times a model's HTTP requests. One object per model, shared by its single calls and
 * its micro-batches, so timing a request allocates no closure.
 */
export class RequestMeter {
  readonly #clock: Clock;
  readonly #durations: RequestDurationObservers | undefined;
  readonly #onStart: () => void;

  constructor(clock: Clock, durations: RequestDurationObservers | undefined, onStart: () => void) {
    this.#clock = clock;
    this.#durations = durations;
    this.#onStart = onStart;
  }

  /** A request is sent: counted; returns its start time for ended(). */
  started(): number {
    this.#onStart();
    return this.#clock.now();
  }

  ended(startedAt: number, outcome: RequestOutcome): void {
    this.#durations?.[outcome].observe((this.#clock.now() - startedAt) / 1000);
  }
}

/** The outcome label of a failed request; `aborted`: the caller gave it up (a stop), not the model. */
export function failedRequestOutcome(error: ModelCallError, aborted: boolean): RequestOutcome {
  if (aborted) return 'canceled';
  if (error.kind === 'throttled') return 'throttled';
  return error instanceof AttemptTimeoutError ? 'timeout' : 'error';
}
