import { Kafka, logLevel, type Admin, type Consumer, type EachBatchPayload, type KafkaMessage } from 'kafkajs';
import type { Logger } from '../../src/spi/logger.js';
import type { ErrorTolerance, PartitionProgress, RowFailure, Source, SourceContext, TransactionalProgress } from '../../src/spi/source.js';
import { BatchHeartbeat, isRebalancing } from './batch-heartbeat.js';
import type { ClientSettings } from './client-settings.js';
import { deferResolve } from './deferred-resolve.js';
import { DeadLetterWriter } from './dead-letter-writer.js';
import { KafkaConnectorError } from './kafka-connector-error.js';
import type { KafkaTableOptions } from './kafka-table-options.js';
import { kafkajsLogCreator } from './kafkajs-log-creator.js';
import { CommitLoop } from './commit-loop.js';
import { OffsetCheckpointer, type PartitionCheckpoint } from './offset-checkpointer.js';
import type { OffsetCommits } from './offset-commits.js';
import { PartitionProgressTracker } from './partition-progress.js';
import { RecordDecodeError, type ConsumedMessage, type RecordDecoder } from './record-codec.js';
import { FormatUnavailableError, isPromise, type MaybePromise } from '../../src/spi/format.js';
import type { Row } from '../../src/types/data-type.js';
import { abortableSleep, fullJitterDelay } from '../../src/util/backoff.js';
import { StartupPositioner } from './startup-positioner.js';
import { TransactionalOffsets } from './transactional-offsets.js';

export interface KafkaSourceConfig {
  readonly table: string;
  readonly options: KafkaTableOptions;
  readonly client: ClientSettings;
  readonly decoder: RecordDecoder;
  /** Aborted by close(): stops the formats' pending I/O (a schema fetch that waits for the registry). */
  readonly formats: AbortController;
  readonly log: Logger;
  readonly jobId: string;
}

export interface KafkaSourceStats {
  readonly epoch: number;
  readonly recordsPushed: number;
  readonly recordsSkipped: number;
  readonly tombstones: number;
  readonly deadLettered: number;
  readonly staleAcks: number;
  readonly commits: number;
  readonly commitFailures: number;
}

type SourceState = 'created' | 'running' | 'closed';

/** Backoff between attempts at a record whose format's service (a schema registry) is down. */
const UNAVAILABLE_BASE_MS = 500;
const UNAVAILABLE_MAX_MS = 15_000;

/** How often end offsets and the group's committed offsets are asked for (lag while paused or idle). */
const PROGRESS_REFRESH_MS = 2_000;

/** The message fields kafkajs has but does not declare in its types. */
interface BatchContext {
  readonly partitionLeaderEpoch?: number;
  readonly timestampType?: number;
}

/**
 * Reads a Kafka consumer group and pushes one record per message; commits offsets only
 * over the contiguous prefix of acked records, per partition, in the current assignment.
 *
 * Lifecycle: run() joins the group and reads until ctx.signal aborts (then it pauses every
 * partition and resolves, leaving the member in the group so acks of in-flight records can
 * still be committed) or the source fails (decode error, crash: run() rejects). close() does
 * the final commit and then leaves the group.
 *
 * Backpressure: when ctx.flow is full the job's topics are paused. Inside eachBatch the
 * reader waits for flow.drained() while heartbeating; a heartbeat that reports a rebalance
 * ends the wait, commits what is acked (the outgoing generation may still commit) and is
 * rethrown so kafkajs rejoins.
 */
