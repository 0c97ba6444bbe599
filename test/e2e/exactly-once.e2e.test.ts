import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Kafka } from 'kafkajs';
import { createTopic, testBrokers, uniqueTopic } from '../broker/kafka-test-helpers.js';
import { kafkaDaemonSuite } from './support/kafka-daemon-suite.js';

const RECORDS = 10_000;
const PARTITIONS = 4;
const KILLS = 3;

/** Ids of every record of `topic`, read with the given isolation until `until` holds and then no record came for `quietMs`. */
async function readIds(kafka: Kafka, topic: string, opts: { readUncommitted: boolean; until: (ids: number[]) => boolean; quietMs?: number; timeoutMs?: number }): Promise<number[]> {
  const consumer = kafka.consumer({ groupId: `reader-${topic}-${Math.random().toString(36).slice(2)}`, maxWaitTimeInMs: 100, readUncommitted: opts.readUncommitted });
  const ids: number[] = [];
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  let lastAt = Date.now();
  let reached = false;
  await consumer.run({
    eachMessage: async ({ message }) => {
      ids.push((JSON.parse(message.value!.toString()) as { id: number }).id);
      lastAt = Date.now();
      if (!reached && opts.until(ids)) reached = true;
    },
  });
  const deadline = Date.now() + (opts.timeoutMs ?? 60_000);
  try {
    while (!(reached && Date.now() - lastAt >= (opts.quietMs ?? 0))) {
      if (Date.now() > deadline) throw new Error(`timed out reading ${topic}: ${ids.length} records, ${new Set(ids).size} ids`);
      await new Promise((r) => setTimeout(r, 50));
    }
  } finally {
    await consumer.disconnect();
  }
  return ids;
}

// kill -9 three times in the middle of an exactly-once job: every id is visible exactly once to
// read_committed readers, because output and input offsets commit in one Kafka transaction.
describe('exactly-once Kafka -> Kafka', () => {
  const suite = kafkaDaemonSuite('eos', { apiKeys: ['sk-eos'], latencyMs: 5, respond: (req) => `label-${req.user}` });
  const { kafka } = suite;

  it('shows every id exactly once to a read_committed reader across three kill -9', async () => {
    const input = uniqueTopic('eos-in');
    const output = uniqueTopic('eos-out');
    await createTopic(suite.admin, input, PARTITIONS);
    await createTopic(suite.admin, output, 1);
    await suite.produce(input, RECORDS, (i) => ({ key: String(i), value: JSON.stringify({ id: i, text: `t${i}` }) }), 2000);

    const jobs = join(suite.dir, 'jobs');
    await mkdir(jobs);
    await writeFile(
      join(jobs, 'eos.sql'),
      `
CREATE MODEL labeler INPUT (text STRING) OUTPUT (label STRING) WITH (
  'provider' = 'openai', 'endpoint' = '${suite.emulator.origin}/v1/chat/completions', 'api-key' = '\${EOS_KEY}', 'model' = 'gpt-4o-mini');
CREATE TABLE src (id BIGINT, text STRING) WITH (
  'connector' = 'kafka', 'topic' = '${input}', 'properties.bootstrap.servers' = '${testBrokers()}',
  'properties.group.id' = '${input}-group', 'scan.startup.mode' = 'earliest-offset', 'format' = 'json',
  'properties.isolation.level' = 'read_committed',
  -- The killed member stays in the group until its session times out: keep that short here.
  'properties.session.timeout.ms' = '6000', 'properties.heartbeat.interval.ms' = '1000');
CREATE TABLE dst (id BIGINT, label STRING) WITH (
  'connector' = 'kafka', 'topic' = '${output}', 'properties.bootstrap.servers' = '${testBrokers()}', 'format' = 'json',
  'sink.delivery-guarantee' = 'exactly-once', 'sink.transactional-id-prefix' = '${output}',
  'properties.transaction.timeout.ms' = '15000');
INSERT INTO dst SELECT id, label
FROM ML_PREDICT(TABLE src, MODEL labeler, DESCRIPTOR(text), MAP['max-concurrent-operations', '20']);
`,
    );
    const env = { EOS_KEY: 'sk-eos' };
    for (let kill = 1; kill <= KILLS; kill++) {
      const daemon = suite.daemon(jobs, `daemon-${kill}.log`, env);
      // Let this one commit a share of the stream, then kill it in the middle of its next transactions.
      const target = Math.round((RECORDS * kill) / (KILLS + 1));
      await readIds(kafka, output, { readUncommitted: false, until: (ids) => new Set(ids).size >= target, timeoutMs: 60_000 });
      daemon.child.kill('SIGKILL');
      expect((await daemon.exited).signal).toBe('SIGKILL');
    }
    const last = suite.daemon(jobs, 'daemon-last.log', env);
    await readIds(kafka, output, { readUncommitted: false, until: (ids) => new Set(ids).size >= RECORDS, timeoutMs: 60_000 });
    last.child.kill('SIGTERM');
    expect(await last.exited).toEqual({ code: 0, signal: null });

    const committed = await readIds(kafka, output, { readUncommitted: false, until: (ids) => ids.length >= RECORDS, quietMs: 1500 });
    const counts = new Map<number, number>();
    for (const id of committed) counts.set(id, (counts.get(id) ?? 0) + 1);
    expect(counts.size).toBe(RECORDS);
    expect([...counts.values()].filter((n) => n !== 1)).toEqual([]);
    expect(committed.length).toBe(RECORDS);

    // Aborted transactions stay in the log: a read_uncommitted reader may see their rows too.
    const uncommitted = await readIds(kafka, output, { readUncommitted: true, until: (ids) => ids.length >= RECORDS, quietMs: 1500 });
    expect(uncommitted.length).toBeGreaterThanOrEqual(RECORDS);
    expect(new Set(uncommitted).size).toBe(RECORDS);

    const offsets = await suite.admin.fetchOffsets({ groupId: `${input}-group`, topics: [input] });
    expect(offsets[0]!.partitions.reduce((n, p) => n + Number(p.offset), 0)).toBe(RECORDS);
  }, 180_000);
});
