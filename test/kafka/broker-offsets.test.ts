import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Admin } from 'kafkajs';
import { createTopic, testKafka, uniqueTopic } from '../broker/kafka-test-helpers.js';

// The foundation's promise: a real broker, a consumer group with manual commits, and
// committed offsets that the broker itself reports back.
describe('a real Kafka broker', () => {
  const kafka = testKafka();
  let admin: Admin;

  beforeAll(async () => {
    admin = kafka.admin();
    await admin.connect();
  });
  afterAll(async () => {
    await admin.disconnect();
  });

  it('stores the offsets a group commits by hand', async () => {
    const topic = uniqueTopic('offsets');
    const groupId = uniqueTopic('group');
    await createTopic(admin, topic, 3);

    const producer = kafka.producer();
    await producer.connect();
    const sent = Array.from({ length: 1000 }, (_, i) => ({ key: String(i % 7), value: JSON.stringify({ id: i, text: `row ${i}` }) }));
    await producer.send({ topic, messages: sent });
    await producer.disconnect();

    const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 200 });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const seen = new Map<number, number>(); // partition -> next offset
    const ids = new Set<number>();
    await new Promise<void>((resolve, reject) => {
      consumer
        .run({
          autoCommit: false,
          eachBatchAutoResolve: false,
          eachBatch: async ({ batch, resolveOffset, commitOffsetsIfNecessary, uncommittedOffsets }) => {
            for (const m of batch.messages) {
              ids.add((JSON.parse(m.value!.toString()) as { id: number }).id);
              resolveOffset(m.offset);
              seen.set(batch.partition, Number(m.offset) + 1);
            }
            await commitOffsetsIfNecessary(uncommittedOffsets());
            if (ids.size === sent.length) resolve();
          },
        })
        .catch(reject);
    });
    await consumer.disconnect();

    expect(ids.size).toBe(1000);
    const committed = await admin.fetchOffsets({ groupId, topics: [topic] });
    const byPartition = new Map(committed[0]!.partitions.map((p) => [p.partition, Number(p.offset)]));
    const topicOffsets = await admin.fetchTopicOffsets(topic);
    let total = 0;
    for (const p of topicOffsets) {
      expect(byPartition.get(p.partition)).toBe(Number(p.high));
      expect(byPartition.get(p.partition)).toBe(seen.get(p.partition) ?? 0);
      total += Number(p.high);
    }
    expect(total).toBe(1000);
  });
});
