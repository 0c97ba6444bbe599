import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type Admin, type Producer } from 'kafkajs';

/** Rows that reached a topic, timed by their record timestamps (set by the writer at send time). */
export interface Arrivals {
  readonly count: number;
  /** Timestamp of the first and last record, ms since the epoch. */
  readonly first: number;
  readonly last: number;
  /** Rows after the first, per second of the span between first and last. */
  readonly rowsPerSecond: number;
}

export function arrivalsOf(timestamps: readonly number[]): Arrivals {
  if (timestamps.length === 0) return { count: 0, first: 0, last: 0, rowsPerSecond: 0 };
  let first = Infinity;
  let last = -Infinity;
  for (const t of timestamps) {
    first = Math.min(first, t);
    last = Math.max(last, t);
  }
  const rowsPerSecond = last > first ? ((timestamps.length - 1) * 1000) / (last - first) : 0;
  return { count: timestamps.length, first, last, rowsPerSecond };
}

/** The bench's side of the broker: topics made and filled for one figure, outputs read back, all deleted at the end. */
export class KafkaBench {
  readonly kafka: Kafka;
  readonly #admin: Admin;
  readonly #producer: Producer;
  readonly #topics: string[] = [];

  private constructor(readonly brokers: string) {
    this.kafka = new Kafka({ clientId: 'predictd-bench', brokers: [brokers], logLevel: logLevel.NOTHING });
    this.#admin = this.kafka.admin();
    this.#producer = this.kafka.producer();
  }

  static async connect(brokers: string): Promise<KafkaBench> {
    const k = new KafkaBench(brokers);
    await k.#admin.connect();
    await k.#producer.connect();
    return k;
  }

  async topic(prefix: string, partitions = 4): Promise<string> {
    const name = `bench-${prefix}-${randomUUID().slice(0, 8)}`;
    await this.#admin.createTopics({ topics: [{ topic: name, numPartitions: partitions, replicationFactor: 1 }], waitForLeaders: true });
    this.#topics.push(name);
    return name;
  }

  /** `rows` JSON records `{id, text}`, spread over the partitions. */
  async fill(topic: string, rows: number, text: (id: number) => string = (id) => `review ${id}: a good and happy product`): Promise<void> {
    const BATCH = 2_000;
    for (let start = 0; start < rows; start += BATCH) {
      const n = Math.min(BATCH, rows - start);
      await this.#producer.send({ topic, messages: Array.from({ length: n }, (_, k) => ({ value: JSON.stringify({ id: start + k, text: text(start + k) }) })) });
    }
  }

  /**
   * Reads `topic` from the beginning until `count` records arrived (or, with `forMs`, until that
   * long after the first one) and returns their timestamps. Start it before the writer: the
   * group join takes seconds and must not be timed.
   */
  async arrivals(topic: string, until: { readonly count?: number; readonly forMs?: number; readonly timeoutMs: number }): Promise<number[]> {
    const consumer = this.kafka.consumer({ groupId: `bench-reader-${randomUUID()}`, maxWaitTimeInMs: 100 });
    const stamps: number[] = [];
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    try {
      await new Promise<void>((resolve, reject) => {
        const timeout = setTimeout(() => reject(new Error(`${topic}: ${stamps.length} records after ${until.timeoutMs} ms`)), until.timeoutMs);
        let windowTimer: NodeJS.Timeout | undefined;
        const done = () => {
          clearTimeout(timeout);
          clearTimeout(windowTimer);
          resolve();
        };
        consumer
          .run({
            eachBatch: async ({ batch }) => {
              if (stamps.length === 0 && until.forMs !== undefined && batch.messages.length > 0) windowTimer = setTimeout(done, until.forMs);
              for (const m of batch.messages) stamps.push(Number(m.timestamp));
              if (until.count !== undefined && stamps.length >= until.count) done();
            },
          })
          .catch(reject);
      });
    } finally {
      await consumer.disconnect();
    }
    return stamps;
  }

  async close(): Promise<void> {
    await this.#producer.disconnect();
    if (this.#topics.length > 0) await this.#admin.deleteTopics({ topics: this.#topics }).catch(() => undefined);
    await this.#admin.disconnect();
  }
}
