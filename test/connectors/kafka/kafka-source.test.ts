import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Admin, Message, Producer } from 'kafkajs';
import { kafkaConnector } from '../../../connectors/kafka/kafka-connector.js';
import { KafkaConnectorError } from '../../../connectors/kafka/kafka-connector-error.js';
import type { KafkaSource } from '../../../connectors/kafka/kafka-source.js';
import type { TableColumn } from '../../../src/spi/connector.js';
import { createTopic, testBrokers, testKafka, uniqueTopic } from '../../broker/kafka-test-helpers.js';
import { silentLogger } from '../../support/silent-logger.js';
import { connectorContext, eventually, kafkaTable, SourceHarness, sleep, T } from './kafka-test-support.js';

const kafka = testKafka('kafka-source-test');
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

const ID_COLS: TableColumn[] = [
  { name: 'id', type: T.big },
  { name: 'off', type: T.big, metadataKey: 'offset', virtual: true },
  { name: 'part', type: T.int, metadataKey: 'partition', virtual: true },
];

function source(topic: string, groupId: string, options: Record<string, string> = {}, columns = ID_COLS, log?: Array<{ level: string; args: unknown[] }>): KafkaSource {
  const table = kafkaTable(columns, {
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

async function produce(topic: string, n: number, from = 0, extra: (i: number) => Partial<Message> = () => ({})): Promise<void> {
  const messages = Array.from({ length: n }, (_, k) => ({ value: JSON.stringify({ id: from + k }), ...extra(from + k) }));
  await producer.send({ topic, messages });
}

async function committed(groupId: string, topic: string): Promise<Map<number, number>> {
  const res = await admin.fetchOffsets({ groupId, topics: [topic] });
  return new Map(res[0]!.partitions.map((p) => [p.partition, Number(p.offset)]));
}

async function committedAt(groupId: string, topic: string, partition = 0): Promise<number> {
  return (await committed(groupId, topic)).get(partition) ?? -1;
}

function joined(log: Array<{ level: string; args: unknown[] }>): boolean {
  return log.some((l) => l.args.some((a) => a === 'kafka source: partitions assigned'));
}

describe('kafka source', () => {
  it('reads JSON values with metadata columns', async () => {
    const topic = uniqueTopic('src-meta');
    const group = uniqueTopic('g');
    await createTopic(admin, topic, 2);
    await producer.send({
      topic,
      messages: [{ key: 'k1', value: JSON.stringify({ id: 1, name: 'one' }), partition: 1, timestamp: '1700000000123', headers: { h1: 'v1', h2: Buffer.from([0, 255]) } }],
    });
    const columns: TableColumn[] = [
      { name: 'id', type: T.big },
      { name: 'name', type: T.str },
      { name: 't', type: T.str, metadataKey: 'topic', virtual: true },
      { name: 'p', type: T.int, metadataKey: 'partition', virtual: true },
      { name: 'o', type: T.big, metadataKey: 'offset', virtual: true },
      { name: 'ts', type: T.ltz, metadataKey: 'timestamp' },
      { name: 'tt', type: T.str, metadataKey: 'timestamp-type', virtual: true },
      { name: 'h', type: T.headers, metadataKey: 'headers' },
      { name: 'k', type: T.bytes, metadataKey: 'key', virtual: true },
      { name: 'le', type: T.int, metadataKey: 'leader-epoch', virtual: true },
    ];
    const h = new SourceHarness(source(topic, group, {}, columns));
    try {
      await h.waitFor(1);
      const [id, name, t, p, o, ts, tt, headers, k, le] = h.records[0]!.row;
      expect([id, name, t, p, o, tt]).toEqual([1, 'one', topic, 1, 0, 'CreateTime']);
      expect(ts).toEqual(new Date(1700000000123));
      expect(headers).toEqual(new Map([['h1', new TextEncoder().encode('v1')], ['h2', new Uint8Array([0, 255])]]));
      expect(k).toEqual(new TextEncoder().encode('k1'));
      expect(typeof le).toBe('number');
    } finally {
      await h.stop();
    }
  });

  it('commits only the contiguous acked prefix: 0..49 + 60..99 acked -> 50; the rest -> 100', async () => {
    const topic = uniqueTopic('src-commit');
    const group = uniqueTopic('g');
    await createTopic(admin, topic, 1);
    await produce(topic, 100);
    const h = new SourceHarness(source(topic, group));
    try {
      await h.waitFor(100);
      expect(h.records.map((r) => r.row[1])).toEqual(Array.from({ length: 100 }, (_, i) => i));
      const byOffset = (o: number) => h.records.find((r) => r.row[1] === o)!;
      // Out of order, as ALLOW_UNORDERED acks arrive.
      for (const o of [...Array.from({ length: 40 }, (_, i) => 99 - i), ...Array.from({ length: 50 }, (_, i) => 49 - i)]) h.ack(byOffset(o));
      await eventually(async () => (await committedAt(group, topic)) === 50, 10_000, 'commit 50');
      await sleep(700);
      expect(await committedAt(group, topic)).toBe(50);
      for (let o = 50; o < 60; o++) h.ack(byOffset(o));
      await eventually(async () => (await committedAt(group, topic)) === 100, 10_000, 'commit 100');
      expect(h.source.stats).toMatchObject({ recordsPushed: 100, staleAcks: 0 });
    } finally {
      await h.stop();
    }
    expect(await committedAt(group, topic)).toBe(100);
  });

  it('never commits at or past a nacked record, not even at close', async () => {
    const topic = uniqueTopic('src-nack');
    const group = uniqueTopic('g');
    await createTopic(admin, topic, 1);
    await produce(topic, 10);
    const h = new SourceHarness(source(topic, group));
    await h.waitFor(10);
    h.nack(h.records[3]!);
    h.ackAll();
    await eventually(async () => (await committedAt(group, topic)) === 3, 10_000, 'commit 3');
    await h.stop();
    expect(await committedAt(group, topic)).toBe(3);
  });

  it('pauses while the window is full and resumes on drain: every record once, none lost', async () => {
    const topic = uniqueTopic('src-flow');
    const group = uniqueTopic('g');
    await createTopic(admin, topic, 3);
    // Partition 2 stays empty until the reader is paused (kafkajs #1599: paused before any commit).
    await producer.send({ topic, messages: Array.from({ length: 300 }, (_, i) => ({ value: JSON.stringify({ id: i }), partition: i % 2 })) });
    const capacity = 16;
    const log: Array<{ level: string; args: unknown[] }> = [];
    const h = new SourceHarness(source(topic, group, {}, ID_COLS, log), capacity, log);
    let maxInFlight = 0;
    let fullSeen = 0;
    const acker = setInterval(() => {
      maxInFlight = Math.max(maxInFlight, h.window.inFlight);
      if (h.window.full) fullSeen++;
      // Ack slowly: a few at a time, so the window fills up again and again.
      let n = 0;
      for (const r of h.records) if (!r.settled && n++ < 5) h.ack(r);
    }, 20);
    try {
      await eventually(() => h.window.full, 10_000, 'a full window');
      await producer.send({ topic, messages: Array.from({ length: 50 }, (_, i) => ({ value: JSON.stringify({ id: 300 + i }), partition: 2 })) });
      await h.waitFor(350, 30_000);
      await eventually(() => h.records.every((r) => r.settled), 10_000, 'all acked');
      const ids = h.records.map((r) => r.row[0] as number).sort((a, b) => a - b);
      expect(ids).toEqual(Array.from({ length: 350 }, (_, i) => i));
      expect(maxInFlight).toBeLessThanOrEqual(capacity);
      expect(fullSeen).toBeGreaterThan(0);
      await eventually(async () => {
        const c = await committed(group, topic);
        return c.get(0) === 150 && c.get(1) === 150 && c.get(2) === 50;
      }, 10_000, 'commits at the ends');
    } finally {
      clearInterval(acker);
      await h.stop();
    }
    expect(log.some((l) => String(l.args[1] ?? '').includes('Pausing fetching'))).toBe(true);
  });

  it('a restarted source resumes from the committed offset, whatever scan.startup.mode says', async () => {
    const topic = uniqueTopic('src-restart');
    const group = uniqueTopic('g');
    await createTopic(admin, topic, 1);
    await produce(topic, 20);
    const first = new SourceHarness(source(topic, group));
    await first.waitFor(20);
    first.ackAll((r) => (r.row[1] as number) < 12);
    await eventually(async () => (await committedAt(group, topic)) === 12, 10_000, 'commit 12');
    await first.stop();

    const second = new SourceHarness(source(topic, group, { 'scan.startup.mode': 'latest-offset' }));
    try {
      await second.waitFor(8);
      expect(second.records.map((r) => r.row[1])).toEqual([12, 13, 14, 15, 16, 17, 18, 19]);
    } finally {
      await second.stop();
    }
  });

  describe('startup modes (for partitions without a committed offset)', () => {
    it('earliest-offset and group-offsets with auto.offset.reset=earliest read from the start', async () => {
      const topic = uniqueTopic('src-earliest');
      await createTopic(admin, topic, 1);
      await produce(topic, 5);
      const modes: Array<Record<string, string>> = [{ 'scan.startup.mode': 'earliest-offset' }, { 'scan.startup.mode': 'group-offsets', 'properties.auto.offset.reset': 'earliest' }];
      for (const opts of modes) {
        const h = new SourceHarness(source(topic, uniqueTopic('g'), opts));
        try {
          await h.waitFor(5);
          expect(h.records.map((r) => r.row[0])).toEqual([0, 1, 2, 3, 4]);
        } finally {
          await h.stop();
        }
      }
    });

    it('latest-offset and group-offsets (default reset latest) read only new records', async () => {
      const topic = uniqueTopic('src-latest');
      await createTopic(admin, topic, 1);
      await produce(topic, 5);
      for (const opts of [{ 'scan.startup.mode': 'latest-offset' }, { 'scan.startup.mode': 'group-offsets' }]) {
        const log: Array<{ level: string; args: unknown[] }> = [];
        const h = new SourceHarness(source(topic, uniqueTopic('g'), opts, ID_COLS, log), 100_000, log);
        try {
          await eventually(() => joined(log), 15_000, 'group join');
          await sleep(1500); // the first fetch resolves 'latest'
          const before = (await admin.fetchTopicOffsets(topic))[0]!.high;
          await produce(topic, 3, 100);
          await h.waitFor(3);
          await sleep(300);
          expect(h.records.map((r) => r.row[0])).toEqual([100, 101, 102]);
          expect(h.records[0]!.row[1]).toBe(Number(before));
          h.ackAll();
        } finally {
          await h.stop();
        }
      }
    });

    it('timestamp starts at the first record at or after scan.startup.timestamp-millis', async () => {
      const topic = uniqueTopic('src-ts');
      const group = uniqueTopic('g');
      await createTopic(admin, topic, 1);
      const base = Date.now() - 60_000;
      await produce(topic, 6, 0, (i) => ({ timestamp: String(base + i * 1000) }));
      const h = new SourceHarness(source(topic, group, { 'scan.startup.mode': 'timestamp', 'scan.startup.timestamp-millis': String(base + 2500) }));
      try {
        await h.waitFor(3);
        await sleep(300);
        expect(h.records.map((r) => r.row[0])).toEqual([3, 4, 5]);
        h.ackAll();
        await eventually(async () => (await committedAt(group, topic)) === 6, 10_000, 'commit 6');
      } finally {
        await h.stop();
      }
      // Once committed, the committed offset wins over the timestamp.
      await produce(topic, 1, 6, () => ({ timestamp: String(base) }));
      const again = new SourceHarness(source(topic, group, { 'scan.startup.mode': 'timestamp', 'scan.startup.timestamp-millis': String(base + 2500) }));
      try {
        await again.waitFor(1);
        await sleep(300);
        expect(again.records.map((r) => r.row[0])).toEqual([6]);
      } finally {
        await again.stop();
      }
    });

    it('specific-offsets starts listed partitions at their offset', async () => {
      const topic = uniqueTopic('src-spec');
      await createTopic(admin, topic, 1);
      await produce(topic, 6);
      const h = new SourceHarness(source(topic, uniqueTopic('g'), { 'scan.startup.mode': 'specific-offsets', 'scan.startup.specific-offsets': 'partition:0,offset:4' }));
      try {
        await h.waitFor(2);
        await sleep(300);
        expect(h.records.map((r) => r.row[0])).toEqual([4, 5]);
      } finally {
        await h.stop();
      }
    });

    it("auto.offset.reset = 'none' fails the source when the group has no committed offset", async () => {
      const topic = uniqueTopic('src-none');
      await createTopic(admin, topic, 1);
      await produce(topic, 1);
      const h = new SourceHarness(source(topic, uniqueTopic('g'), { 'scan.startup.mode': 'group-offsets', 'properties.auto.offset.reset': 'none' }));
      try {
        await expect(h.run).rejects.toThrow(/no committed offset.*'none'/);
        expect(h.records).toEqual([]);
      } finally {
        await h.stop();
      }
    });
  });

  describe('records that cannot be decoded', () => {
    it("with 'json.ignore-parse-errors' they are skipped, counted and committed past", async () => {
      const topic = uniqueTopic('src-ignore');
      const group = uniqueTopic('g');
      await createTopic(admin, topic, 1);
      await producer.send({ topic, messages: [{ value: '{"id":0}' }, { value: '{not json' }, { value: '{"id":"x"}' }, { value: '{"id":3}' }] });
      const log: Array<{ level: string; args: unknown[] }> = [];
      const h = new SourceHarness(source(topic, group, { 'json.ignore-parse-errors': 'true' }, ID_COLS, log), 100_000, log);
      try {
        await h.waitFor(2);
        await sleep(300);
        expect(h.records.map((r) => r.row[0])).toEqual([0, 3]);
        expect(h.source.stats.recordsSkipped).toBe(2);
        const warn = log.find((l) => l.level === 'warn' && String(l.args[1]).includes('record skipped'));
        expect(warn?.args[0]).toMatchObject({ topic, partition: 0, offset: 1 });
        h.ackAll();
        await eventually(async () => (await committedAt(group, topic)) === 4, 10_000, 'commit 4');
      } finally {
        await h.stop();
      }
    });

    it('without it the source hands them to the pipeline naming topic, partition and offset, and commits nothing past a nacked one', async () => {
      const topic = uniqueTopic('src-fail');
      const group = uniqueTopic('g');
      await createTopic(admin, topic, 1);
      await producer.send({ topic, messages: [{ value: '{"id":0}' }, { value: '{"id":1}' }, { value: '{not json' }, { value: '{"id":3}' }] });
      const h = new SourceHarness(source(topic, group));
      await h.waitFor(3);
      expect(h.source.errorTolerance).toBe('none');
      expect(h.undecodable).toHaveLength(1);
      const { record, error } = h.undecodable[0]!;
      expect(error).toBeInstanceOf(KafkaConnectorError);
      expect((error as KafkaConnectorError).code).toBe('PD4301');
      expect(error.message).toContain(`topic '${topic}', partition 0, offset 2`);
      expect(record.deadLetter).toBeUndefined();
      expect(h.records.map((r) => r.row[0])).toEqual([0, 1, 3]);
      // The pipeline's decision under errors.tolerance = 'none': the record failed for good.
      record.nack(error);
      h.window.settle();
      h.ackAll();
      await h.stop();
      expect(await committedAt(group, topic)).toBe(2);
    });
  });

  describe('dead-letter topic', () => {
    it('writes the original key, value and headers plus the error headers, and is acked by the pipeline after the broker acknowledged it', async () => {
      const topic = uniqueTopic('src-dlq');
      const dlq = uniqueTopic('src-dlq-dead');
      const group = uniqueTopic('g');
      await createTopic(admin, topic, 1);
      const badValue = Buffer.from([0x7b, 0x6e, 0x6f, 0xff, 0x00]); // '{no' + bytes that are not UTF-8
      await producer.send({
        topic,
        messages: [
          { value: '{"id":0}' },
          { key: Buffer.from([1, 2, 3]), value: badValue, timestamp: '1700000000123', headers: { trace: Buffer.from([0, 255]), origin: 'app' } },
          { value: '{"id":2}' },
        ],
      });
      const s = source(topic, group, { 'errors.tolerance': 'all', 'errors.deadletterqueue.topic.name': dlq });
      expect(s.errorTolerance).toBe('all');
      const h = new SourceHarness(s);
      try {
        await h.waitFor(2);
        await eventually(() => h.undecodable.length === 1, 10_000, 'the undecodable record');
        const { record, error } = h.undecodable[0]!;
        await record.deadLetter!({ stage: 'decode', error });
        record.ack();
        h.window.settle();
        const model = h.records[1]!.record;
        const cause = Object.assign(new Error('HTTP 400 from the model'), { status: 400 });
        await model.deadLetter!({ stage: 'predict', error: cause, model: 'classifier', httpStatus: 400 });
        h.ackAll();
        await eventually(async () => (await committedAt(group, topic)) === 3, 10_000, 'commit 3');
      } finally {
        await h.stop();
      }
      expect(s.stats.deadLettered).toBe(2);

      // The writer's acks are in; the topic the writer auto-created may still be settling on the
      // broker, so read once its end offset shows both records (a fresh reader group then joins
      // and fetches, which a loaded machine can make slow: hence the longer wait below).
      await eventually(async () => (await admin.fetchTopicOffsets(dlq)).reduce((n, p) => n + Number(p.high), 0) === 2, 15_000, 'the dead-letter end offset');
      const consumer = kafka.consumer({ groupId: uniqueTopic('dlq-reader') });
      const seen: Array<{ key: Buffer | null; value: Buffer | null; timestamp: string; headers: Record<string, unknown> }> = [];
      await consumer.connect();
      try {
        await consumer.subscribe({ topics: [dlq], fromBeginning: true });
        await consumer.run({ eachMessage: async ({ message }) => { seen.push({ key: message.key, value: message.value, timestamp: message.timestamp, headers: message.headers ?? {} }); } });
        await eventually(() => seen.length === 2, 30_000, 'two dead-letter records');
      } finally {
        await consumer.disconnect();
      }
      const [decoded, predicted] = seen;
      expect(decoded!.key).toEqual(Buffer.from([1, 2, 3]));
      expect(decoded!.value).toEqual(badValue);
      expect(decoded!.timestamp).toBe('1700000000123');
      const text = (h: Record<string, unknown>, k: string) => (h[k] === undefined ? undefined : String(h[k]));
      expect(decoded!.headers['trace']).toEqual(Buffer.from([0, 255]));
      expect(text(decoded!.headers, 'origin')).toBe('app');
      expect(text(decoded!.headers, '__predictd.errors.topic')).toBe(topic);
      expect(text(decoded!.headers, '__predictd.errors.partition')).toBe('0');
      expect(text(decoded!.headers, '__predictd.errors.offset')).toBe('1');
      expect(text(decoded!.headers, '__predictd.errors.stage')).toBe('decode');
      expect(text(decoded!.headers, '__predictd.errors.class.name')).toBe('predictd.format.json');
      expect(text(decoded!.headers, '__predictd.errors.exception.class.name')).toBe('KafkaConnectorError');
      expect(text(decoded!.headers, '__predictd.errors.exception.code')).toBe('PD4301');
      expect(text(decoded!.headers, '__predictd.errors.exception.message')).toContain('offset 1');
      expect(text(decoded!.headers, '__predictd.errors.connector.name')).toBe('kafka_table');
      expect(text(decoded!.headers, '__predictd.errors.job.id')).toBe('test-job');
      expect(Number(text(decoded!.headers, '__predictd.errors.timestamp'))).toBeGreaterThan(1_700_000_000_000);
      expect(decoded!.headers['__predictd.errors.model']).toBeUndefined();
      expect(text(predicted!.headers, '__predictd.errors.stage')).toBe('predict');
      expect(text(predicted!.headers, '__predictd.errors.model')).toBe('classifier');
      expect(text(predicted!.headers, '__predictd.errors.http.status')).toBe('400');
      expect(text(predicted!.headers, '__predictd.errors.offset')).toBe('2');
      expect(predicted!.value?.toString()).toBe('{"id":2}');
      const meta = await admin.fetchTopicMetadata({ topics: [dlq] });
      expect(meta.topics[0]!.partitions).toHaveLength(1);
    }, 60_000);

    it("with context headers off writes only the original record", async () => {
      const topic = uniqueTopic('src-dlq-plain');
      const dlq = uniqueTopic('src-dlq-plain-dead');
      await createTopic(admin, topic, 1);
      await producer.send({ topic, messages: [{ value: '{"id":7}', headers: { a: 'b' } }] });
      const h = new SourceHarness(source(topic, uniqueTopic('g'), { 'errors.deadletterqueue.topic.name': dlq, 'errors.deadletterqueue.context.headers.enable': 'false' }));
      try {
        await h.waitFor(1);
        await h.records[0]!.record.deadLetter!({ stage: 'sink', error: new Error('rejected') });
        h.ackAll();
      } finally {
        await h.stop();
      }
      const consumer = kafka.consumer({ groupId: uniqueTopic('dlq-reader') });
      const seen: Array<Record<string, unknown>> = [];
      await consumer.connect();
      try {
        await consumer.subscribe({ topics: [dlq], fromBeginning: true });
        await consumer.run({ eachMessage: async ({ message }) => { seen.push(message.headers ?? {}); } });
        await eventually(() => seen.length === 1, 15_000, 'the dead-letter record');
      } finally {
        await consumer.disconnect();
      }
      expect(Object.keys(seen[0]!)).toEqual(['a']);
    });
  });

  it('fails loudly (PD4314) when its group is shared with a member reading other topics, instead of leaving partitions unread', async () => {
    const topicA = uniqueTopic('shared-group-a');
    const topicB = uniqueTopic('shared-group-b');
    const group = uniqueTopic('g-shared');
    await Promise.all([createTopic(admin, topicA, 4), createTopic(admin, topicB, 4)]);
    await Promise.all([produce(topicA, 8), produce(topicB, 8)]);
    const a = new SourceHarness(source(topicA, group));
    await a.waitFor(8); // a leads the group alone first
    const b = new SourceHarness(source(topicB, group));
    try {
      // The leader assigns topicA's partitions to both members: b is handed topics it does not read.
      const failure = await Promise.race([b.run.then(() => undefined, (err: unknown) => err), sleep(30_000).then(() => 'timeout')]);
      expect(failure).toBeInstanceOf(KafkaConnectorError);
      expect((failure as KafkaConnectorError).code).toBe('PD4314');
      expect((failure as Error).message).toContain(topicA);
      expect((failure as Error).message).toContain("'properties.group.id'");
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  });

  it('close() is idempotent and run() refuses a second start', async () => {
    const topic = uniqueTopic('src-close');
    await createTopic(admin, topic, 1);
    const s = source(topic, uniqueTopic('g'));
    const h = new SourceHarness(s);
    await expect(s.run(h as never)).rejects.toThrow(/run\(\) called/);
    await h.stop();
    await Promise.all([s.close(), s.close()]);
  });
});
