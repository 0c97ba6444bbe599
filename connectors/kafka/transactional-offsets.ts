import type { FlowControl, ProgressCut, TransactionalProgress, TransactionHooks } from '../../src/spi/source.js';
import type { OffsetCheckpointer } from './offset-checkpointer.js';
import type { OffsetCommits } from './offset-commits.js';

/**
 * The Kafka source's side of exactly-once: instead of committing offsets itself, the source
 * offers them to the sink's transaction as a cut of its checkpointer. A cut exists only while
 * every partition's acked records form a prefix (see PartitionCheckpoint.consistent), so every
 * record whose rows went into the transaction lies below the offsets committed with it.
 *
 * When a commit is due and no cut exists (a filtered or routed record acked past one still at
 * the model, or ALLOW_UNORDERED output), the source holds reading through flow() until the
 * records in flight settle and a cut exists: a bounded wait, never a commit that could repeat rows.
 */
export class TransactionalOffsets implements TransactionalProgress, OffsetCommits {
  readonly #checkpointer: OffsetCheckpointer;
  readonly #group: string;
  readonly #fail: (err: Error) => void;
  #hooks: TransactionHooks | undefined;
  #hold: { readonly released: Promise<void>; readonly release: () => void } | undefined;
  /** Set once a cut must never be offered again (the partitions moved with records uncommitted). */
  #poisoned = false;
  commits = 0;
  /** A failed transaction aborts and restarts the source; it is counted by the sink (PD4311). */
  readonly failures = 0;

  /** `fail` fails the source, so that the job restarts from the committed offsets. */
  constructor(checkpointer: OffsetCheckpointer, group: string, fail: (err: Error) => void) {
    this.#checkpointer = checkpointer;
    this.#group = group;
    this.#fail = fail;
    checkpointer.observe(() => this.progressed());
  }

  /** Offsets go into the sink's transactions, never through a batch's commit function. */
  reading(): void {}

  rebalancing(): void {
    void this.end('rebalance');
  }

  beforeRejoin(): Promise<void> {
    return this.end('rebalance');
  }

  async final(): Promise<boolean> {
    await this.end('close');
    return this.#checkpointer.pending().length === 0;
  }

  owner(): string | undefined {
    const byTopic = new Map<string, number[]>();
    for (const { topic, partition } of this.#checkpointer.assigned()) {
      let list = byTopic.get(topic);
      if (!list) byTopic.set(topic, (list = []));
      list.push(partition);
    }
    if (byTopic.size === 0) return undefined;
    return [...byTopic]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([topic, parts]) => `${topic}-${parts.sort((a, b) => a - b).join('.')}`)
      .join('_');
  }

  cut(): ProgressCut | undefined {
    if (this.#poisoned || !this.#checkpointer.consistent()) return undefined;
    const offsets = this.#checkpointer.pending().map((o) => ({ topic: o.topic, partition: o.partition, offset: String(o.offset) }));
    return { group: this.#group, epoch: this.#checkpointer.epoch, offsets };
  }

  committed(cut: ProgressCut): void {
    this.commits++;
    this.#checkpointer.markCommitted(
      cut.epoch,
      cut.offsets.map((o) => ({ topic: o.topic, partition: o.partition, offset: Number(o.offset) })),
    );
    this.#releaseHold();
  }

  holdForCut(): void {
    if (this.#hold) return;
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    this.#hold = { released, release };
  }

  aborted(error: Error): void {
    this.#poisoned = true;
    this.#releaseHold();
    this.#fail(error);
  }

  bind(hooks: TransactionHooks): void {
    this.#hooks = hooks;
  }

  /** The checkpointer's progress moved: a commit waiting for a cut may go. */
  progressed(): void {
    this.#hooks?.progressed();
  }

  /** Ends the sink's open transaction (commit with a cut, else abort); resolves at once without a sink. */
  end(reason: string): Promise<void> {
    return this.#hooks?.endTransaction(reason) ?? Promise.resolve();
  }

  /**
   * A new assignment. Records of the previous one still in the pipeline would be written in a
   * later transaction while their partitions may be read again elsewhere, so unless everything
   * read was committed the source must restart. Returns false in that case (no cut is offered again).
   */
  reassigned(uncommitted: number): boolean {
    if (uncommitted === 0) return true;
    this.#poisoned = true;
    this.#releaseHold();
    return false;
  }

  /** The pipeline's window, also "full" while a due commit waits for a cut. */
  flow(inner: FlowControl): FlowControl {
    const held = () => this.#hold;
    return {
      get full() {
        return inner.full || held() !== undefined;
      },
      async drained(signal: AbortSignal) {
        if (inner.full) await inner.drained(signal);
        const hold = held();
        if (hold) await untilReleasedOrAborted(hold.released, signal);
      },
    };
  }

  #releaseHold(): void {
    const hold = this.#hold;
    this.#hold = undefined;
    hold?.release();
  }
}

async function untilReleasedOrAborted(released: Promise<void>, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return;
  let onAbort!: () => void;
  const aborted = new Promise<void>((resolve) => (onAbort = resolve));
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    await Promise.race([released, aborted]);
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}