export class KafkaSource implements Source {
  readonly #cfg: KafkaSourceConfig;
  readonly #log: Logger;
  readonly #kafka: Kafka;
  readonly #checkpointer = new OffsetCheckpointer();
  /** At-least-once (a CommitLoop) unless the sink asked for exactly-once before run(). */
  #commits: OffsetCommits | undefined;
  readonly #positioner: StartupPositioner | undefined;
  readonly #deadLetters: DeadLetterWriter | undefined;
  /** Exactly-once: the sink commits the offsets in its transactions. */
  #txn: TransactionalOffsets | undefined;
  readonly errorTolerance: ErrorTolerance;
  readonly #stop = new AbortController();
  #state: SourceState = 'created';
  #ctx: SourceContext | undefined;
  #consumer: Consumer | undefined;
  #consumerRun: Promise<void> | undefined;
  /** connect, subscribe and the first group join. */
  #starting: Promise<void> | undefined;
  #admin: Promise<Admin> | undefined;
  #topics: string[] = [];
  #failure: Error | undefined;
  #settle: { resolve: () => void; reject: (err: Error) => void } | undefined;
  #flowPause: Promise<void> | undefined;
  #closing: Promise<void> | undefined;
  readonly #progress = new PartitionProgressTracker();
  #progressTimer: NodeJS.Timeout | undefined;
  #refreshing = false;
  #pushed = 0;
  #skipped = 0;
  #tombstones = 0;
  #unavailableAttempts = 0;
  /** The epoch in which a heartbeat reported a rebalance: its queued batches are not read. */
  #rebalanceSeen = -1;

  constructor(cfg: KafkaSourceConfig) {
    this.#cfg = cfg;
    this.#log = cfg.log;
    this.#kafka = new Kafka({ ...cfg.client.kafka, logLevel: logLevel.INFO, logCreator: kafkajsLogCreator(cfg.log) });
    this.#positioner = StartupPositioner.needed(cfg.options) ? new StartupPositioner(() => this.#adminClient(), cfg.options) : undefined;
    this.errorTolerance = cfg.options.errorTolerance;
    const dlq = cfg.options.deadLetter;
    this.#deadLetters = dlq
      ? new DeadLetterWriter({
          kafka: this.#kafka,
          options: dlq,
          jobId: cfg.jobId,
          table: cfg.table,
          format: cfg.options.valueFormat.name,
          ackTimeoutMs: cfg.client.producer.ackTimeoutMs,
          log: cfg.log,
        })
      : undefined;
  }

  get stats(): KafkaSourceStats {
    return {
      epoch: this.#checkpointer.epoch,
      recordsPushed: this.#pushed,
      recordsSkipped: this.#skipped,
      tombstones: this.#tombstones,
      deadLettered: this.#deadLetters?.written ?? 0,
      staleAcks: this.#checkpointer.staleAcks,
      commits: this.#commits?.commits ?? 0,
      commitFailures: this.#commits?.failures ?? 0,
    };
  }

