import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Admin } from 'kafkajs';
import { OpenAIEmulator } from '../emulators/openai-emulator.js';
import { createTopic, testBrokers, testKafka, uniqueTopic } from '../broker/kafka-test-helpers.js';
import { startDaemon, type DaemonHarness } from './support/daemon-harness.js';
import { readTopic } from './support/topics.js';

// Flink jobs die in a 429 storm (async timeout -> failover -> replay -> timeout again). predictd's
// job stalls while the provider refuses, then carries on by itself: no restart, no loss.
describe('a 429 storm', () => {
  const kafka = testKafka();
  let admin: Admin;
  let emulator: OpenAIEmulator;
  let harness: DaemonHarness | undefined;

  beforeAll(async () => {
    admin = kafka.admin();
    await admin.connect();
    emulator = await OpenAIEmulator.start({ apiKeys: ['sk-storm'], latencyMs: 5, respond: (req) => req.user.toUpperCase() });
  });
  afterAll(async () => {
    await harness?.stop();
    await emulator.close();
    await admin.disconnect();
  });

  it('stalls the job while every request is refused, then recovers without a restart or a lost row', async () => {
    const input = uniqueTopic('storm-in');
    const output = uniqueTopic('storm-out');
    await createTopic(admin, input, 2);
    await createTopic(admin, output, 1);
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: input, messages: Array.from({ length: 200 }, (_, i) => ({ value: JSON.stringify({ id: i, text: `row ${i}` }) })) });
    await producer.disconnect();

    emulator.storm(20_000, { retryAfterSeconds: 1 });
    const stormEnds = Date.now() + 20_000;
    harness = await startDaemon({
      'storm.sql': `
CREATE MODEL upper INPUT (text STRING) OUTPUT (out STRING) WITH (
  'provider' = 'openai', 'endpoint' = '${emulator.origin}/v1/chat/completions', 'api-key' = 'sk-storm', 'model' = 'm',
  'rate-limit.requests-per-minute' = '1200');
CREATE TABLE src (id BIGINT, text STRING) WITH ('connector' = 'kafka', 'topic' = '${input}',
  'properties.bootstrap.servers' = '${testBrokers()}', 'properties.group.id' = '${input}-group',
  'scan.startup.mode' = 'earliest-offset', 'format' = 'json');
CREATE TABLE dst (id BIGINT, out STRING) WITH ('connector' = 'kafka', 'topic' = '${output}',
  'properties.bootstrap.servers' = '${testBrokers()}', 'format' = 'json');
INSERT INTO dst SELECT id, out FROM ML_PREDICT(TABLE src, MODEL upper, DESCRIPTOR(text));
`,
    });
    const out = await readTopic(kafka, output, (got) => new Set(got.map((m) => (JSON.parse(m.value) as { id: number }).id)).size >= 200, 120_000);
    expect(Date.now()).toBeGreaterThanOrEqual(stormEnds - 1000);
    const rows = out.map((m) => JSON.parse(m.value) as { id: number; out: string });
    expect(new Set(rows.map((r) => r.id)).size).toBe(200);
    for (const r of rows) expect(r.out).toBe(`ROW ${r.id}`);
    expect(emulator.counters.stormRejected).toBeGreaterThan(0);
    const job = harness.daemon.jobs()[0]!;
    expect(job.state).toBe('RUNNING');
    expect(job.pipelines[0]!.stats.predictionsDropped).toBe(0);
    expect(harness.logs.filter((l) => /job failed|job restarted/.test(String(l['msg'])))).toEqual([]);
  }, 180_000);
});
