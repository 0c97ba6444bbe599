import type { Logger } from '../spi/logger.js';
import { isPermanentFailure, type Sink } from '../spi/sink.js';
import { abortableSleep, fullJitterDelay } from '../util/backoff.js';
import type { WorkUnit } from './work-unit.js';

export interface SinkWriterOptions {
  readonly maxRows: number;
  readonly lingerMs: number;
  /** Aborted only at a hard stop: pending writes are given up (their records stay unacked). */
  readonly signal: AbortSignal;
  readonly log: Logger;
  /**
   * When a batch of several units fails permanently, write its units one at a time, so that
   * onFailed names only the rejected ones and the others are written (and onWritten) as usual.
   */
  readonly isolateRejected?: boolean;
  /** Called once every row of a unit is written. */
  readonly onWritten: (unit: WorkUnit) => void;
  /** Called for the units of a write that failed permanently (never retried). */
  readonly onFailed: (units: readonly WorkUnit[], error: Error) => void;
}

/**
 * Batches finished units into sink writes, one write in flight at a time so the sink sees
 * rows in the order they were handed over. A failed write is retried with backoff until it
 * succeeds or the hard stop comes: rows are never dropped here, and a unit is acknowledged
 * only after the write that carried its rows resolved.
 */
export class SinkWriter {
  readonly #sink: Sink;
  readonly #opts: SinkWriterOptions;
  #pending: WorkUnit[] = [];
  #pendingRows = 0;
  #writing = false;
  #writingUnits = 0;
  #timer: NodeJS.Timeout | undefined;
  /** The delay #timer was set with: 0 for a flush at once, else the linger. */
  #timerDelay = 0;
  /** flushNow() came while a write was in flight: the next batch goes without lingering. */
  #urgent = false;
  #idleWaiters: Array<() => void> = [];
  rowsWritten = 0;
  writeRetries = 0;

  constructor(sink: Sink, opts: SinkWriterOptions) {
    this.#sink = sink;
    this.#opts = opts;
  }

  add(unit: WorkUnit): void {
    this.#pending.push(unit);
    this.#pendingRows += unit.rows.length;
    if (this.#writing) return;
    if (this.#pendingRows >= this.#opts.maxRows || this.#opts.lingerMs <= 0) {
      this.#flushSoon(0);
    } else {
      this.#flushSoon(this.#opts.lingerMs);
    }
  }

  /** Units waiting for a write or being written. */
  get heldUnits(): number {
    return this.#pending.length + this.#writingUnits;
  }

  /** Write what is pending now (or as soon as the write in flight returns) instead of lingering for more rows. */
  flushNow(): void {
    if (this.#pending.length === 0) return;
    if (this.#writing) this.#urgent = true;
    else this.#flushSoon(0);
  }

  get idle(): boolean {
    return !this.#writing && this.#pending.length === 0;
  }

  /** Resolves when nothing is pending or being written. */
  whenIdle(): Promise<void> {
    if (this.idle) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  #flushSoon(delay: number): void {
    if (this.#timer) {
      // A pending flush comes as soon or sooner: keep it (a passthrough job asks once per row).
      if (delay > 0 || this.#timerDelay === 0) return;
      clearTimeout(this.#timer);
    }
    this.#timerDelay = delay;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.#drain();
    }, delay);
  }

  async #drain(): Promise<void> {
    if (this.#writing) return;
    this.#writing = true;
    try {
      // After a write, the next one goes at once only when a full batch or a flushNow() waits;
      // otherwise it lingers like the first: a produce costs about 1 ms of CPU however few rows
      // it carries, and writing whatever arrived during the last round trip made batches of ~30.
      for (let first = true; this.#pending.length > 0 && !this.#opts.signal.aborted; first = false) {
        if (!first && !this.#urgent && this.#pendingRows < this.#opts.maxRows) break;
        this.#urgent = false;
        const batch = this.#take();
        this.#writingUnits = batch.length;
        const failure = await this.#writeWithRetry(batch);
        this.#writingUnits = 0;
        if (this.#opts.signal.aborted) break;
        if (!failure) for (const unit of batch) this.#opts.onWritten(unit);
        else if (this.#opts.isolateRejected && batch.length > 1) await this.#writeOneByOne(batch);
        else this.#opts.onFailed(batch, failure);
      }
    } finally {
      this.#writing = false;
      this.#writingUnits = 0;
      if (this.idle) {
        const waiters = this.#idleWaiters;
        this.#idleWaiters = [];
        for (const w of waiters) w();
      } else if (!this.#opts.signal.aborted) {
        this.#flushSoon(this.#urgent || this.#pendingRows >= this.#opts.maxRows ? 0 : this.#opts.lingerMs);
      }
    }
  }

  #take(): WorkUnit[] {
    const batch: WorkUnit[] = [];
    let rows = 0;
    while (this.#pending.length > 0 && (batch.length === 0 || rows + this.#pending[0]!.rows.length <= this.#opts.maxRows)) {
      const unit = this.#pending.shift()!;
      rows += unit.rows.length;
      batch.push(unit);
    }
    this.#pendingRows -= rows;
    return batch;
  }

  /** In order, so the sink still sees rows in the order they were handed over. */
  async #writeOneByOne(batch: readonly WorkUnit[]): Promise<void> {
    for (const unit of batch) {
      const failure = await this.#writeWithRetry([unit]);
      if (this.#opts.signal.aborted) return;
      if (failure) this.#opts.onFailed([unit], failure);
      else this.#opts.onWritten(unit);
    }
  }

  /** Resolves undefined once written, or with the error of a permanent failure. */
  async #writeWithRetry(batch: WorkUnit[]): Promise<Error | undefined> {
    const rows = batch.flatMap((u) => u.rows);
    for (let attempt = 0; ; attempt++) {
      try {
        await this.#sink.write(rows, { signal: this.#opts.signal });
        this.rowsWritten += rows.length;
        return undefined;
      } catch (err) {
        if (this.#opts.signal.aborted) return undefined;
        if (isPermanentFailure(err)) return err;
        this.writeRetries++;
        const delay = fullJitterDelay(attempt, 100, 30_000);
        this.#opts.log.warn({ err, attempt: attempt + 1, rows: rows.length, retryInMs: delay }, 'sink write failed; retrying');
        await abortableSleep(delay, this.#opts.signal).catch(() => {});
      }
    }
  }
}
