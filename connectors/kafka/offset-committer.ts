import type { Logger } from '../../src/spi/logger.js';
import type { CommitOffset, OffsetCheckpointer } from './offset-checkpointer.js';

/** kafkajs' eachBatch `commitOffsetsIfNecessary`, given explicit offsets. */
export type CommitFn = (offsets: { topics: Array<{ topic: string; partitions: Array<{ partition: number; offset: string }> }> }) => Promise<void>;

const RETRY_MIN_MS = 500;
const RETRY_MAX_MS = 10_000;

/**
 * Commits the checkpointer's contiguous progress as soon as it moves, with at most one
 * OffsetCommit in flight: progress made meanwhile is committed when it returns.
 *
 * The commit goes through the eachBatch `commitOffsetsIfNecessary(offsets)` of the current
 * assignment epoch, which calls kafkajs' ConsumerGroup directly. Unlike `consumer.commitOffsets`
 * it is not silently dropped once the consumer is stopping, and it fails loudly when the
 * member is gone. It commits with the group generation kafkajs holds at the moment of the call.
 *
 * Why every commit starts in a setImmediate callback: kafkajs installs the new generation's
 * OffsetManager a few microtasks before it emits GROUP_JOIN (where the checkpointer starts the
 * new epoch). A commit issued from inside that microtask window would carry the new generation
 * with the old epoch's partitions, which is exactly issue #1046. A macrotask never runs inside
 * that window, so at the moment a commit is issued either kafkajs still holds the old generation
 * (the broker rejects the commit if the group moved on) or the epoch has already changed (the
 * old partitions are no longer offered).
 */
export class OffsetCommitter {
  readonly #checkpointer: OffsetCheckpointer;
  readonly #log: Logger;
  #fn: CommitFn | undefined;
  #fnEpoch = -1;
  #scheduled = false;
  #inFlight: Promise<void> | undefined;
  #again = false;
  #waitingForFn = false;
  #retryTimer: NodeJS.Timeout | undefined;
  #failuresInARow = 0;
  #closed = false;
  commits = 0;
  failures = 0;

  constructor(checkpointer: OffsetCheckpointer, log: Logger) {
    this.#checkpointer = checkpointer;
    this.#log = log;
  }

  /** The commit function of an eachBatch call made in `epoch`. */
  setCommitFn(epoch: number, fn: CommitFn): void {
    this.#fn = fn;
    this.#fnEpoch = epoch;
    if (this.#waitingForFn) {
      this.#waitingForFn = false;
      this.request();
    }
  }

  /** Commit progress soon (coalesced). */
  request(): void {
    if (this.#closed) return;
    if (this.#inFlight) {
      this.#again = true;
      return;
    }
    if (this.#scheduled) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      void this.#dispatch();
    });
  }

  /**
   * Commits everything acked so far and waits for it. True when nothing committable is left
   * uncommitted (or there was nothing to commit).
   */
  async flush(): Promise<boolean> {
    for (let attempt = 0; attempt < 3; attempt++) {
      await this.#inFlight;
      if (this.#checkpointer.pending().length === 0) return true;
      const done = await new Promise<boolean>((resolve) => {
        setImmediate(() => {
          const p = this.#dispatch();
          if (p === undefined) resolve(false);
          else void p.then(() => resolve(true));
        });
      });
      if (!done) return false;
    }
    return this.#checkpointer.pending().length === 0;
  }

  /** No more commits (after the final flush). */
  close(): void {
    this.#closed = true;
    clearTimeout(this.#retryTimer);
  }

  /** Must only run inside a setImmediate callback (see the class comment). */
  #dispatch(): Promise<void> | undefined {
    if (this.#inFlight) {
      this.#again = true;
      return this.#inFlight;
    }
    const epoch = this.#checkpointer.epoch;
    const offsets = this.#checkpointer.pending();
    if (offsets.length === 0) return undefined;
    if (!this.#fn || this.#fnEpoch !== epoch) {
      // Progress of this epoch comes from an eachBatch of this epoch, which will hand over its function.
      this.#waitingForFn = true;
      return undefined;
    }
    const fn = this.#fn;
    const started = fn(toKafkajs(offsets));
    this.#inFlight = started.then(
      () => {
        this.commits++;
        this.#failuresInARow = 0;
        this.#checkpointer.markCommitted(epoch, offsets);
      },
      (err: unknown) => {
        this.failures++;
        this.#failuresInARow++;
        const stale = epoch !== this.#checkpointer.epoch;
        this.#log.warn({ err, epoch, offsets: offsets.length, stale }, 'offset commit failed; acked progress will be committed again');
        if (!stale) this.#retryLater();
      },
    ).finally(() => {
      this.#inFlight = undefined;
      if (this.#again) {
        this.#again = false;
        this.request();
      }
    });
    return this.#inFlight;
  }

  #retryLater(): void {
    if (this.#closed || this.#retryTimer) return;
    const delay = Math.min(RETRY_MAX_MS, RETRY_MIN_MS * 2 ** Math.min(this.#failuresInARow - 1, 5));
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = undefined;
      this.request();
    }, delay);
    this.#retryTimer.unref();
  }
}

function toKafkajs(offsets: readonly CommitOffset[]): Parameters<CommitFn>[0] {
  const byTopic = new Map<string, Array<{ partition: number; offset: string }>>();
  for (const o of offsets) {
    let list = byTopic.get(o.topic);
    if (!list) byTopic.set(o.topic, (list = []));
    list.push({ partition: o.partition, offset: String(o.offset) });
  }
  return { topics: [...byTopic].map(([topic, partitions]) => ({ topic, partitions })) };
}
