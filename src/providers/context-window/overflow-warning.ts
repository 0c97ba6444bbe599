import type { Logger } from '../../spi/logger.js';
import type { Clock } from '../clock.js';

/** One warning per model per minute at most: a stream of long inputs must not flood the log. */
export const OVERFLOW_WARNING_INTERVAL_MS = 60_000;

export interface OverflowFacts {
  readonly action: string;
  readonly maxContextSize: number;
  /** The prompt tokens of the row that overflowed last (system prompt + input text). */
  readonly tokens: number;
  readonly tokenizer: string;
}

/**
 * The `-log` actions' warning: the first overflow is logged at once, later ones are counted and
 * told in the next warning due (or at close), so every affected row is reported with its count.
 * Only numbers and names: never the row's text.
 */
export class OverflowWarning {
  readonly #log: Logger;
  readonly #clock: Clock;
  #pending = 0;
  #last: OverflowFacts | undefined;
  #loggedAt = -Infinity;

  constructor(log: Logger, clock: Clock) {
    this.#log = log;
    this.#clock = clock;
  }

  note(facts: OverflowFacts): void {
    this.#pending++;
    this.#last = facts;
    const now = this.#clock.now();
    if (now - this.#loggedAt < OVERFLOW_WARNING_INTERVAL_MS) return;
    this.#loggedAt = now;
    this.flush();
  }

  /** Logs the rows not yet reported, if any. */
  flush(): void {
    const facts = this.#last;
    if (this.#pending === 0 || !facts) return;
    const rows = this.#pending;
    this.#pending = 0;
    const what = facts.action.startsWith('skipped') ? 'skipped' : `truncated (${facts.action.replace(/-log$/, '')})`;
    this.#log.warn(
      { ...facts, rows },
      `${rows} row(s) over max-context-size (${facts.maxContextSize} tokens, last one ${facts.tokens}) ${what} (at most one warning a minute)`,
    );
  }
}
