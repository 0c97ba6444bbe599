export interface TopicPartition {
  readonly topic: string;
  readonly partition: number;
}

/** An offset to commit: the next offset to read, as Kafka stores it. */
export interface CommitOffset extends TopicPartition {
  readonly offset: number;
}

/** The ack handle of one pushed record. */
export interface TrackedRecord {
  ack(): void;
  nack(error: Error): void;
}

const PENDING = 0;
const ACKED = 1;
const NACKED = 2;

/**
 * The records of one partition pushed during one assignment epoch, in offset order, and how
 * far the acknowledged prefix reaches. Acks may arrive in any order; the commit position only
 * moves over a contiguous run of acked records, so it never skips a record still in flight,
 * and a nacked record pins it for good: nothing at or past that record is ever committed.
 */
export class PartitionCheckpoint implements TopicPartition {
  readonly topic: string;
  readonly partition: number;
  readonly epoch: number;
  /** Pushed offsets, ascending; a record's state sits at the same index in #states. */
  #offsets: number[] = [];
  #states: number[] = [];
  /** Index of the first record not acked (== length when all are acked). */
  #head = 0;
  #lastOffset = -1;
  #committed: number | undefined;
  #nacked: number | undefined;
  /** Acked records past the first one not acked (exactly-once needs none at a commit). */
  #ackedAhead = 0;
  /** Set once the start position of this partition was checked in this epoch (startup modes). */
  positioned = false;

  constructor(topic: string, partition: number, epoch: number) {
    this.topic = topic;
    this.partition = partition;
    this.epoch = epoch;
  }

