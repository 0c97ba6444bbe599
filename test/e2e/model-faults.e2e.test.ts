import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Admin } from 'kafkajs';
import { OpenAIEmulator } from '../emulators/openai-emulator.js';
import { createTopic, testBrokers, testKafka, uniqueTopic } from '../broker/kafka-test-helpers.js';
import { startDaemon, type DaemonHarness } from './support/daemon-harness.js';
import { readTopic } from './support/topics.js';

const ROWS = 3_000;

// The acceptance test of issue 8: an endpoint that answers 20 % 429, 5 % 500, 2 % never and 1 %
// garbage, with the default strategy (RETRY, fallback FAILOVER). Before, the first hung request
// failed the job for good; now every attempt has a client-timeout and every fault heals.
describe('a model endpoint that throttles, errs, hangs and answers garbage', () => {
  const kafka = testKafka();
  let admin: Admin;
  let emulator: OpenAIEmulator;
  let harness: DaemonHarness | undefined;

  beforeAll(async () => {
    admin = kafka.admin();
    await admin.connect();
    emulator = await OpenAIEmulator.start({
      apiKeys: ['sk-chaos'],
      latencyMs: 2,
      respond: (req) => req.user.toUpperCase(),
      faults: { seed: 20_250_101, throttle: 0.2, retryAfterMs: 20, serverError: 0.05, hang: 0.02, garbage: 0.01 },
    });
  });
  afterAll(async () => {
    await harness?.stop();
    await emulator.close();
    await admin.disconnect();
  });

  it('delivers every row exactly answered, without the job ever leaving RUNNING', async () => {
    const input = uniqueTopic('faults-in');
    const output = uniqueTopic('faults-out');
    await createTopic(admin, input, 3);
    await createTopic(admin, output, 1);
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: input, messages: Array.from({ length: ROWS }, (_, i) => ({ key: String(i), value: JSON.stringify({ id: i, text: `row ${i}` }) })) });
    await producer.disconnect();

    // Default options except a short client-timeout and short backoff, so the test runs in seconds.
    harness = await startDaemon({
      'faults.sql': `
CREATE MODEL upper INPUT (text STRING) OUTPUT (out STRING) WITH (
  'provider' = 'openai', 'endpoint' = '${emulator.origin}/v1/chat/completions', 'api-key' = 'sk-chaos', 'model' = 'm',
  'client-timeout' = '1s', 'retry-backoff-base-interval' = '20ms', 'retry-backoff-max-interval' = '200ms');
CREATE TABLE src (id BIGINT, text STRING) WITH ('connector' = 'kafka', 'topic' = '${input}',
  'properties.bootstrap.servers' = '${testBrokers()}', 'properties.group.id' = '${input}-group',
  'scan.startup.mode' = 'earliest-offset', 'format' = 'json');
CREATE TABLE dst (id BIGINT, out STRING) WITH ('connector' = 'kafka', 'topic' = '${output}',
  'properties.bootstrap.servers' = '${testBrokers()}', 'format' = 'json');
INSERT INTO dst SELECT id, out FROM ML_PREDICT(TABLE src, MODEL upper, DESCRIPTOR(text));
`,
    });
    const seen = new Set<number>();
    const out = await readTopic(
      kafka,
      output,
      (got) => {
        seen.add((JSON.parse(got[got.length - 1]!.value) as { id: number }).id);
        return seen.size >= ROWS;
      },
      120_000,
    );
    const rows = out.map((m) => JSON.parse(m.value) as { id: number; out: string });
    expect(new Set(rows.map((r) => r.id)).size).toBe(ROWS);
    for (const r of rows) expect(r.out).toBe(`ROW ${r.id}`);

    const faults = emulator.counters.faults;
    expect(faults.throttled).toBeGreaterThan(0);
    expect(faults.serverErrors).toBeGreaterThan(0);
    expect(faults.hangs).toBeGreaterThan(0);
    expect(faults.garbageHtml + faults.garbageInvalidJson + faults.garbageNoChoices).toBeGreaterThan(0);

    const job = harness.daemon.jobs()[0]!;
    expect(job.state).toBe('RUNNING');
    expect(job.restarts).toBe(0);
    expect(job.pipelines[0]!.stats.predictionsDropped).toBe(0);
    expect(harness.logs.filter((l) => /job failed|job restarted/.test(String(l['msg'])))).toEqual([]);
  }, 180_000);
});
