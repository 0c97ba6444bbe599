/** kafkajs' eachBatch `commitOffsetsIfNecessary`, given explicit offsets: commits with the generation of its batch. */
export type CommitFn = (offsets: { topics: Array<{ topic: string; partitions: Array<{ partition: number; offset: string }> }> }) => Promise<void>;

/**
 * How a Kafka source commits the acked progress of its checkpointer: the one decision between
 * at-least-once (CommitLoop: the group's offsets, as soon as progress moves) and exactly-once
 * (TransactionalOffsets: the offsets go into the sink's transactions). The source calls these at
 * the points of the group's life where a commit is due; which commit happens is the strategy's.
 */
export interface OffsetCommits {
  /** A batch of assignment `epoch` is being read; `commit` commits with that batch's generation. */
  reading(epoch: number, commit: CommitFn): void;
  /** The group announced a rebalance: the outgoing generation may still commit, without waiting. */
  rebalancing(): void;
  /** kafkajs is about to rejoin (a heartbeat saw the rebalance): commit what is acked and wait. */
  beforeRejoin(): Promise<void>;
  /** The source closes: the last commit. True when nothing acked was left uncommitted. */
  final(): Promise<boolean>;
  readonly commits: number;
  readonly failures: number;
}
