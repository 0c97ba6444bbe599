import { createHash } from 'node:crypto';
import type { Kafka, Message, Producer, Transaction } from 'kafkajs';
import type { Logger } from '../../src/spi/logger.js';
import type { ProgressCut, TransactionalProgress, TransactionHooks } from '../../src/spi/source.js';
import type { ProducerSettings } from './client-settings.js';
import { KafkaConnectorError } from './kafka-connector-error.js';
import type { SinkPartitionerName, TransactionOptions } from './kafka-table-options.js';
import { sinkPartitioner } from './sink-partitioner.js';

export interface KafkaTransactionsConfig {
  readonly table: string;
  readonly topic: string;
  readonly kafka: Kafka;
  readonly options: TransactionOptions;
  readonly producer: ProducerSettings;
  readonly partitioner: SinkPartitionerName;
  readonly log: Logger;
}

/**
 * The first send of a transaction right after the previous commit meets CONCURRENT_TRANSACTIONS
 * while the broker writes the commit markers (a few ms). Retried after kafkajs' default 300 ms,
 * that wait cost more than the 100 ms commit interval (a run of the exactly-once e2e test went
 * from 118 s to 80 s with 20 ms, which Kafka's Java producer uses too). Retries stay unlimited,
 * kafkajs' default for an idempotent producer: limiting them may break its guarantees.
 */
const TRANSACTIONAL_RETRY = { initialRetryTime: 20, retries: Number.MAX_SAFE_INTEGER };

/** Longer transactional ids are shortened to the prefix plus a hash of the partition set. */
const MAX_ID_LENGTH = 200;

/**
 * Exactly-once Kafka -> Kafka: the sink's writes go into a transaction of a transactional
 * producer, and the transaction commits together with the source's offsets (`sendOffsets`).
 * One transaction is open at a time; it commits after `commit-interval` or `max-records`, and
 * only at a consistent cut of the source (TransactionalProgress.cut), so every record whose
 * rows it holds is below the committed offsets. Writes and commits take turns (one lock): a
 * commit never races a send.
 *
 * Any failure of a send or a commit aborts the transaction; the rows it held are gone while
 * their records were acked, so the source fails and the job restarts from the offsets of the
 * last committed transaction (nothing lost, nothing visible twice to read_committed readers).
 *
 * The transactional id is '<prefix>-<the source's partitions>': a daemon restarted after kill -9
 * gets the same partitions, so its producer's InitProducerId fences the old one and aborts its
 * open transaction.
 */
export class KafkaTransactions implements TransactionHooks {
  readonly #cfg: KafkaTransactionsConfig;
  #progress: TransactionalProgress | undefined;
  #producer: Producer | undefined;
  #producerId: string | undefined;
  #txn: Transaction | undefined;
  #records = 0;
  #timer: NodeJS.Timeout | undefined;
  /** A due commit found no cut: it is tried again when the source's progress moves. */
  #waitingForCut = false;
  /** A send of the open transaction was given up by its caller (hard stop): it may only abort. */
  #abandoned = false;
  #lock: Promise<void> = Promise.resolve();
  #failed: KafkaConnectorError | undefined;
  #closed = false;
  commits = 0;
  aborts = 0;

  constructor(cfg: KafkaTransactionsConfig) {
    this.#cfg = cfg;
  }

  attach(progress: TransactionalProgress | undefined): void {
    if (!progress) {
      throw new KafkaConnectorError(
        'PD4312',
        `kafka sink '${this.#cfg.table}': 'sink.delivery-guarantee' = 'exactly-once' needs a Kafka source, whose offsets commit in the sink's transactions`,
      );
    }
    this.#progress = progress;
    progress.bind(this);
  }

  /**
   * Sends messages in the open transaction (opening one first); resolves once the broker
   * acknowledged them. `signal` is the caller's hard stop: a caller that stopped waiting never
   * acks the records of these rows, so the transaction that holds them must not commit.
   */
  send(messages: Message[], signal: AbortSignal): Promise<void> {
    return this.#exclusive(async () => {
      signal.throwIfAborted();
      if (this.#failed) throw this.#failed;
      const txn = await this.#open();
      const { producer: p, topic } = this.#cfg;
      try {
        await txn.send({ topic, messages, acks: -1, timeout: p.ackTimeoutMs, compression: p.compression });
      } catch (err) {
        throw await this.#abort(`writing ${messages.length} records to '${topic}' failed: ${(err as Error).message}`, err);
      }
      if (signal.aborted) this.#abandoned = true;
      this.#records += messages.length;
      if (this.#records >= this.#cfg.options.maxRecords) this.#scheduleCommit(0);
    });
  }

