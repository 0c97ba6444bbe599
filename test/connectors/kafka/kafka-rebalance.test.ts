import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Admin, Producer } from 'kafkajs';
import { kafkaConnector } from '../../../connectors/kafka/kafka-connector.js';
import type { KafkaSource } from '../../../connectors/kafka/kafka-source.js';
import type { TableColumn } from '../../../src/spi/connector.js';
import { createTopic, testBrokers, testKafka, uniqueTopic } from '../../broker/kafka-test-helpers.js';
import { silentLogger } from '../../support/silent-logger.js';
import { connectorContext, eventually, kafkaTable, SourceHarness, sleep, T } from './kafka-test-support.js';

const kafka = testKafka('kafka-rebalance-test');
let admin: Admin;
let producer: Producer;

beforeAll(async () => {
  admin = kafka.admin();
  producer = kafka.producer();
  await Promise.all([admin.connect(), producer.connect()]);
});
afterAll(async () => {
  await Promise.all([admin.disconnect(), producer.disconnect()]);
});

const COLS: TableColumn[] = [
  { name: 'id', type: T.big },
  { name: 'part', type: T.int, metadataKey: 'partition', virtual: true },
  { name: 'off', type: T.big, metadataKey: 'offset', virtual: true },
];

function member(topic: string, groupId: string, options: Record<string, string> = {}, log?: Array<{ level: string; args: unknown[] }>): KafkaSource {
  const table = kafkaTable(COLS, {
    topic,
    'properties.bootstrap.servers': testBrokers(),
    'properties.group.id': groupId,
    format: 'json',
    'scan.startup.mode': 'earliest-offset',
    'properties.session.timeout.ms': '6000',
    'properties.heartbeat.interval.ms': '500',
    ...options,
  });
  return kafkaConnector.createSource!(table, connectorContext(silentLogger(log))) as KafkaSource;
}

async function committed(groupId: string, topic: string): Promise<Map<number, number>> {
  const res = await admin.fetchOffsets({ groupId, topics: [topic] });
  return new Map(res[0]!.partitions.map((p) => [p.partition, Number(p.offset)]));
}

describe('kafka source in a rebalancing group', () => {
  it('never commits a partition it lost: late acks of the old owner do not move the new owner', async () => {
    const topic = uniqueTopic('rebalance');
    const group = uniqueTopic('g');
    await createTopic(admin, topic, 2);
    await producer.send({
      topic,
      messages: Array.from({ length: 40 }, (_, i) => ({ value: JSON.stringify({ id: i }), partition: i % 2 })),
    });

    // A reads everything it can (window of 30: all of one partition, part of the other) and
    // then waits inside eachBatch for the window to drain, heartbeating.
    const aLog: Array<{ level: string; args: unknown[] }> = [];
    const a = new SourceHarness(member(topic, group, {}, aLog), 30);
    let b: SourceHarness | undefined;
    try {
      await a.waitFor(30);
      await eventually(() => a.window.full, 5_000, 'A full');
      expect(a.source.stats.epoch).toBe(1);
      const aFirstEpoch = [...a.records];
      expect(new Set(aFirstEpoch.map((r) => r.row[1])).size).toBe(2);

      // B joins: A's heartbeat inside the wait sees the rebalance, A rejoins, each gets one partition.
      b = new SourceHarness(member(topic, group));
      await b.waitFor(20, 20_000);
      const bPartition = b.records[0]!.row[1] as number;
      const aPartition = 1 - bPartition;
      expect(b.records.every((r) => r.row[1] === bPartition)).toBe(true);
      expect(a.source.stats.epoch).toBe(2);
      // A noticed the rebalance through its own heartbeat while it waited inside eachBatch.
      expect(aLog.some((l) => String(l.args[1]).includes('the group is rebalancing'))).toBe(true);

      // The new owner commits 5 on its partition.
      b.ackAll((r) => (r.row[2] as number) < 5);
      await eventually(async () => (await committed(group, topic)).get(bPartition) === 5, 10_000, 'B commits 5');

      // The old owner's acks arrive late, for both partitions, including B's: all dropped.
      for (const r of aFirstEpoch) a.ack(r);
      expect(a.source.stats.staleAcks).toBe(30);
      await sleep(1500);
      const after = await committed(group, topic);
      expect(after.get(bPartition)).toBe(5);
      // At most A's start position (committed when reading began): A's late acks covered 10 or 20 of its records.
      expect(after.get(aPartition)).toBeLessThanOrEqual(0);

      // A re-reads its own partition in the new epoch (the window drained) and commits it.
      await a.waitFor(30 + 20, 20_000);
      const aSecondEpoch = a.records.slice(30);
      expect(aSecondEpoch.every((r) => r.row[1] === aPartition)).toBe(true);
      expect(aSecondEpoch.map((r) => r.row[2])).toEqual(Array.from({ length: 20 }, (_, i) => i));
      a.ackAll();
      b.ackAll();
      await eventually(async () => {
        const c = await committed(group, topic);
        return c.get(aPartition) === 20 && c.get(bPartition) === 20;
      }, 10_000, 'both partitions committed to the end');
    } finally {
      await Promise.all([a.stop(), b?.stop()]);
    }
  });

  it('keeps its membership while the pipeline stays full longer than the session timeout', async () => {
    const topic = uniqueTopic('long-wait');
    const group = uniqueTopic('g');
    await createTopic(admin, topic, 1);
    await producer.send({ topic, messages: Array.from({ length: 20 }, (_, i) => ({ value: JSON.stringify({ id: i }) })) });
    const h = new SourceHarness(member(topic, group, { 'properties.session.timeout.ms': '3000' }), 5);
    try {
      await h.waitFor(5);
      await sleep(4500); // longer than the session timeout, with the reader held inside eachBatch
      expect(h.records.length).toBe(5);
      const acker = setInterval(() => h.ackAll(), 20);
      try {
        await h.waitFor(20);
        await eventually(async () => (await committed(group, topic)).get(0) === 20, 10_000, 'commit 20');
      } finally {
        clearInterval(acker);
      }
      // No rebalance happened: one epoch, no record read twice.
      expect(h.source.stats.epoch).toBe(1);
      expect(h.records.map((r) => r.row[0])).toEqual(Array.from({ length: 20 }, (_, i) => i));
    } finally {
      await h.stop();
    }
  });
});
