import type { Admin } from 'kafkajs';
import { KafkaConnectorError } from './kafka-connector-error.js';
import type { KafkaTableOptions } from './kafka-table-options.js';

/** Where kafkajs should start a partition that has no committed offset, for the modes kafkajs cannot express. */
export type StartDecision = { readonly kind: 'keep' } | { readonly kind: 'seek'; readonly offset: number };

/**
 * The group's committed offsets are predictd's checkpoint: a partition with a committed offset
 * always resumes there, and scan.startup.mode only decides where a partition without one starts.
 * kafkajs expresses earliest and latest itself (`fromBeginning`); this handles 'timestamp',
 * 'specific-offsets' and auto.offset.reset = 'none' by looking at the first batch of each
 * partition in an assignment epoch: when the group has no committed offset there, it says where
 * to seek (or fails, for 'none').
 */
export class StartupPositioner {
  readonly #admin: () => Promise<Admin>;
  readonly #opts: KafkaTableOptions;
  #committed = new Map<string, Promise<Map<number, number>>>();
  #byTime = new Map<string, Promise<Map<number, number>>>();
  #epoch = -1;

  constructor(admin: () => Promise<Admin>, opts: KafkaTableOptions) {
    this.#admin = admin;
    this.#opts = opts;
  }

  /** Whether the table's start settings need this check at all. */
  static needed(opts: KafkaTableOptions): boolean {
    return opts.startupMode === 'timestamp' || opts.startupMode === 'specific-offsets' || (opts.startupMode === 'group-offsets' && opts.autoOffsetReset === 'none');
  }

  /** What kafkajs' default start does for partitions without a committed offset in this mode. */
  static fromBeginning(opts: KafkaTableOptions): boolean {
    switch (opts.startupMode) {
      case 'earliest-offset':
      case 'timestamp': // read from the start, then seek: a batch arrives whenever the partition has data
      case 'specific-offsets': // unlisted partitions start at the earliest offset, as in Flink
        return true;
      case 'latest-offset':
        return false;
      case 'group-offsets':
        // 'none' also starts at the beginning, so a partition with data yields the batch that fails it.
        return opts.autoOffsetReset !== 'latest';
    }
  }

  async decide(epoch: number, topic: string, partition: number): Promise<StartDecision> {
    if (epoch !== this.#epoch) {
      // Committed offsets can change between assignments; look again in each epoch.
      this.#epoch = epoch;
      this.#committed = new Map();
    }
    const committed = (await this.#cached(this.#committed, topic, () => this.#fetchCommitted(topic))).get(partition);
    if (committed !== undefined && committed >= 0) return { kind: 'keep' };
    switch (this.#opts.startupMode) {
      case 'timestamp': {
        const offsets = await this.#cached(this.#byTime, topic, () => this.#fetchByTime(topic, this.#opts.startupTimestamp ?? 0));
        const offset = offsets.get(partition);
        return offset === undefined ? { kind: 'keep' } : { kind: 'seek', offset };
      }
      case 'specific-offsets': {
        const offset = this.#opts.specificOffsets.get(partition);
        return offset === undefined ? { kind: 'keep' } : { kind: 'seek', offset };
      }
      case 'group-offsets':
        if (this.#opts.autoOffsetReset === 'none') {
          throw new KafkaConnectorError(
            'PD4303',
            `partition ${topic}[${partition}] has no committed offset for group '${this.#opts.groupId}' and 'properties.auto.offset.reset' is 'none'`,
          );
        }
        return { kind: 'keep' };
      default:
        return { kind: 'keep' };
    }
  }

  #cached(map: Map<string, Promise<Map<number, number>>>, topic: string, load: () => Promise<Map<number, number>>): Promise<Map<number, number>> {
    let p = map.get(topic);
    if (!p) {
      p = load();
      map.set(topic, p);
      p.catch(() => map.delete(topic));
    }
    return p;
  }

  async #fetchCommitted(topic: string): Promise<Map<number, number>> {
    const admin = await this.#admin();
    const res = await admin.fetchOffsets({ groupId: this.#opts.groupId, topics: [topic] });
    return new Map((res[0]?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
  }

  async #fetchByTime(topic: string, ts: number): Promise<Map<number, number>> {
    const admin = await this.#admin();
    // kafkajs returns the high watermark where no record is that recent: start at the end, as Flink does.
    const res = await admin.fetchTopicOffsetsByTimestamp(topic, ts);
    return new Map(res.map((p) => [p.partition, Number(p.offset)]));
  }
}