  async run(ctx: SourceContext): Promise<void> {
    if (this.#state !== 'created') throw new KafkaConnectorError('PD4305', `kafka source '${this.#cfg.table}': run() called while ${this.#state}`);
    this.#state = 'running';
    this.#commits = this.#txn ?? new CommitLoop(this.#checkpointer, this.#log);
    // Exactly-once: a commit that waits for a consistent cut holds reading like a full window.
    this.#ctx = this.#txn ? { ...ctx, flow: this.#txn.flow(ctx.flow) } : ctx;
    const settled = new Promise<void>((resolve, reject) => (this.#settle = { resolve, reject }));
    const onAbort = () => this.#beginStop();
    ctx.signal.addEventListener('abort', onAbort, { once: true });
    if (ctx.signal.aborted) this.#beginStop();
    // Joining may take a while; a stop meanwhile must not wait for it (close() does).
    if (!this.#stop.signal.aborted) {
      this.#starting = this.#start().catch((err: unknown) => {
        if (this.#state === 'closed') this.#log.debug({ err }, 'kafka source: start interrupted by close()');
        else this.#fail(asError(err));
      });
    }
    try {
      await settled;
    } finally {
      ctx.signal.removeEventListener('abort', onAbort);
    }
  }

  transactionalProgress(): TransactionalProgress {
    if (this.#state !== 'created') throw new KafkaConnectorError('PD4305', `kafka source '${this.#cfg.table}': exactly-once must be set up before run()`);
    this.#txn ??= new TransactionalOffsets(this.#checkpointer, this.#cfg.options.groupId, (err) => this.#fail(err));
    return this.#txn;
  }

  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  /** The partitions of the current assignment: committed offset, end offset (high watermark) and lag. */
  progress(): readonly PartitionProgress[] {
    return this.#progress.snapshot(this.#checkpointer.assigned(), (tp) => this.#checkpointer.partition(tp.topic, tp.partition)?.committed);
  }

  /** Periodic, never overlapping; a broker that does not answer only leaves the figures stale. */
  #refreshProgress(): void {
    if (this.#refreshing || this.#state !== 'running') return;
    this.#refreshing = true;
    void this.#adminClient()
      .then((admin) => this.#progress.refresh(admin, this.#cfg.options.groupId, this.#checkpointer.assigned()))
      .catch((err: unknown) => this.#log.debug({ err }, 'kafka source: end offsets could not be refreshed'))
      .finally(() => (this.#refreshing = false));
  }

  async #start(): Promise<void> {
    const { options: opts, client } = this.#cfg;
    this.#topics = await this.#resolveTopics();
    if (this.#stop.signal.aborted) return;
    const { maxPollRecords: _unused, ...consumerConfig } = client.consumer;
    const consumer = this.#kafka.consumer({ ...consumerConfig, groupId: opts.groupId });
    this.#consumer = consumer;
    this.#listen(consumer);
    await consumer.connect();
    await consumer.subscribe({ topics: this.#topics, fromBeginning: StartupPositioner.fromBeginning(opts) });
    if (this.#stop.signal.aborted) return;
    this.#log.info({ topics: this.#topics, groupId: opts.groupId, startupMode: opts.startupMode }, 'kafka source: joining the consumer group');
    this.#progressTimer = setInterval(() => this.#refreshProgress(), PROGRESS_REFRESH_MS);
    this.#progressTimer.unref();
    this.#consumerRun = consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: 1,
      eachBatch: (payload) => this.#eachBatch(payload),
    });
    // The group may already need pausing (stop or full window while joining).
    if (this.#stop.signal.aborted || this.#flowPause) this.#pauseTopics();
    await this.#consumerRun;
  }

  #listen(consumer: Consumer): void {
    const { events } = consumer;
    // Synchronous, and emitted by kafkajs right after the new generation's assignment: the
    // epoch changes before any fetch of the new generation (see CommitLoop).
    consumer.on(events.GROUP_JOIN, (e) => {
      const assignment = Object.entries(e.payload.memberAssignment).flatMap(([topic, partitions]) =>
        (partitions ?? []).map((partition) => ({ topic, partition })),
      );
      const dropped = this.#checkpointer.unacked();
      const uncommitted = dropped + this.#checkpointer.pending().length;
      const epoch = this.#checkpointer.assign(assignment);
      this.#reassignedExactlyOnce(uncommitted);
      this.#log.info(
        { epoch, memberId: e.payload.memberId, partitions: assignment.map((a) => `${a.topic}[${a.partition}]`), unackedOfPreviousEpoch: dropped },
        'kafka source: partitions assigned',
      );
      if (this.#stop.signal.aborted || this.#flowPause) this.#pauseTopics();
    });
    // The outgoing generation can still commit while the group prepares the rebalance.
    consumer.on(events.REBALANCING, () => this.#commits!.rebalancing());
    // kafkajs' group leader assigns only the topics it subscribes to, round-robin over every member:
    // a member of the same group reading other topics gets partitions nobody reads, and its own
    // topics none. Never a silent stall: fail loudly with the way out.
    consumer.on(events.RECEIVED_UNSUBSCRIBED_TOPICS, (e) => {
      const { groupId, topicsNotSubscribed } = e.payload;
      this.#fail(
        new KafkaConnectorError(
          'PD4314',
          `kafka source '${this.#cfg.table}': consumer group '${groupId}' has a member reading other topics (${topicsNotSubscribed.join(', ')}); ` +
            "the group's leader assigns only its own topics, so partitions would go unread: give each source reading different topics its own 'properties.group.id'",
        ),
      );
    });
    consumer.on(events.CRASH, (e) => {
      const { error, restart } = e.payload;
      // kafkajs has already left the group: nothing of this member may be committed any more.
      const uncommitted = this.#checkpointer.unacked() + this.#checkpointer.pending().length;
      this.#checkpointer.revokeAll();
      this.#reassignedExactlyOnce(uncommitted);
      if (restart) {
        this.#log.warn({ err: error }, 'kafka source: the consumer crashed; kafkajs restarts it and the group reassigns the partitions');
        return;
      }
      this.#fail(new KafkaConnectorError('PD4302', `kafka source '${this.#cfg.table}': the consumer crashed and will not restart: ${error.message}`, { cause: error }));
    });
  }

  /**
   * `uncommitted`: records of the old assignment in flight plus its partitions with acked progress
   * not committed yet. Exactly-once after the assignment changed: records of the old one still in the pipeline would
   * be written in a later transaction while their partitions are read again from the committed
   * offsets, here or by another member. Unless all was committed, the pipeline restarts instead.
   */
  #reassignedExactlyOnce(uncommitted: number): void {
    if (!this.#txn || this.#txn.reassigned(uncommitted)) return;
    this.#fail(
      new KafkaConnectorError(
        'PD4313',
        `kafka source '${this.#cfg.table}': exactly-once: the partitions were reassigned while records read from them were not committed; the pipeline restarts from the committed offsets`,
      ),
    );
  }

  async #eachBatch(p: EachBatchPayload): Promise<void> {
    const { batch } = p;
    const ctx = this.#ctx!;
    const epoch = this.#checkpointer.epoch;
    const cp = this.#checkpointer.partition(batch.topic, batch.partition);
    if (!cp) {
      // Cannot happen while GROUP_JOIN precedes every fetch; if it does, let kafkajs retry and rejoin.
      throw new Error(`kafka source: batch of ${batch.topic}[${batch.partition}] is outside the assignment of epoch ${epoch}`);
    }
    this.#commits!.reading(epoch, p.commitOffsetsIfNecessary);
    this.#progress.observeEnd(batch.topic, batch.partition, batch.highWatermark);
    if (this.#stop.signal.aborted) {
      this.#pauseTopics();
      return;
    }
    if (this.#positioner && !cp.positioned) {
      if (!(await this.#position(p, cp, epoch))) return;
    }
    if (this.#rebalanceSeen === epoch) return; // a batch queued before the rebalance: kafkajs rejoins first
    const beat = new BatchHeartbeat(p, Math.min(1000, this.#cfg.client.consumer.heartbeatInterval));
    try {
      await this.#readBatch(p, cp, epoch, beat);
    } finally {
      beat.stop();
    }
    if (beat.error !== undefined) {
      // Only a rebalance is sure to end this epoch (kafkajs rejoins); after another error the
      // next batches of the epoch must still be read.
      if (isRebalancing(beat.error)) this.#rebalanceSeen = epoch;
      this.#log.info({ err: (beat.error as Error).message }, 'kafka source: the group is rebalancing; committing acked progress before rejoining');
      await this.#commits!.beforeRejoin();
      throw beat.error;
    }
    if (ctx.flow.full && !this.#stop.signal.aborted) void this.#pauseForFlow();
  }

  /** Pushes the batch's records until the end, the poll limit, a stop or a heartbeat error. */
  async #readBatch(p: EachBatchPayload, cp: PartitionCheckpoint, epoch: number, beat: BatchHeartbeat): Promise<void> {
    const ctx = this.#ctx!;
    const offsets = deferResolve(p);
    const q = offsets.payload;
    // What a record handed over synchronously can change: a stop, a failed heartbeat, a new epoch.
    const going = () => beat.error === undefined && !this.#stop.signal.aborted && epoch === this.#checkpointer.epoch;
    // What only an await can change as well: kafkajs stopping, or a seek making the batch stale.
    const live = () => going() && p.isRunning() && !p.isStale();
    const limit = this.#cfg.client.consumer.maxPollRecords ?? Infinity;
    let taken = 0;
    try {
      if (!live()) return;
      for (const m of p.batch.messages) {
        if (!going() || taken >= limit) break;
        if (ctx.flow.full) {
          offsets.flush();
          await Promise.race([this.#pauseForFlow(), beat.interrupted]);
          if (!live()) break;
        }
        taken++;
        const goOn = this.#readMessage(q, cp, m);
        if (isPromise(goOn)) {
          offsets.flush();
          if (!(await goOn) || !live()) break;
        } else if (!goOn) break;
      }
    } finally {
      offsets.flush();
    }
  }

  /**
   * One message of a batch -> one record handed to the pipeline (or skipped, or a tombstone acked
   * at once); its offset is resolved for kafkajs. False when the batch must stop here (a format's
   * service is down: the record is read again after a backoff). Synchronous while the format is
   * (json, csv, raw): no promise per record.
   */
  #readMessage(p: EachBatchPayload, cp: PartitionCheckpoint, m: KafkaMessage): boolean | Promise<boolean> {
    if (Number(m.offset) <= cp.lastTracked) {
      // Already pushed in this epoch (kafkajs fetched it again): its ack is on its way.
      p.resolveOffset(m.offset);
      return true;
    }
    const consumed = consumedMessage(p.batch.topic, p.batch.partition, m);
    let decoded: MaybePromise<Row | undefined>;
    try {
      decoded = this.#cfg.decoder.decode(consumed);
    } catch (err) {
      return this.#decodeFailed(p, cp, consumed, err);
    }
    if (!isPromise(decoded)) return this.#decoded(p, cp, consumed, decoded);
    return this.#awaitHeartbeating(p, decoded).then(
      (row) => this.#decoded(p, cp, consumed, row),
      (err: unknown) => this.#decodeFailed(p, cp, consumed, err),
    );
  }

  #decoded(p: EachBatchPayload, cp: PartitionCheckpoint, consumed: ConsumedMessage, row: Row | undefined): true {
    this.#unavailableAttempts = 0;
    this.#hand(cp, consumed, row, undefined);
    p.resolveOffset(String(consumed.offset));
    return true;
  }

  /** A record that did not decode: read again later, skipped, or handed over as undecodable. */
  #decodeFailed(p: EachBatchPayload, cp: PartitionCheckpoint, consumed: ConsumedMessage, err: unknown): boolean | Promise<boolean> {
    if (err instanceof FormatUnavailableError) {
      // Nothing is wrong with the record: read it again (this batch stops here) once the service answers.
      return this.#waitForFormat(p, err).then(() => false);
    }
    const { topic, partition, offset } = consumed;
    if (err instanceof RecordDecodeError && err.skippable) {
      this.#skipped++;
      this.#log.warn({ topic, partition, offset, err: err.message }, 'kafka source: record skipped: it cannot be decoded (ignore-parse-errors)');
      this.#checkpointer.track(cp, offset).ack();
    } else {
      this.#hand(cp, consumed, undefined, this.#decodeError(consumed, err));
    }
    p.resolveOffset(String(offset));
    return true;
  }

  /** Tracks a read record and hands it to the pipeline with its ack, nack and dead-letter route. */
  #hand(cp: PartitionCheckpoint, consumed: ConsumedMessage, row: Row | undefined, decodeError: KafkaConnectorError | undefined): void {
    const ctx = this.#ctx!;
    const { topic, partition, offset } = consumed;
    const tracked = this.#checkpointer.track(cp, offset);
    const handle = {
      ack: () => tracked.ack(),
      nack: (error: Error) => {
        this.#log.warn({ topic, partition, offset, err: error.message }, 'kafka source: record failed for good; nothing at or past it is committed for this partition');
        tracked.nack(error);
      },
      ...this.#deadLetterOf(consumed),
    };
    if (decodeError) {
      // The pipeline decides by errors.tolerance: fail the job, or route the record.
      ctx.pushUndecodable(handle, decodeError);
    } else if (row === undefined) {
      this.#tombstones++;
      tracked.ack();
    } else {
      this.#pushed++;
      ctx.push({ row, ...handle });
    }
  }

  #decodeError(consumed: ConsumedMessage, err: unknown): KafkaConnectorError {
    return new KafkaConnectorError(
      'PD4301',
      `kafka source '${this.#cfg.table}': cannot decode the record at topic '${consumed.topic}', partition ${consumed.partition}, offset ${consumed.offset}: ${(err as Error).message}` +
        " (set '<format>.ignore-parse-errors' = 'true' to skip such records, or 'errors.tolerance' = 'all' to route them)",
      { cause: err },
    );
  }

  /**
   * A format's service (a schema registry) is down: wait with backoff, heartbeating, then seek
   * back so the same record is read again. Never routed, never skipped: the read heals by itself.
   */
  async #waitForFormat(p: EachBatchPayload, err: FormatUnavailableError): Promise<void> {
    const attempt = this.#unavailableAttempts++;
    const delay = fullJitterDelay(attempt, UNAVAILABLE_BASE_MS, UNAVAILABLE_MAX_MS);
    this.#log.warn({ err: err.message, attempt: attempt + 1, retryInMs: delay, code: 'PD4310' }, 'kafka source: a format service is unavailable; the record is read again after a backoff');
    await this.#awaitHeartbeating(p, abortableSleep(delay, this.#stop.signal).catch(() => {}));
    const { topic, partition } = p.batch;
    const cp = this.#checkpointer.partition(topic, partition);
    if (cp && !this.#stop.signal.aborted) {
      // kafkajs refetches from the record after the last one pushed.
      this.#consumer!.seek({ topic, partition, offset: String(cp.lastTracked + 1) });
    }
  }

  /** Waits for a promise inside eachBatch, heartbeating so the member stays in the group. */
  async #awaitHeartbeating<T>(p: EachBatchPayload, work: Promise<T>): Promise<T> {
    const tick = Math.min(1000, this.#cfg.client.consumer.heartbeatInterval);
    const timer = setInterval(() => {
      if (p.isRunning()) p.heartbeat().catch(() => {});
    }, tick);
    try {
      return await work;
    } finally {
      clearInterval(timer);
    }
  }

  /** With a dead-letter topic, each record can be written there unchanged; the pipeline acks it after the broker did. */
  #deadLetterOf(consumed: ConsumedMessage): { deadLetter?: (failure: RowFailure) => Promise<void> } {
    const writer = this.#deadLetters;
    return writer ? { deadLetter: (failure) => writer.write(consumed, failure) } : {};
  }

  /** Startup modes kafkajs cannot express: may seek; false when this batch must not be read. */
  async #position(p: EachBatchPayload, cp: PartitionCheckpoint, epoch: number): Promise<boolean> {
    const { batch } = p;
    let decision;
    try {
      decision = await this.#positioner!.decide(epoch, batch.topic, batch.partition);
    } catch (err) {
      if (err instanceof KafkaConnectorError) {
        this.#fail(err);
        return false;
      }
      throw err; // a broker error: kafkajs retries the batch
    }
    if (epoch !== this.#checkpointer.epoch) return false;
    cp.positioned = true;
    if (decision.kind === 'seek' && String(decision.offset) !== batch.firstOffset()) {
      this.#log.info({ topic: batch.topic, partition: batch.partition, offset: decision.offset }, 'kafka source: no committed offset; starting at the scan.startup position');
      this.#consumer!.seek({ topic: batch.topic, partition: batch.partition, offset: String(decision.offset) });
      return false;
    }
    return true;
  }

  /** Pauses the job's topics until the pipeline drained; the same wait serves every caller. */
  #pauseForFlow(): Promise<void> {
    if (!this.#flowPause) {
      this.#pauseTopics();
      this.#flowPause = this.#ctx!.flow.drained(this.#stop.signal).then(() => {
        this.#flowPause = undefined;
        if (!this.#stop.signal.aborted) this.#resumeTopics();
      });
    }
    return this.#flowPause;
  }

  #pauseTopics(): void {
    try {
      this.#consumer?.pause(this.#topics.map((topic) => ({ topic })));
    } catch {
      // Before consumer.run() created the group there is nothing to pause; GROUP_JOIN pauses then.
    }
  }

  #resumeTopics(): void {
    try {
      this.#consumer?.resume(this.#topics.map((topic) => ({ topic })));
    } catch {
      // Not running (any more): nothing to resume.
    }
  }

  /** Stop reading for good; the member stays in the group so acks can still be committed. */
  #beginStop(): void {
    if (this.#stop.signal.aborted) return;
    this.#stop.abort();
    this.#pauseTopics();
    this.#settle?.resolve();
  }

  #fail(err: Error): void {
    if (!this.#failure) {
      this.#failure = err;
      this.#log.error({ err }, 'kafka source failed');
    }
    if (!this.#stop.signal.aborted) {
      this.#stop.abort();
      this.#pauseTopics();
    }
    this.#settle?.reject(this.#failure);
  }