  /** Records pushed and not yet acked (nacked ones included). */
  get unacked(): number {
    let n = 0;
    for (let i = this.#head; i < this.#states.length; i++) if (this.#states[i] !== ACKED) n++;
    return n;
  }

  /**
   * True when no acked record lies past one still in flight: the acked records are exactly the
   * prefix below position(). A transactional commit needs this, since a record acked past the
   * position may have rows in the transaction that a restart would write again.
   */
  get consistent(): boolean {
    return this.#ackedAhead === 0;
  }

  /** The lowest nacked offset, if any record was nacked. */
  get pinnedAt(): number | undefined {
    return this.#nacked;
  }

  get committed(): number | undefined {
    return this.#committed;
  }

  /** The highest offset tracked so far, -1 before the first. */
  get lastTracked(): number {
    return this.#lastOffset;
  }

  /** Offsets must grow: Kafka hands a partition's records over in offset order. */
  track(offset: number): void {
    if (offset <= this.#lastOffset) {
      throw new Error(`offset ${offset} of ${this.topic}[${this.partition}] tracked after ${this.#lastOffset}`);
    }
    this.#offsets.push(offset);
    this.#states.push(PENDING);
    this.#lastOffset = offset;
  }

  /** Marks a record acked; true when that moved the commit position. */
  ack(offset: number): boolean {
    const i = this.#indexOf(offset);
    if (i < 0 || this.#states[i] !== PENDING) return false;
    this.#states[i] = ACKED;
    if (i !== this.#head) {
      this.#ackedAhead++;
      return false;
    }
    this.#head++;
    while (this.#head < this.#states.length && this.#states[this.#head] === ACKED) {
      this.#head++;
      this.#ackedAhead--;
    }
    this.#compact();
    return true;
  }

  /** Marks a record failed for good: the commit position will never reach past it. */
  nack(offset: number): void {
    const i = this.#indexOf(offset);
    if (i < 0 || this.#states[i] !== PENDING) return;
    this.#states[i] = NACKED;
    if (this.#nacked === undefined || offset < this.#nacked) this.#nacked = offset;
  }

  /**
   * The next offset to read after the acked prefix: the first record not acked, or one past
   * the last record when all are acked. Undefined before anything was pushed.
   */
  position(): number | undefined {
    if (this.#head < this.#offsets.length) return this.#offsets[this.#head];
    return this.#lastOffset < 0 ? undefined : this.#lastOffset + 1;
  }

  /** The position, when it is ahead of what was committed already. */
  committable(): number | undefined {
    const p = this.position();
    return p !== undefined && (this.#committed === undefined || p > this.#committed) ? p : undefined;
  }

  markCommitted(offset: number): void {
    if (this.#committed === undefined || offset > this.#committed) this.#committed = offset;
  }

  #indexOf(offset: number): number {
    let lo = this.#head;
    let hi = this.#offsets.length - 1;
    // Acks mostly arrive near the head; check it before the binary search.
    if (this.#offsets[lo] === offset) return lo;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const v = this.#offsets[mid]!;
      if (v === offset) return mid;
      if (v < offset) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  #compact(): void {
    if (this.#head < 1024 || this.#head * 2 < this.#offsets.length) return;
    this.#offsets = this.#offsets.slice(this.#head);
    this.#states = this.#states.slice(this.#head);
    this.#head = 0;
  }
}

/**
 * Per-partition checkpoints of the current consumer-group assignment. Every assignment (each
 * GROUP_JOIN) starts a new epoch with fresh checkpoints; acks of records pushed in an older
 * epoch are dropped, because that partition may belong to another member now and its new
 * owner re-reads those records from the last commit. Only the current epoch's partitions are
 * ever offered for commit.
 */
export class OffsetCheckpointer {
  #epoch = 0;
  #partitions = new Map<string, PartitionCheckpoint>();
  #onProgress: () => void = () => {};
  /** Acks that arrived for records of an older epoch and were dropped. */
  staleAcks = 0;

  /**
   * Whoever commits this progress (the commit loop, or exactly-once's transactions) observes it:
   * `onProgress` runs when an ack moved the commit position of a partition we own.
   */
  observe(onProgress: () => void): void {
    this.#onProgress = onProgress;
  }

  get epoch(): number {
    return this.#epoch;
  }

  /** Starts a new epoch owning exactly these partitions; returns its number. */
  assign(assignment: readonly TopicPartition[]): number {
    this.#epoch++;
    this.#partitions = new Map(assignment.map((tp) => [key(tp.topic, tp.partition), new PartitionCheckpoint(tp.topic, tp.partition, this.#epoch)]));
    return this.#epoch;
  }

  /** Starts a new epoch owning nothing (the member left the group or crashed). */
  revokeAll(): number {
    return this.assign([]);
  }

  assigned(): TopicPartition[] {
    return [...this.#partitions.values()].map(({ topic, partition }) => ({ topic, partition }));
  }

  /** The checkpoint of a partition owned in the current epoch. */
  partition(topic: string, partition: number): PartitionCheckpoint | undefined {
    return this.#partitions.get(key(topic, partition));
  }

  /**
   * Registers a pushed record; its ack counts only while its epoch is current. The first
   * record of a partition in an epoch also counts as progress: committing its offset pins
   * where reading started, so a restart before the first ack resumes there instead of
   * applying scan.startup.mode again (a 'latest' start would skip what was read meanwhile).
   */
  track(cp: PartitionCheckpoint, offset: number): TrackedRecord {
    const first = cp.lastTracked < 0;
    cp.track(offset);
    if (first && cp.epoch === this.#epoch) this.#onProgress();
    return {
      ack: () => {
        if (cp.epoch !== this.#epoch) {
          this.staleAcks++;
          return;
        }
        if (cp.ack(offset)) this.#onProgress();
      },
      nack: () => {
        if (cp.epoch === this.#epoch) cp.nack(offset);
      },
    };
  }

  /** True when every partition of the current epoch is consistent (see PartitionCheckpoint.consistent). */
  consistent(): boolean {
    for (const cp of this.#partitions.values()) if (!cp.consistent) return false;
    return true;
  }

  /** Offsets of the current epoch that are ahead of their last commit. */
  pending(): CommitOffset[] {
    const out: CommitOffset[] = [];
    for (const cp of this.#partitions.values()) {
      const offset = cp.committable();
      if (offset !== undefined) out.push({ topic: cp.topic, partition: cp.partition, offset });
    }
    return out;
  }

  /** Records a successful commit; ignored when the epoch moved on meanwhile. */
  markCommitted(epoch: number, offsets: readonly CommitOffset[]): void {
    if (epoch !== this.#epoch) return;
    for (const o of offsets) this.partition(o.topic, o.partition)?.markCommitted(o.offset);
  }

  /** Records pushed in the current epoch and not acked yet. */
  unacked(): number {
    let n = 0;
    for (const cp of this.#partitions.values()) n += cp.unacked;
    return n;
  }
}

function key(topic: string, partition: number): string {
  return `${partition}\u0000${topic}`;
}
