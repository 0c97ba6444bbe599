import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startDaemon, waitFor, type DaemonHarness } from '../e2e/support/daemon-harness.js';

const API_KEY = 'sk-from-a-file-0123456789';
const JAAS = 'org.apache.kafka.common.security.plain.PlainLoginModule required username="quickstart" password="kafka-pass-0123456789";';

describe('secrets from ${file:...} in a running daemon', () => {
  let harness: DaemonHarness | undefined;
  let dir: string | undefined;
  afterEach(async () => {
    await harness?.stop();
    harness = undefined;
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('are resolved when the job binds, registered with the scrubber and never logged', async () => {
    dir = await mkdtemp(join(tmpdir(), 'predictd-secrets-'));
    await writeFile(join(dir, 'openai'), `${API_KEY}\n`);
    await writeFile(join(dir, 'jaas'), `${JAAS}\n`);
    // A model whose calls fail (nothing listens on port 1) and whose errors are logged; a Kafka sink
    // whose broker cannot be reached (it keeps retrying): both bind with the secrets, and both log errors.
    const model = `
CREATE TEMPORARY TABLE ticks (id BIGINT) WITH ('connector' = 'datagen', 'rows-per-second' = '5', 'fields.id.kind' = 'sequence');
CREATE TEMPORARY VIEW texts AS SELECT id, 'hello' AS t FROM ticks;
CREATE MODEL m INPUT (t STRING) OUTPUT (answer STRING) WITH ('provider' = 'openai', 'endpoint' = 'http://127.0.0.1:1/v1/chat/completions',
  'api-key' = '\${file:${join(dir, 'openai')}}', 'model' = 'gpt-4o-mini', 'error-handling-strategy' = 'IGNORE', 'retry-num' = '0');
CREATE TEMPORARY TABLE out (id BIGINT, answer STRING) WITH ('connector' = 'print', 'logger' = 'true');
INSERT INTO out SELECT id, answer FROM ML_PREDICT(TABLE texts, MODEL m, DESCRIPTOR(t));
`;
    const kafka = `
CREATE TEMPORARY TABLE ticks (id BIGINT) WITH ('connector' = 'datagen', 'rows-per-second' = '5', 'fields.id.kind' = 'sequence');
CREATE TABLE sink (id BIGINT) WITH ('connector' = 'kafka', 'topic' = 'secrets-test', 'format' = 'json',
  'properties.bootstrap.servers' = '127.0.0.1:1', 'properties.security.protocol' = 'SASL_PLAINTEXT',
  'properties.sasl.jaas.config' = '\${file:${join(dir, 'jaas')}}', 'properties.request.timeout.ms' = '500', 'properties.socket.connection.setup.timeout.ms' = '200');
INSERT INTO sink SELECT id FROM ticks;
`;
    harness = await startDaemon({ 'model.sql': model, 'kafka.sql': kafka });
    await waitFor('the model job to log a failed call', () => harness!.logs.some((l) => l['jobId'] === 'model' && l['level'] === 40), 30_000);
    await waitFor('the kafka job to bind and log its connection errors', () => harness!.daemon.jobs().find((j) => j.id === 'kafka')?.state === 'RUNNING' && harness!.logs.some((l) => l['jobId'] === 'kafka' && Number(l['level']) >= 40), 30_000);

    expect(harness.daemon.scrubber.scrub(`key ${API_KEY} jaas ${JAAS}`)).toBe('key *** jaas ***');
    const text = JSON.stringify(harness.logs);
    expect(text).not.toContain(API_KEY);
    expect(text).not.toContain('kafka-pass-0123456789');
    expect(text).toContain('"jobId":"kafka"');
  }, 90_000);
});
