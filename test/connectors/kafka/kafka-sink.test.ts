import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Admin, KafkaMessage } from 'kafkajs';
import { kafkaConnector } from '../../../connectors/kafka/kafka-connector.js';
import type { KafkaSink } from '../../../connectors/kafka/kafka-sink.js';
import type { KafkaSource } from '../../../connectors/kafka/kafka-source.js';
import type { TableColumn } from '../../../src/spi/connector.js';
import type { Row } from '../../../src/types/data-type.js';
import { createTopic, testBrokers, testKafka, uniqueTopic } from '../../broker/kafka-test-helpers.js';
import { connectorContext, kafkaTable, SourceHarness, T } from './kafka-test-support.js';

const kafka = testKafka('kafka-sink-test');
let admin: Admin;

beforeAll(async () => {
  admin = kafka.admin();
  await admin.connect();
});
afterAll(async () => {
  await admin.disconnect();
});

function sink(topic: string, columns: TableColumn[], options: Record<string, string> = {}, primaryKey: string[] = []): KafkaSink {
  const table = kafkaTable(columns, { topic, 'properties.bootstrap.servers': testBrokers(), format: 'json', ...options }, primaryKey);
  expect(kafkaConnector.checkTable!(table, 'sink')).toEqual([]);
  return kafkaConnector.createSink!(table, connectorContext()) as KafkaSink;
}

interface ReadBack {
  readonly partition: number;
  readonly message: KafkaMessage;
}

