import type { Logger } from '../../src/spi/logger.js';
import type { CommitOffset, OffsetCheckpointer } from './offset-checkpointer.js';
import type { CommitFn, OffsetCommits } from './offset-commits.js';

const RETRY_MIN_MS = 500;
const RETRY_MAX_MS = 10_000;
/** Commits a flush tries before it reports what is left (a rebalance or close must not wait long). */
const FLUSH_ATTEMPTS = 3;

/** What one turn of the loop found. */
type Turn = 'nothing-pending' | 'committed' | 'failed' | 'stale' | 'no-commit-fn';

/**
 * At-least-once: one loop commits the checkpointer's acked prefix whenever it moves. Each turn
 * waits to be woken (progress, a new epoch's commit function, a flush, the retry delay), then
 * commits everything pending in one OffsetCommit; progress made during a commit is taken by the
 * next turn, so there is never more than one commit in flight and nothing is coalesced away.
 *
 * The commit goes through the eachBatch `commitOffsetsIfNecessary(offsets)` of the current
 * assignment epoch, which calls kafkajs' ConsumerGroup directly. Unlike `consumer.commitOffsets`
 * it is not silently dropped once the consumer is stopping, it does not retry on its own into the
 * next generation, and it fails loudly when the member is gone. It commits with the group
 * generation kafkajs holds at the moment of the call; the function of an older epoch is never used.
 *
 * Why each turn starts in a macrotask (setImmediate): kafkajs installs the new generation's
 * OffsetManager a few microtasks before it emits GROUP_JOIN (where the checkpointer starts the new
 * epoch). A commit issued from inside that microtask window would carry the new generation with
 * the old epoch's partitions, which is exactly kafkajs issue #1046. A macrotask never runs inside
 * that window, so when a turn reads the epoch either kafkajs still holds the old generation (the
 * broker rejects the commit if the group moved on) or the epoch has already changed (the old
 * partitions are no longer offered).
 */
export class CommitLoop implements OffsetCommits {
  readonly #checkpointer: OffsetCheckpointer;
  readonly #log: Logger;
  #commitFn: { readonly epoch: number; readonly commit: CommitFn } | undefined;
  #poked = false;
  #wake: (() => void) | undefined;
  #turnWaiters: Array<(turn: Turn) => void> = [];
  #closed = false;
  commits = 0;
  failures = 0;

  constructor(checkpointer: OffsetCheckpointer, log: Logger) {
    this.#checkpointer = checkpointer;
    this.#log = log;
    checkpointer.observe(() => this.#poke());
    void this.#loop();
  }

  reading(epoch: number, commit: CommitFn): void {
    if (this.#commitFn?.epoch === epoch) return;
    this.#commitFn = { epoch, commit };
    this.#poke(); // progress of this epoch may be waiting for its function
  }

  rebalancing(): void {
    this.#poke();
  }

  async beforeRejoin(): Promise<void> {
    await this.#flush();
  }

  async final(): Promise<boolean> {
    try {
      return await this.#flush();
    } finally {
      this.#closed = true;
      this.#poke();
    }
  }

  /**
   * Commits everything acked so far and waits for it. True when nothing committable is left
   * uncommitted (or there was nothing to commit).
   */
  async #flush(): Promise<boolean> {
    for (let attempt = 0; attempt < FLUSH_ATTEMPTS && !this.#closed; attempt++) {
      const turn = await new Promise<Turn>((resolve) => {
        this.#turnWaiters.push(resolve);
        this.#poke();
      });
      if (turn === 'nothing-pending') return true;
      if (turn === 'no-commit-fn') return false;
    }
    return this.#checkpointer.pending().length === 0;
  }

  #poke(): void {
    this.#poked = true;
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }

  /** Resolves when poked, or after `ms` (a failed commit's retry) when given. */
  #sleep(ms: number | undefined): Promise<void> {
    if (this.#poked) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const timer = ms === undefined ? undefined : setTimeout(() => this.#poke(), ms);
      timer?.unref();
      this.#wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  async #loop(): Promise<void> {
    let retryInMs: number | undefined;
    let failuresInARow = 0;
    while (!this.#closed) {
      await this.#sleep(retryInMs);
      await new Promise<void>((resolve) => setImmediate(resolve)); // see the class comment
      if (this.#closed) break;
      this.#poked = false;
      const turn = await this.#turn();
      failuresInARow = turn === 'failed' ? failuresInARow + 1 : 0;
      retryInMs = turn === 'failed' ? Math.min(RETRY_MAX_MS, RETRY_MIN_MS * 2 ** Math.min(failuresInARow - 1, 5)) : undefined;
      const waiters = this.#turnWaiters;
      this.#turnWaiters = [];
      for (const resolve of waiters) resolve(turn);
    }
    for (const resolve of this.#turnWaiters.splice(0)) resolve('no-commit-fn');
  }

  async #turn(): Promise<Turn> {
    const epoch = this.#checkpointer.epoch;
    const offsets = this.#checkpointer.pending();
    if (offsets.length === 0) return 'nothing-pending';
    // Progress of this epoch comes from an eachBatch of this epoch, which hands over its function.
    if (this.#commitFn?.epoch !== epoch) return 'no-commit-fn';
    try {
      await this.#commitFn.commit(toKafkajs(offsets));
    } catch (err) {
      this.failures++;
      const stale = epoch !== this.#checkpointer.epoch;
      this.#log.warn({ err, epoch, offsets: offsets.length, stale }, 'offset commit failed; acked progress will be committed again');
      // A stale epoch's progress went with its partitions: the next turn looks at the new epoch.
      return stale ? 'stale' : 'failed';
    }
    this.commits++;
    this.#checkpointer.markCommitted(epoch, offsets);
    return 'committed';
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
