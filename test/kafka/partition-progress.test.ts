import type { Admin } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { PartitionProgressTracker } from '../../connectors/kafka/partition-progress.js';

/** The two admin calls the tracker makes, answered from fixed tables. */
function fakeAdmin(ends: Record<string, Record<number, string>>, committed: Record<string, Record<number, string>>): Admin {
  return {
    fetchTopicOffsets: async (topic: string) => Object.entries(ends[topic] ?? {}).map(([p, high]) => ({ partition: Number(p), offset: high, high, low: '0' })),
    fetchOffsets: async ({ topics }: { topics: string[] }) => topics.map((topic) => ({ topic, partitions: Object.entries(committed[topic] ?? {}).map(([p, offset]) => ({ partition: Number(p), offset, metadata: null })) })),
  } as unknown as Admin;
}

describe('PartitionProgressTracker', () => {
  const assigned = [{ topic: 't', partition: 0 }, { topic: 't', partition: 1 }, { topic: 't', partition: 2 }];

  it('has lag only where both offsets are known, from batches, the brokers and this member commits', async () => {
    const tracker = new PartitionProgressTracker();
    tracker.observeEnd('t', 0, '100');
    expect(tracker.snapshot(assigned, () => undefined)).toEqual([{ topic: 't', partition: 0, endOffset: '100' }, { topic: 't', partition: 1 }, { topic: 't', partition: 2 }]);
    // The group committed 40 on partition 0 before; partition 2 has no commit (-1).
    await tracker.refresh(fakeAdmin({ t: { 0: '120', 1: '50', 2: '7' } }, { t: { 0: '40', 1: '50', 2: '-1' } }), 'g', assigned);
    const ours = new Map([[0, 90]]);
    expect(tracker.snapshot(assigned, (tp) => ours.get(tp.partition))).toEqual([
      { topic: 't', partition: 0, committedOffset: '90', endOffset: '120', lag: 30 },
      { topic: 't', partition: 1, committedOffset: '50', endOffset: '50', lag: 0 },
      { topic: 't', partition: 2, endOffset: '7' },
    ]);
  });
});