  /** TransactionHooks: the source rebalances or closes. Commits at a cut, else aborts. */
  endTransaction(reason: string): Promise<void> {
    return this.#exclusive(async () => {
      if (!this.#txn) return;
      await acksDelivered();
      const cut = this.#abandoned ? undefined : this.#progress?.cut();
      if (cut) await this.#commit(cut).catch(() => {});
      else await this.#abort(`the transaction ended (${reason}) ${this.#abandoned ? 'after a write was given up at a hard stop' : 'without a consistent cut of the source offsets'}`);
    });
  }

  /** TransactionHooks: acks moved the source's progress. */
  progressed(): void {
    if (this.#waitingForCut) this.#scheduleCommit(0);
  }

  /** Ends the open transaction as endTransaction does, then releases the producer. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.endTransaction('close');
    clearTimeout(this.#timer);
    await this.#producer?.disconnect().catch((err: unknown) => this.#cfg.log.warn({ err }, 'kafka sink: disconnecting the transactional producer failed'));
  }

  /** Runs `work` when no other send or commit is running. */
  #exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.#lock.then(work);
    this.#lock = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  async #open(): Promise<Transaction> {
    if (this.#txn) return this.#txn;
    const producer = await this.#producerFor(this.#progress?.owner());
    this.#txn = await producer.transaction();
    this.#records = 0;
    this.#scheduleCommit(this.#cfg.options.commitIntervalMs);
    return this.#txn;
  }

  /** A producer whose transactional id names the source's partitions; replaced when they changed. */
  async #producerFor(owner: string | undefined): Promise<Producer> {
    const id = transactionalId(this.#cfg.options.idPrefix, owner ?? 'unassigned');
    if (this.#producer && this.#producerId === id) return this.#producer;
    await this.#producer?.disconnect().catch(() => {});
    this.#producer = undefined;
    const producer = this.#cfg.kafka.producer({
      transactionalId: id,
      transactionTimeout: this.#cfg.options.timeoutMs,
      idempotent: true,
      maxInFlightRequests: 1,
      createPartitioner: sinkPartitioner(this.#cfg.partitioner),
      allowAutoTopicCreation: true,
      retry: TRANSACTIONAL_RETRY,
    });
    // InitProducerId: fences a producer with the same id (a zombie) and ends its open transaction.
    await producer.connect();
    this.#cfg.log.info({ transactionalId: id }, 'kafka sink: transactional producer ready');
    this.#producer = producer;
    this.#producerId = id;
    return producer;
  }

  #scheduleCommit(delayMs: number): void {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.#exclusive(() => this.#commitIfCut()).catch(() => {});
    }, delayMs);
  }

  async #commitIfCut(): Promise<void> {
    if (!this.#txn) return;
    await acksDelivered();
    if (this.#abandoned) {
      await this.#abort('a write was given up at a hard stop');
      return;
    }
    const cut = this.#progress?.cut();
    if (!cut) {
      // The source holds reading until the records in flight settle; their acks retry the commit.
      this.#waitingForCut = true;
      this.#progress?.holdForCut();
      return;
    }
    await this.#commit(cut);
  }

  async #commit(cut: ProgressCut): Promise<void> {
    const txn = this.#txn!;
    this.#waitingForCut = false;
    try {
      if (cut.offsets.length > 0) await txn.sendOffsets({ consumerGroupId: cut.group, topics: byTopic(cut) });
      await txn.commit();
    } catch (err) {
      throw await this.#abort(`committing the transaction failed: ${(err as Error).message}`, err);
    }
    clearTimeout(this.#timer);
    this.#txn = undefined;
    this.commits++;
    this.#progress?.committed(cut);
  }

  /** Aborts the open transaction and fails the source; returns the error that later sends get. */
  async #abort(why: string, cause?: unknown): Promise<KafkaConnectorError> {
    clearTimeout(this.#timer);
    const txn = this.#txn;
    this.#txn = undefined;
    this.#waitingForCut = false;
    this.#abandoned = false;
    this.aborts++;
    // A fenced or failed producer may not abort any more; the broker then aborts at the transaction timeout.
    await txn?.abort().catch((err: unknown) => this.#cfg.log.warn({ err }, 'kafka sink: aborting the transaction failed'));
    const error = new KafkaConnectorError(
      'PD4311',
      `kafka sink '${this.#cfg.table}': exactly-once: ${why}; the transaction was aborted and the job restarts from the last committed offsets`,
      { cause, permanent: true },
    );
    this.#failed ??= error;
    this.#cfg.log.error({ err: error }, 'kafka sink: transaction aborted');
    this.#progress?.aborted(error);
    return error;
  }
}

/**
 * Acks of a write that just resolved reach the source in the microtasks that follow it (the
 * runtime acks a unit right after its write returns); a macrotask boundary lets them all land
 * before a cut is taken, so no written row's record is missing from it.
 */
function acksDelivered(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** '<prefix>-<owner>', shortened with a hash of the owner when it would be long. */
export function transactionalId(prefix: string, owner: string): string {
  const id = `${prefix}-${owner}`;
  if (id.length <= MAX_ID_LENGTH) return id;
  return `${prefix}-${createHash('sha256').update(owner).digest('hex').slice(0, 32)}`;
}

function byTopic(cut: ProgressCut): Array<{ topic: string; partitions: Array<{ partition: number; offset: string }> }> {
  const topics = new Map<string, Array<{ partition: number; offset: string }>>();
  for (const o of cut.offsets) {
    let list = topics.get(o.topic);
    if (!list) topics.set(o.topic, (list = []));
    list.push({ partition: o.partition, offset: o.offset });
  }
  return [...topics].map(([topic, partitions]) => ({ topic, partitions }));
}
