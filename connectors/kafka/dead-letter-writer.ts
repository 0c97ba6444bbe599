import type { Admin, IHeaders, Kafka, Producer } from 'kafkajs';
import type { Logger } from '../../src/spi/logger.js';
import type { RowFailure } from '../../src/spi/source.js';
import { KafkaConnectorError } from './kafka-connector-error.js';
import type { ConsumedMessage } from './record-codec.js';
import type { DeadLetterOptions } from './kafka-table-options.js';

/** Kafka Connect's DeadLetterQueueReporter writes `__connect.errors.*`; predictd keeps its suffixes under its own prefix. */
export const DEAD_LETTER_HEADER_PREFIX = '__predictd.errors.';

/** Error messages come from user data (value previews) and model answers: enough to find the cause, never a payload. */
const MAX_MESSAGE_CHARS = 1000;

export interface DeadLetterWriterConfig {
  readonly kafka: Kafka;
  readonly options: DeadLetterOptions;
  readonly jobId: string;
  /** The source table: Connect's `connector.name`. */
  readonly table: string;
  /** The value format, named in `class.name` of decode failures. */
  readonly format: string;
  readonly ackTimeoutMs: number;
  readonly log: Logger;
  readonly now?: () => number;
}

/**
 * The dead-letter queue of one Kafka source: writes a consumed record unchanged (key, value,
 * headers and timestamp, bytes untouched) to the dead-letter topic, plus error headers. One
 * idempotent producer with acks=all, connected (and the topic created, as Connect does) at the
 * first write; write() resolves only once the broker acknowledged the record.
 */
export class DeadLetterWriter {
  readonly #cfg: DeadLetterWriterConfig;
  readonly #now: () => number;
  #ready: Promise<Producer> | undefined;
  #producer: Producer | undefined;
  #closed = false;
  written = 0;

  constructor(cfg: DeadLetterWriterConfig) {
    this.#cfg = cfg;
    this.#now = cfg.now ?? Date.now;
  }

  get topic(): string {
    return this.#cfg.options.topic;
  }

  async write(message: ConsumedMessage, failure: RowFailure): Promise<void> {
    if (this.#closed) throw new KafkaConnectorError('PD4305', `kafka source '${this.#cfg.table}': dead-letter write after close()`);
    const producer = await this.#connect();
    const headers: IHeaders = { ...(message.headers as IHeaders | undefined) };
    // Same-named headers of the original (a record that went through a dead-letter queue before) are replaced.
    if (this.#cfg.options.contextHeaders) Object.assign(headers, this.errorHeaders(message, failure));
    try {
      await producer.send({
        topic: this.topic,
        acks: -1,
        timeout: this.#cfg.ackTimeoutMs,
        messages: [
          {
            key: message.key === null ? null : Buffer.from(message.key),
            value: message.value === null ? null : Buffer.from(message.value),
            headers,
            timestamp: message.timestamp,
          },
        ],
      });
    } catch (err) {
      throw new KafkaConnectorError(
        'PD4309',
        `kafka source '${this.#cfg.table}': writing the record at topic '${message.topic}', partition ${message.partition}, offset ${message.offset} to the dead-letter topic '${this.topic}' failed: ${(err as Error).message}`,
        { cause: err, permanent: refusedForGood(err) },
      );
    }
    this.written++;
  }

  /** The `__predictd.errors.*` headers of a failed record: names, positions and the error, never an option value or a stack trace. */
  errorHeaders(message: ConsumedMessage, failure: RowFailure): Record<string, string> {
    const error = failure.error;
    const code = (error as { code?: unknown }).code;
    const h: Record<string, string | undefined> = {
      topic: message.topic,
      partition: String(message.partition),
      offset: String(message.offset),
      'connector.name': this.#cfg.table,
      stage: failure.stage,
      'class.name': executingClass(failure, this.#cfg.format),
      'exception.class.name': error.name,
      'exception.code': typeof code === 'string' ? code : undefined,
      'exception.message': truncate(error.message, MAX_MESSAGE_CHARS),
      model: failure.model,
      'http.status': failure.httpStatus === undefined ? undefined : String(failure.httpStatus),
      timestamp: String(this.#now()),
      'job.id': this.#cfg.jobId,
    };
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(h)) if (v !== undefined) out[`${DEAD_LETTER_HEADER_PREFIX}${k}`] = v;
    return out;
  }

  /** After the source's final commit. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const producer = await this.#ready?.catch(() => undefined);
    await producer?.disconnect().catch((err: unknown) => this.#cfg.log.warn({ err }, 'kafka source: dead-letter producer disconnect failed'));
  }

  #connect(): Promise<Producer> {
    this.#ready ??= (async () => {
      await this.#ensureTopic();
      const producer = this.#cfg.kafka.producer({ idempotent: true, allowAutoTopicCreation: false });
      await producer.connect();
      this.#producer = producer;
      return producer;
    })();
    // A failed start is tried again by the next write (the pipeline retries with backoff).
    this.#ready.catch(() => {
      if (!this.#producer) this.#ready = undefined;
    });
    return this.#ready;
  }

  async #ensureTopic(): Promise<void> {
    const { topic, replicationFactor } = this.#cfg.options;
    let admin: Admin | undefined;
    try {
      admin = this.#cfg.kafka.admin();
      await admin.connect();
      if ((await admin.listTopics()).includes(topic)) return;
      // Connect's reporter creates the topic with one partition; the broker picks the replication factor unless set.
      const created = await admin.createTopics({ topics: [{ topic, numPartitions: 1, replicationFactor: replicationFactor ?? -1 }] });
      this.#cfg.log.info({ topic, created }, 'kafka source: dead-letter topic created');
    } catch (err) {
      throw new KafkaConnectorError('PD4308', `kafka source '${this.#cfg.table}': cannot look up or create the dead-letter topic '${topic}': ${(err as Error).message}`, {
        cause: err,
      });
    } finally {
      await admin?.disconnect().catch(() => {});
    }
  }
}

/** Connect names the class that was executing; predictd names the component of the stage. */
function executingClass(failure: RowFailure, format: string): string {
  switch (failure.stage) {
    case 'decode':
      return `predictd.format.${format}`;
    case 'transform':
      return 'predictd.expression';
    case 'predict':
      return 'predictd.ml_predict';
    case 'sink':
      return 'predictd.sink';
  }
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 3)}...` : text;
}

/**
 * The broker answered with an error no retry fixes (a record too large, no authorization for the
 * topic). Retries that ran out (KafkaJSNumberOfRetriesExceeded, an outage) are not: the runtime
 * retries those itself.
 */
function refusedForGood(err: unknown): boolean {
  return err instanceof Error && err.name === 'KafkaJSProtocolError' && (err as { retriable?: boolean }).retriable === false;
}
