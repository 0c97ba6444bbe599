import { assertNever } from '../types/data-type.js';

/**
 * Flink's restart strategies (`restart-strategy.type`), as a pure component: it sees failures,
 * answers "restart after this delay" or "give up", and keeps no timers. Time and randomness are
 * injected so the arithmetic is tested on virtual time.
 */
export type RestartStrategyConfig =
  | { readonly type: 'none' }
  | { readonly type: 'fixed-delay'; readonly attempts: number; readonly delayMs: number }
  | {
      readonly type: 'exponential-delay';
      readonly initialBackoffMs: number;
      readonly maxBackoffMs: number;
      readonly backoffMultiplier: number;
      /** A job that ran this long since its last restart starts again from the initial backoff. */
      readonly resetBackoffThresholdMs: number;
      readonly jitterFactor: number;
      /** Restarts before giving up, counted since the last reset; Infinity = never give up. */
      readonly attemptsBeforeResetBackoff: number;
    };

export type RestartDecision =
  | { readonly restart: true; /** 1 for the first restart since the last reset. */ readonly attempt: number; readonly delayMs: number }
  | { readonly restart: false; readonly reason: string };

export interface RestartClock {
  now(): number;
}

export class RestartStrategy {
  readonly config: RestartStrategyConfig;
  readonly #clock: RestartClock;
  readonly #random: () => number;
  #attempt = 0;
  /** When the last scheduled restart happens: what Flink measures the reset threshold from. */
  #restartAt: number | undefined;

  constructor(config: RestartStrategyConfig, clock: RestartClock = { now: () => Date.now() }, random: () => number = Math.random) {
    this.config = config;
    this.#clock = clock;
    this.#random = random;
  }

  /** Restarts granted since the last reset (0 before the first failure). */
  get attempt(): number {
    return this.#attempt;
  }

  /** The job failed now: restart it after `delayMs`, or leave it FAILED. */
  /** A restart an operator asked for (POST /jobs/{id}/restart): the next failure starts from the first delay again. */
  reset(): void {
    this.#attempt = 0;
    this.#restartAt = undefined;
  }

  onFailure(): RestartDecision {
    const now = this.#clock.now();
    const c = this.config;
    switch (c.type) {
      case 'none':
        return { restart: false, reason: "restart-strategy.type is 'none'" };
      case 'fixed-delay':
        if (this.#attempt >= c.attempts) return { restart: false, reason: `restart-strategy.fixed-delay.attempts (${c.attempts}) used up` };
        return this.#grant(now, c.delayMs);
      case 'exponential-delay': {
        if (this.#restartAt !== undefined && now - this.#restartAt >= c.resetBackoffThresholdMs) this.#attempt = 0;
        if (this.#attempt >= c.attemptsBeforeResetBackoff) {
          return { restart: false, reason: `restart-strategy.exponential-delay.attempts-before-reset-backoff (${c.attemptsBeforeResetBackoff}) used up` };
        }
        const backoff = Math.min(c.maxBackoffMs, c.initialBackoffMs * c.backoffMultiplier ** this.#attempt);
        const jitter = (this.#random() * 2 - 1) * c.jitterFactor * backoff;
        // As Flink: jitter never takes a delay below the initial backoff or above the cap.
        const delay = Math.max(c.initialBackoffMs, Math.min(c.maxBackoffMs, backoff + jitter));
        return this.#grant(now, Math.round(delay));
      }
      default:
        return assertNever(c, 'restart strategy');
    }
  }

  #grant(now: number, delayMs: number): RestartDecision {
    this.#attempt++;
    this.#restartAt = now + delayMs;
    return { restart: true, attempt: this.#attempt, delayMs };
  }
}
