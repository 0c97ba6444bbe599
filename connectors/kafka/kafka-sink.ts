import { Kafka, logLevel, type Message, type Producer } from 'kafkajs';
import { FormatError, FormatUnavailableError, isPromise, type MaybePromise } from '../../src/spi/format.js';
import type { Logger } from '../../src/spi/logger.js';
import type { Sink } from '../../src/spi/sink.js';
import type { TransactionalProgress } from '../../src/spi/source.js';
import type { Row } from '../../src/types/data-type.js';
import type { ClientSettings } from './client-settings.js';
import { KafkaConnectorError } from './kafka-connector-error.js';
import type { KafkaTableOptions } from './kafka-table-options.js';
import { kafkajsLogCreator } from './kafkajs-log-creator.js';
import type { RecordEncoder } from './record-codec.js';
import { sinkPartitioner } from './sink-partitioner.js';
import { abortable } from '../../src/spi/abortable.js';
import { KafkaTransactions } from './kafka-transactions.js';

export interface KafkaSinkConfig {
  readonly table: string;
  readonly topic: string;
  readonly options: KafkaTableOptions;
  readonly client: ClientSettings;
  readonly encoder: RecordEncoder;
  /** Aborted by close(): stops the formats' pending I/O (a registration that waits for the registry). */
  readonly formats: AbortController;
  readonly log: Logger;
}

/**
 * Writes rows to one topic: each write() is one multi-message send that resolves once the
 * broker acknowledged every message (acks=all and an idempotent producer by default), so the
 * runtime acks the source records only for rows Kafka holds. Connects on the first write.
 * With 'exactly-once' the sends go into Kafka transactions that also commit the source's
 * offsets (KafkaTransactions); the runtime hands the source over through attachSource.
 */
export class KafkaSink implements Sink {
  readonly #cfg: KafkaSinkConfig;
  readonly #kafka: Kafka;
  #producer: Producer | undefined;
  #connecting: Promise<Producer> | undefined;
  #closing: Promise<void> | undefined;
  #closed = false;
  readonly #transactions: KafkaTransactions | undefined;
  readonly attachSource?: (progress: TransactionalProgress | undefined) => void;

  constructor(cfg: KafkaSinkConfig) {
    this.#cfg = cfg;
    this.#kafka = new Kafka({ ...cfg.client.kafka, logLevel: logLevel.INFO, logCreator: kafkajsLogCreator(cfg.log) });
    const txn = cfg.options.transactions;
    if (txn) {
      const transactions = new KafkaTransactions({
        table: cfg.table,
        topic: cfg.topic,
        kafka: this.#kafka,
        options: txn,
        producer: cfg.client.producer,
        partitioner: cfg.options.sinkPartitioner,
        log: cfg.log,
      });
      this.#transactions = transactions;
      this.attachSource = (progress) => transactions.attach(progress);
    }
  }

  async write(rows: readonly Row[], opts: { readonly signal: AbortSignal }): Promise<void> {
    if (this.#closed) throw new KafkaConnectorError('PD4305', `kafka sink '${this.#cfg.table}': write() after close()`);
    if (rows.length === 0) return;
    opts.signal.throwIfAborted();
    const messages = await this.#encode(rows, opts.signal);
    if (this.#transactions) {
      // Its errors are PD4311 (permanent): a write in a failed transaction can only be redone after a restart.
      await abortable(this.#transactions.send(messages, opts.signal), opts.signal);
      return;
    }
    const producer = await this.#connect();
    const { producer: p } = this.#cfg.client;
    const sent = producer.send({ topic: this.#cfg.topic, messages, acks: p.acks, timeout: p.ackTimeoutMs, compression: p.compression });
    try {
      await abortable(sent, opts.signal);
    } catch (err) {
      if (opts.signal.aborted) throw err;
      throw new KafkaConnectorError('PD4304', `kafka sink '${this.#cfg.table}': writing ${messages.length} records to '${this.#cfg.topic}' failed: ${(err as Error).message}`, {
        cause: err,
      });
    }
  }

  /**
   * Rows -> messages. Synchronous for formats without I/O; a format that waits for its registry
   * makes this one wait for the batch (bounded: one write's rows). A row that does not fit fails
   * for good (PD4306); a registry that does not answer fails this write only (PD4310), which the
   * runtime retries with backoff.
   */
  async #encode(rows: readonly Row[], signal: AbortSignal): Promise<Message[]> {
    const table = this.#cfg.table;
    const fail = (err: unknown, i: number): never => {
      if (err instanceof FormatError) {
        throw new KafkaConnectorError('PD4306', `kafka sink '${table}': row ${i + 1} of ${rows.length}: ${err.message}`, { cause: err });
      }
      if (err instanceof FormatUnavailableError) {
        throw new KafkaConnectorError('PD4310', `kafka sink '${table}': ${err.message}; the write is retried`, { cause: err });
      }
      throw err;
    };
    const encoded: Array<MaybePromise<Message>> = [];
    for (const [i, row] of rows.entries()) {
      try {
        const m = this.#cfg.encoder.encode(row);
        encoded.push(isPromise(m) ? m.catch((err: unknown) => fail(err, i)) : m);
      } catch (err) {
        // The rows before may be waiting: their outcome no longer matters.
        for (const e of encoded) if (isPromise(e)) e.catch(() => {});
        fail(err, i);
      }
    }
    if (!encoded.some(isPromise)) return encoded as Message[];
    return abortable(Promise.all(encoded), signal);
  }

  close(): Promise<void> {
    this.#closing ??= (async () => {
      this.#closed = true;
      this.#cfg.formats.abort();
      await this.#cfg.encoder.close().catch((err: unknown) => this.#cfg.log.warn({ err }, 'kafka sink: closing the formats failed'));
      await this.#transactions?.close();
      const producer = await this.#connecting?.catch(() => undefined);
      await producer?.disconnect().catch((err: unknown) => this.#cfg.log.warn({ err }, 'kafka sink: disconnect failed'));
    })();
    return this.#closing;
  }

  #connect(): Promise<Producer> {
    this.#connecting ??= (async () => {
      const { producer: p } = this.#cfg.client;
      const producer = this.#kafka.producer({
        createPartitioner: sinkPartitioner(this.#cfg.options.sinkPartitioner),
        idempotent: p.idempotent,
        ...(p.maxInFlightRequests !== undefined ? { maxInFlightRequests: p.maxInFlightRequests } : {}),
        allowAutoTopicCreation: true,
      });
      await producer.connect();
      this.#producer = producer;
      return producer;
    })();
    // A failed connect is retried by the next write.
    this.#connecting.catch(() => {
      if (!this.#producer) this.#connecting = undefined;
    });
    return this.#connecting;
  }
}

