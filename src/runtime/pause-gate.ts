import type { FlowControl } from '../spi/source.js';
import type { FlowWindow } from './flow-window.js';

/** Thrown to a row waiting at a closed gate when the pipeline stops: the row is left unacked (read again on the next start). */
export class GateReleasedError extends Error {
  override readonly name = 'GateReleasedError';
}

/**
 * A pipeline's pause switch (Kafka Connect's PAUSED target state), generic over sources: while
 * closed, the flow control the source sees reports full, so a source stops reading through the
 * same path as backpressure (Kafka: partitions paused, group membership kept), and rows already
 * read wait here before their model call. Rows inside a call are not interrupted: they finish
 * and are written, so what is done gets committed.
 */
export class PauseGate {
  #closed = false;
  /** Set by release(): the pipeline is stopping, and a row that comes to the closed gate later is turned away too. */
  #released = false;
  #waiters: Array<{ open: () => void; release: (err: Error) => void }> = [];

  constructor(paused = false) {
    this.#closed = paused;
  }

  get paused(): boolean {
    return this.#closed;
  }

  pause(): void {
    this.#closed = true;
  }

  resume(): void {
    if (!this.#closed) return;
    this.#closed = false;
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const w of waiters) w.open();
  }

  /** Resolves at once while open; else when resumed. Rejects with GateReleasedError when released or the signal aborts. */
  pass(signal: AbortSignal): Promise<void> {
    if (!this.#closed) return Promise.resolve();
    if (signal.aborted || this.#released) return Promise.reject(new GateReleasedError('the pipeline stopped while paused'));
    return new Promise<void>((resolve, reject) => {
      const onAbort = () => waiter.release(new GateReleasedError('the pipeline stopped while paused'));
      const waiter = {
        open: () => {
          signal.removeEventListener('abort', onAbort);
          resolve();
        },
        release: (err: Error) => {
          signal.removeEventListener('abort', onAbort);
          const i = this.#waiters.indexOf(waiter);
          if (i >= 0) this.#waiters.splice(i, 1);
          reject(err);
        },
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.#waiters.push(waiter);
    });
  }

  /** Rejects every row waiting at the gate, and any that comes later while it is closed (a stop while paused). */
  release(): void {
    this.#released = true;
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const w of waiters) w.release(new GateReleasedError('the pipeline stopped while paused'));
  }

  /** The window as a source sees it: full while paused, drained only once open and below the low-water mark. */
  flowControl(window: FlowWindow): FlowControl {
    const gate = this;
    return {
      get full() {
        return gate.#closed || window.full;
      },
      async drained(signal: AbortSignal) {
        for (;;) {
          await gate.#opened(signal);
          await window.drained(signal);
          if (!gate.#closed || gate.#released || signal.aborted) return;
        }
      },
    };
  }

  /** Resolves once open or when the signal aborts (never rejects: the flow-control contract). */
  #opened(signal: AbortSignal): Promise<void> {
    return this.pass(signal).catch(() => {});
  }
}