  async #resolveTopics(): Promise<string[]> {
    const { topics, topicPattern } = this.#cfg.options;
    if (!topicPattern) return [...topics];
    const all = await (await this.#adminClient()).listTopics();
    const matched = all.filter((t) => !t.startsWith('__') && topicPattern.test(t)).sort();
    if (matched.length === 0) {
      throw new KafkaConnectorError('PD4307', `kafka source '${this.#cfg.table}': 'topic-pattern' ${topicPattern.source} matched no topic`);
    }
    return matched;
  }

  #adminClient(): Promise<Admin> {
    this.#admin ??= (async () => {
      const admin = this.#kafka.admin();
      await admin.connect();
      return admin;
    })();
    return this.#admin;
  }

  async #close(): Promise<void> {
    const wasRunning = this.#state === 'running';
    this.#state = 'closed';
    clearInterval(this.#progressTimer);
    this.#beginStop();
    try {
      if (wasRunning) {
        // kafkajs misbehaves when disconnected while still joining (#1639): let the start finish
        // first, within one request timeout (a broker that does not answer must not hang close()).
        await withTimeout(this.#starting, this.#cfg.client.kafka.requestTimeout ?? 30_000);
        const complete = await this.#commits!.final();
        this.#log.info({ complete, ...this.stats }, 'kafka source: final commit done');
      }
    } finally {
      this.#cfg.formats.abort();
      await this.#cfg.decoder.close().catch((err: unknown) => this.#log.warn({ err }, 'kafka source: closing the formats failed'));
      // After the final commit: every dead-letter write that was acked has been committed.
      await this.#deadLetters?.close();
      await this.#consumer?.disconnect().catch((err: unknown) => this.#log.warn({ err }, 'kafka source: disconnect failed'));
      if (this.#admin) await (await this.#admin.catch(() => undefined))?.disconnect().catch(() => {});
    }
  }
}

async function withTimeout(p: Promise<void> | undefined, ms: number): Promise<void> {
  if (!p) return;
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([p, new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}

/** A kafkajs message as the formats see it, with the batch fields kafkajs has but does not declare. */
function consumedMessage(topic: string, partition: number, m: KafkaMessage): ConsumedMessage {
  const { batchContext } = m as KafkaMessage & { batchContext?: BatchContext };
  return {
    topic,
    partition,
    offset: Number(m.offset),
    timestamp: m.timestamp,
    key: m.key,
    value: m.value,
    headers: m.headers,
    leaderEpoch: batchContext?.partitionLeaderEpoch,
    timestampType: batchContext?.timestampType,
  };
}

function asError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}
