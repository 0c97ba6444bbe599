import type { Row } from '../types/data-type.js';
import type { Logger } from './logger.js';

/** One record read by a source; the runtime calls exactly one of ack/nack, once. */
export interface SourceRecord {
  readonly row: Row;
  /** The sink wrote every row derived from this record (or it was filtered or dropped by policy). */
  ack(): void;
  /** Processing failed for good: the source must never commit at or past this record. */
  nack(error: Error): void;
  /**
   * Present when the source has a dead-letter queue: writes the original record (key, value,
   * headers) with the failure in headers and resolves once the write is acknowledged. The runtime
   * then acks the record. A rejection means the record could not be dead-lettered (the runtime
   * retries with backoff; a hard stop leaves it unacked).
   */
  deadLetter?(failure: RowFailure): Promise<void>;
}

/** Kafka Connect's `errors.tolerance`: 'none' fails the job at the first failed row, 'all' routes such rows. */
export type ErrorTolerance = 'none' | 'all';

/** Where in a pipeline a row failed. */
export type FailureStage = 'decode' | 'transform' | 'predict' | 'sink';

/** A row that failed for good, as the dead-letter queue and the counters see it. */
export interface RowFailure {
  readonly stage: FailureStage;
  readonly error: Error;
  /** The model, for stage 'predict'. */
  readonly model?: string;
  /** The provider's HTTP status, when a model call got an answer. */
  readonly httpStatus?: number;
}

/** A record the source read but could not turn into a row (a decode error). */
export type UndecodableRecord = Omit<SourceRecord, 'row'>;

/** The pipeline's in-flight window, seen from a source. */
export interface FlowControl {
  /** True while the window is full: stop reading (pause partitions) until drained() resolves. */
  readonly full: boolean;
  /** Resolves once the in-flight count is below the low-water mark, or when the signal aborts. */
  drained(signal: AbortSignal): Promise<void>;
}

export interface SourceContext {
  /** Aborted when the job stops: stop reading new records (in-flight ones still settle). */
  readonly signal: AbortSignal;
  readonly flow: FlowControl;
  /** Hands one record to the pipeline. Never blocks; callers respect `flow.full`. */
  push(record: SourceRecord): void;
  /**
   * Hands over a record that cannot be decoded: the pipeline decides by `errorTolerance` whether it
   * fails the job or is routed (dead-letter queue, else dropped and logged). Counts in the window.
   */
  pushUndecodable(record: UndecodableRecord, error: Error): void;
  readonly log: Logger;
}

/**
 * How far a source has read one of its partitions, for status and lag (Kafka: one topic-partition
 * assigned to this member). Offsets are strings (Kafka offsets are int64); `lag` = end - committed,
 * absent while either is unknown.
 */
export interface PartitionProgress {
  readonly topic: string;
  readonly partition: number;
  /** The next offset this source will resume from after a restart (what it committed). */
  readonly committedOffset?: string;
  /** The partition's end offset (high watermark) as last seen. */
  readonly endOffset?: string;
  readonly lag?: number;
}

export interface Source {
  /**
   * Kafka Connect's `errors.tolerance` for failures outside the model (decode, expressions, sink
   * rejections): 'none' (default) fails the job; 'all' routes the record (dead-letter queue when
   * the record has one, else dropped, logged and counted). Model failures follow the model's
   * `error-handling-strategy` instead.
   */
  readonly errorTolerance?: ErrorTolerance;
  /** Reads until the input ends (bounded sources) or the signal aborts. */
  run(ctx: SourceContext): Promise<void>;
  /** After the pipeline drained: final commit, then release clients. Idempotent. */
  close(): Promise<void>;
  /**
   * Per-partition progress for status and metrics; absent for sources without partitions. A bounded
   * source may report its input as one partition: committed = rows acked, end = rows in all.
   */
  progress?(): readonly PartitionProgress[];
  /** True when the input ends by itself (VALUES, datagen with number-of-rows): status shows its progress as done/total. */
  readonly bounded?: boolean;
  /**
   * Exactly-once: from this call on, the source commits nothing itself; the returned handle lets
   * a transactional sink commit its progress with the output. Absent on sources that cannot.
   */
  transactionalProgress?(): TransactionalProgress;
}

/**
 * A source's read progress at one moment, as a transactional sink commits it together with its
 * output (Kafka: the consumer group's offsets, through `sendOffsets`). Opaque to the runtime.
 */
export interface ProgressCut {
  /** The consumer group whose offsets these are. */
  readonly group: string;
  /** The source's assignment epoch the cut belongs to. */
  readonly epoch: number;
  /** Next offsets to read, per partition, ahead of what was committed before. */
  readonly offsets: readonly { readonly topic: string; readonly partition: number; readonly offset: string }[];
}

/** What a transactional sink asks of its source: end the open transaction now (rebalance, close). */
export interface TransactionHooks {
  /** Commits the open transaction if a cut exists, else aborts it. Resolves when it has ended. */
  endTransaction(reason: string): Promise<void>;
  /** Acks moved the source's progress: a commit waiting for a cut may go now. */
  progressed(): void;
}

/**
 * Exactly-once: a source that no longer commits its progress itself but hands it to a sink,
 * which commits it in the same transaction as the output written for it. A cut exists only
 * when no acked record lies past one still in flight on any partition: then every record whose
 * rows the sink wrote is below the cut, and after a crash nothing committed is read again.
 */
export interface TransactionalProgress {
  /** Names the input this source owns now (Kafka: its assigned partitions); the sink derives its transactional id from it. */
  owner(): string | undefined;
  /** The progress to commit with everything written so far, or undefined while no consistent cut exists. */
  cut(): ProgressCut | undefined;
  /** The transaction carrying `cut` committed. Also ends a hold. */
  committed(cut: ProgressCut): void;
  /** A commit is due and no cut exists: stop reading new records until one does (in-flight ones finish). */
  holdForCut(): void;
  /** The transaction failed and was aborted: the source fails, so the job restarts from the committed progress. */
  aborted(error: Error): void;
  /** The sink's side, called by the source. */
  bind(hooks: TransactionHooks): void;
}