async function readBack(topic: string, n: number): Promise<ReadBack[]> {
  const consumer = kafka.consumer({ groupId: uniqueTopic('reader'), maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  const out: ReadBack[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`read ${out.length} of ${n} records`)), 15_000);
      consumer
        .run({
          eachMessage: async ({ partition, message }) => {
            out.push({ partition, message });
            if (out.length >= n) {
              clearTimeout(timer);
              resolve();
            }
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
  return out;
}

const signal = new AbortController().signal;

describe('kafka sink', () => {
  it('writes keys, values, timestamps and headers as Flink does (key.fields, prefix, EXCEPT_KEY)', async () => {
    const topic = uniqueTopic('sink-keys');
    await createTopic(admin, topic, 3);
    const columns: TableColumn[] = [
      { name: 'k_id', type: T.big },
      { name: 'name', type: T.str },
      { name: 'ts', type: T.ltz, metadataKey: 'timestamp' },
      { name: 'hdr', type: T.headers, metadataKey: 'headers' },
      { name: 'off', type: T.big, metadataKey: 'offset', virtual: true },
    ];
    const s = sink(topic, columns, { 'key.format': 'json', 'key.fields': 'k_id', 'key.fields-prefix': 'k_', 'value.fields-include': 'EXCEPT_KEY' });
    try {
      const rows: Row[] = Array.from({ length: 30 }, (_, i) => [i % 5, `n${i}`, new Date(1_700_000_000_000 + i), new Map([['trace', new Uint8Array([i])]])]);
      await s.write(rows, { signal });
      const back = await readBack(topic, 30);
      const byName = new Map(back.map((b) => [b.message.value!.toString(), b]));
      for (let i = 0; i < 30; i++) {
        const b = byName.get(JSON.stringify({ name: `n${i}` }))!;
        expect(b.message.key!.toString()).toBe(JSON.stringify({ id: i % 5 }));
        expect(b.message.timestamp).toBe(String(1_700_000_000_000 + i));
        expect(b.message.headers!.trace).toEqual(Buffer.from([i]));
      }
      // Kafka's default partitioner: one key, one partition.
      const partitionsByKey = new Map<string, Set<number>>();
      for (const b of back) {
        const k = b.message.key!.toString();
        if (!partitionsByKey.has(k)) partitionsByKey.set(k, new Set());
        partitionsByKey.get(k)!.add(b.partition);
      }
      for (const parts of partitionsByKey.values()) expect(parts.size).toBe(1);
    } finally {
      await s.close();
    }
  });

  it('keys by the PRIMARY KEY without key.fields, and writes raw NULL as a tombstone', async () => {
    const topic = uniqueTopic('sink-pk');
    await createTopic(admin, topic, 1);
    const s = sink(topic, [{ name: 'id', type: T.big }, { name: 'v', type: T.str }], {}, ['id']);
    const raw = sink(topic, [{ name: 'line', type: T.str }], { format: 'raw' });
    try {
      await s.write([[7, 'seven']], { signal });
      await raw.write([['plain text'], [null]], { signal });
      const back = await readBack(topic, 3);
      expect(back.map((b) => [b.message.key?.toString() ?? null, b.message.value?.toString() ?? null])).toEqual([
        ['{"id":7}', '{"id":7,"v":"seven"}'],
        [null, 'plain text'],
        [null, null],
      ]);
    } finally {
      await Promise.all([s.close(), raw.close()]);
    }
  });

  it("sink.partitioner 'fixed' writes to one partition and 'round-robin' spreads evenly", async () => {
    const fixedTopic = uniqueTopic('sink-fixed');
    const rrTopic = uniqueTopic('sink-rr');
    await Promise.all([createTopic(admin, fixedTopic, 3), createTopic(admin, rrTopic, 3)]);
    const cols = [{ name: 'id', type: T.big }];
    const fixed = sink(fixedTopic, cols, { 'sink.partitioner': 'fixed' });
    const rr = sink(rrTopic, cols, { 'sink.partitioner': 'round-robin' });
    try {
      const rows: Row[] = Array.from({ length: 9 }, (_, i) => [i]);
      await fixed.write(rows, { signal });
      await rr.write(rows, { signal });
      expect(new Set((await readBack(fixedTopic, 9)).map((b) => b.partition))).toEqual(new Set([0]));
      const counts = [0, 0, 0];
      for (const b of await readBack(rrTopic, 9)) counts[b.partition]!++;
      expect(counts).toEqual([3, 3, 3]);
    } finally {
      await Promise.all([fixed.close(), rr.close()]);
    }
  });

  it('round-trips through the source: what the sink writes, a source with the same schema reads', async () => {
    const topic = uniqueTopic('sink-roundtrip');
    await createTopic(admin, topic, 2);
    const columns: TableColumn[] = [
      { name: 'id', type: T.big },
      { name: 'name', type: T.str },
      { name: 'ts', type: T.ltz, metadataKey: 'timestamp' },
    ];
    const opts = { 'key.format': 'raw', 'key.fields': 'name', 'scan.startup.mode': 'earliest-offset', 'properties.group.id': uniqueTopic('g') };
    const s = sink(topic, columns, opts);
    const rows: Row[] = Array.from({ length: 10 }, (_, i) => [i, `name-${i}`, new Date(1_600_000_000_000 + i * 1000)]);
    await s.write(rows, { signal });
    await s.close();
    const table = kafkaTable(columns, { topic, 'properties.bootstrap.servers': testBrokers(), format: 'json', ...opts });
    const h = new SourceHarness(kafkaConnector.createSource!(table, connectorContext()) as KafkaSource);
    try {
      await h.waitFor(10);
      expect(h.records.map((r) => r.row).sort((a, b) => (a[0] as number) - (b[0] as number))).toEqual(rows);
    } finally {
      await h.stop();
    }
  });

  it('close() is idempotent; write() after close() fails with PD4305', async () => {
    const topic = uniqueTopic('sink-close');
    const s = sink(topic, [{ name: 'id', type: T.big }]);
    await Promise.all([s.close(), s.close()]);
    await expect(s.write([[1]], { signal })).rejects.toMatchObject({ code: 'PD4305' });
  });

  it('reports a row its format cannot encode with PD4306', async () => {
    const topic = uniqueTopic('sink-encode');
    const s = sink(topic, [{ name: 'id', type: T.big }]);
    try {
      await expect(s.write([['not a number']], { signal })).rejects.toMatchObject({ code: 'PD4306' });
    } finally {
      await s.close();
    }
  });
});
