import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createTopic, testBrokers, uniqueTopic } from '../broker/kafka-test-helpers.js';
import { kafkaDaemonSuite } from './support/kafka-daemon-suite.js';
import { readTopic } from './support/topics.js';

const RECORDS = 5000;
const PARTITIONS = 4;
const MAX_CONCURRENT = 10;
/** The job's in-flight window: pipeline.inFlightPerConcurrency (2) x max-concurrent-operations. */
const WINDOW = 2 * MAX_CONCURRENT;

// kill -9 in the middle of a stream, start again: nothing is lost, and what is written twice is
// bounded by the in-flight window, because offsets are committed as soon as the sink wrote.
describe('crash safety', () => {
  const suite = kafkaDaemonSuite('crash', { apiKeys: ['sk-crash'], latencyMs: 20, respond: (req) => `label-${req.user}` });
  const { kafka } = suite;

  it('loses no record across kill -9 and duplicates at most the in-flight window per partition', async () => {
    const input = uniqueTopic('crash-in');
    const output = uniqueTopic('crash-out');
    await createTopic(suite.admin, input, PARTITIONS);
    await createTopic(suite.admin, output, 1);
    await suite.produce(input, RECORDS, (i) => ({ key: String(i), value: JSON.stringify({ id: i, text: `t${i}` }) }));

    const jobs = join(suite.dir, 'jobs');
    await mkdir(jobs);
    await writeFile(
      join(jobs, 'crash.sql'),
      `
CREATE MODEL labeler INPUT (text STRING) OUTPUT (label STRING) WITH (
  'provider' = 'openai', 'endpoint' = '${suite.emulator.origin}/v1/chat/completions', 'api-key' = '\${CRASH_KEY}', 'model' = 'gpt-4o-mini');
CREATE TABLE src (id BIGINT, text STRING, part INT METADATA FROM 'partition' VIRTUAL) WITH (
  'connector' = 'kafka', 'topic' = '${input}', 'properties.bootstrap.servers' = '${testBrokers()}',
  'properties.group.id' = 'crash-group', 'scan.startup.mode' = 'earliest-offset', 'format' = 'json',
  -- The killed member stays in the group until its session times out: keep that short here.
  'properties.session.timeout.ms' = '6000', 'properties.heartbeat.interval.ms' = '1000');
CREATE TABLE dst (id BIGINT, part INT, label STRING) WITH (
  'connector' = 'kafka', 'topic' = '${output}', 'properties.bootstrap.servers' = '${testBrokers()}', 'format' = 'json');
INSERT INTO dst SELECT id, part, label
FROM ML_PREDICT(TABLE src, MODEL labeler, DESCRIPTOR(text), MAP['max-concurrent-operations', '${MAX_CONCURRENT}']);
`,
    );
    const env = { CRASH_KEY: 'sk-crash' };
    const first = suite.daemon(jobs, 'first.log', env);
    // Let it get well into the stream, then kill it without warning.
    await readTopic(kafka, output, (got) => got.length >= 1000, 90_000);
    first.child.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');

    const second = suite.daemon(jobs, 'second.log', env);
    const out = await readTopic(kafka, output, (got) => new Set(got.map((m) => (JSON.parse(m.value) as { id: number }).id)).size >= RECORDS, 120_000);

    const rows = out.map((m) => JSON.parse(m.value) as { id: number; part: number; label: string });
    const ids = new Set(rows.map((r) => r.id));
    expect(ids.size).toBe(RECORDS);
    for (let id = 0; id < RECORDS; id++) expect(ids.has(id)).toBe(true);
    for (const r of rows) expect(r.label).toBe(`label-t${r.id}`);
    for (let p = 0; p < PARTITIONS; p++) {
      const inPartition = rows.filter((r) => r.part === p);
      const duplicates = inPartition.length - new Set(inPartition.map((r) => r.id)).size;
      expect(duplicates).toBeLessThanOrEqual(WINDOW);
    }

    // A graceful stop: SIGTERM drains, commits and exits 0.
    second.child.kill('SIGTERM');
    expect(await second.exited).toEqual({ code: 0, signal: null });
    const committed = await suite.admin.fetchOffsets({ groupId: 'crash-group', topics: [input] });
    const total = committed[0]!.partitions.reduce((n, p) => n + Number(p.offset), 0);
    expect(total).toBe(RECORDS);
  }, 300_000);
});
