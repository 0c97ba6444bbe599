import type { Admin } from 'kafkajs';
import type { PartitionProgress } from '../../src/spi/source.js';
import type { TopicPartition } from './offset-checkpointer.js';

/**
 * End offsets and the group's committed offsets of the partitions a source owns, for lag. End
 * offsets come for free with every fetched batch (its high watermark), but a paused or idle
 * member fetches nothing, so refresh() asks the brokers too (admin client): lag stays right
 * while paused and falls to 0 once the job caught up. The group's committed offsets fill the gap
 * before this member's first commit of an assignment.
 */
export class PartitionProgressTracker {
  readonly #end = new Map<string, bigint>();
  readonly #groupCommitted = new Map<string, bigint>();

  /** A fetched batch's high watermark. */
  observeEnd(topic: string, partition: number, highWatermark: string): void {
    const v = toOffset(highWatermark);
    if (v !== undefined) this.#end.set(key(topic, partition), v);
  }

  /** Asks the brokers for end offsets and the group's committed offsets of the topics of `assigned`. */
  async refresh(admin: Admin, groupId: string, assigned: readonly TopicPartition[]): Promise<void> {
    const topics = [...new Set(assigned.map((tp) => tp.topic))];
    if (topics.length === 0) return;
    const [ends, committed] = await Promise.all([Promise.all(topics.map(async (topic) => ({ topic, offsets: await admin.fetchTopicOffsets(topic) }))), admin.fetchOffsets({ groupId, topics })]);
    for (const { topic, offsets } of ends) for (const o of offsets) this.observeEnd(topic, o.partition, o.high);
    for (const { topic, partitions } of committed) {
      for (const p of partitions) {
        const v = toOffset(p.offset);
        if (v !== undefined) this.#groupCommitted.set(key(topic, p.partition), v);
      }
    }
  }

  /**
   * One entry per assigned partition. `committedByUs` is what this member committed in the current
   * assignment (ahead of, or equal to, what the group reported at the last refresh).
   */
  snapshot(assigned: readonly TopicPartition[], committedByUs: (tp: TopicPartition) => number | undefined): PartitionProgress[] {
    return assigned.map((tp) => {
      const k = key(tp.topic, tp.partition);
      const ours = committedByUs(tp);
      const group = this.#groupCommitted.get(k);
      const committed = ours === undefined ? group : group === undefined || BigInt(ours) > group ? BigInt(ours) : group;
      const end = this.#end.get(k);
      return {
        topic: tp.topic,
        partition: tp.partition,
        ...(committed !== undefined ? { committedOffset: String(committed) } : {}),
        ...(end !== undefined ? { endOffset: String(end) } : {}),
        ...(committed !== undefined && end !== undefined ? { lag: Number(end > committed ? end - committed : 0n) } : {}),
      };
    });
  }
}

/** Kafka's "no offset" is -1 (or an empty string): unknown. */
function toOffset(text: string | undefined): bigint | undefined {
  if (text === undefined || text === '') return undefined;
  const v = BigInt(text);
  return v < 0n ? undefined : v;
}

function key(topic: string, partition: number): string {
  return `${partition}\u0000${topic}`;
}
