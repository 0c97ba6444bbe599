import type { Clock, TimerHandle } from './clock.js';

/** One scheduled deadline; `fire` is cleared when it fires or is cancelled. */
class Deadline {
  readonly at: number;
  fire: (() => void) | undefined;
  /** Set when the deadline did not fit the queue's order and runs on a timer of its own. */
  timer: TimerHandle | undefined;

  constructor(at: number, fire: () => void) {
    this.at = at;
    this.fire = fire;
  }
}

/** Cancelled deadlines kept in the queue before it is compacted (and at least half of it). */
const COMPACT_AFTER = 4096;

/**
 * A Clock whose `schedule` puts deadlines in one FIFO queue behind a single timer of the
 * underlying clock. Every row and every attempt of a model has a deadline of the same length,
 * so they come in the order they fall due, and nearly all are cancelled a few milliseconds
 * later: a queue entry and a flag cost far less than a Node timer armed and cleared twice per
 * row. A deadline that would fall due before the last one queued (another length, a clock step
 * back) gets a timer of its own, so the order of the queue always holds.
 *
 * The single timer is armed for the head; when the head is cancelled the timer is left as it is
 * and, when it fires, re-armed for the deadline then at the head: about one wake-up per
 * deadline length, however many rows pass.
 */
export class DeadlineQueue implements Clock {
  readonly #clock: Clock;
  #queue: Deadline[] = [];
  #head = 0;
  /** Cancelled deadlines still in the queue (behind a live head). */
  #dead = 0;
  #timer: TimerHandle | undefined;
  /** The deadline the timer was armed for: when it fires, that time has come, whatever `now()` says. */
  #armedAt = -Infinity;

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  now(): number {
    return this.#clock.now();
  }

  sleep(ms: number, signal: AbortSignal): Promise<void> {
    return this.#clock.sleep(ms, signal);
  }

  schedule(ms: number, fire: () => void): TimerHandle {
    const at = this.#clock.now() + Math.max(0, ms);
    const deadline = new Deadline(at, fire);
    const q = this.#queue;
    if (q.length > this.#head && q[q.length - 1]!.at > at) {
      deadline.timer = this.#clock.schedule(ms, () => this.#fire(deadline));
      return deadline;
    }
    q.push(deadline);
    if (this.#timer === undefined) this.#arm(at);
    return deadline;
  }

  cancel(handle: TimerHandle): void {
    const deadline = handle as Deadline;
    if (deadline.fire === undefined) return;
    deadline.fire = undefined;
    if (deadline.timer !== undefined) {
      this.#clock.cancel(deadline.timer);
      return;
    }
    this.#dead++;
    this.#dropDeadHead();
    if (this.#dead > COMPACT_AFTER && this.#dead * 2 > this.#queue.length - this.#head) this.#compact();
  }

  #fire(deadline: Deadline): void {
    const fire = deadline.fire;
    deadline.fire = undefined;
    fire?.();
  }

  readonly #onTimer = (): void => {
    this.#timer = undefined;
    // The clock's own timer decides that time has come (a test clock's now() may stand still).
    const now = Math.max(this.#armedAt, this.#clock.now());
    // Not a local of the queue: a deadline that fires may cancel others, which can replace it.
    while (this.#head < this.#queue.length) {
      const d = this.#queue[this.#head]!;
      if (d.fire !== undefined && d.at > now) break;
      this.#head++;
      if (d.fire === undefined) this.#dead--;
      else this.#fire(d);
    }
    this.#shrink();
    if (this.#head < this.#queue.length && this.#timer === undefined) this.#arm(this.#queue[this.#head]!.at, now);
  };

  #arm(at: number, now = this.#clock.now()): void {
    this.#armedAt = at;
    this.#timer = this.#clock.schedule(Math.max(0, at - now), this.#onTimer);
  }

  /** Cancelled deadlines at the head leave at once: rows end about in the order they started. */
  #dropDeadHead(): void {
    const q = this.#queue;
    while (this.#head < q.length && q[this.#head]!.fire === undefined) {
      this.#head++;
      this.#dead--;
    }
    this.#shrink();
  }

  #shrink(): void {
    if (this.#head === this.#queue.length) {
      this.#queue = [];
      this.#head = 0;
    } else if (this.#head > 1024 && this.#head * 2 > this.#queue.length) {
      this.#queue = this.#queue.slice(this.#head);
      this.#head = 0;
    }
  }

  /** Behind a long-lived head, cancelled deadlines would pile up: drop them all. */
  #compact(): void {
    this.#queue = this.#queue.slice(this.#head).filter((d) => d.fire !== undefined);
    this.#head = 0;
    this.#dead = 0;
  }
}
