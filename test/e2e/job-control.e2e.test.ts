import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Admin } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../broker/local-kafka-broker.js';
import { createTopic, testBrokers, testKafka, uniqueTopic } from '../broker/kafka-test-helpers.js';
import { OpenAIEmulator } from '../emulators/openai-emulator.js';
import { startDaemon, waitFor, type DaemonHarness } from './support/daemon-harness.js';
import { readTopic } from './support/topics.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const ROWS = 400;
/** max-concurrent-operations of the job below; the in-flight window is twice that (pipeline.inFlightPerConcurrency). */
const CONCURRENCY = 4;

/** `predictd status` as a child process against the daemon's admin API. */
function cliStatus(adminUrl: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'status', '--admin', adminUrl], { cwd: ROOT, env: { ...process.env, PREDICTD_LOG_LEVEL: 'silent' }, timeout: 60_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : null) : 0, stdout, stderr }),
    );
  });
}

/** The LAG cell of a job's row in the status table. */
function lagOf(table: string, job: string): string | undefined {
  const header = table.split('\n')[0]!.split(/\s{2,}/);
  const row = table.split('\n').find((l) => l.startsWith(`${job} `));
  return row?.split(/\s{2,}/)[header.indexOf('LAG')];
}

// Kafka -> ML_PREDICT (OpenAI wire, 40 ms a call) -> Kafka, paused and resumed over the admin API.
describe('pause and resume over the admin API (real Kafka)', () => {
  const kafka = testKafka();
  let admin: Admin;
  let emulator: OpenAIEmulator;
  let harness: DaemonHarness | undefined;

  beforeAll(async () => {
    admin = kafka.admin();
    await admin.connect();
    emulator = await OpenAIEmulator.start({ apiKeys: ['sk-ctl'], latencyMs: 40, respond: (req) => req.user.toUpperCase() });
  });
  afterAll(async () => {
    await harness?.stop();
    await emulator.close();
    await admin.disconnect();
  });

  const written = async (topic: string) => (await admin.fetchTopicOffsets(topic)).reduce((n, p) => n + Number(p.high), 0);

  it('stops output and model calls within a second, keeps lag visible, and resumes with nothing lost or duplicated; predictd status shows the lag falling to 0', async () => {
    const input = uniqueTopic('ctl-in');
    const output = uniqueTopic('ctl-out');
    await createTopic(admin, input, 2);
    await createTopic(admin, output, 1);
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: input, messages: Array.from({ length: ROWS }, (_, i) => ({ key: String(i), value: JSON.stringify({ id: i, text: `row ${i}` }) })) });
    await producer.disconnect();

    const port = await freePort();
    const adminUrl = `http://127.0.0.1:${port}`;
    harness = await startDaemon(
      {
        'ctl.sql': `
CREATE MODEL upper INPUT (text STRING) OUTPUT (out STRING) WITH (
  'provider' = 'openai', 'endpoint' = '${emulator.origin}/v1/chat/completions', 'api-key' = 'sk-ctl', 'model' = 'm');
CREATE TABLE src (id BIGINT, text STRING) WITH ('connector' = 'kafka', 'topic' = '${input}',
  'properties.bootstrap.servers' = '${testBrokers()}', 'properties.group.id' = '${input}-group',
  'scan.startup.mode' = 'earliest-offset', 'format' = 'json');
CREATE TABLE dst (id BIGINT, out STRING) WITH ('connector' = 'kafka', 'topic' = '${output}',
  'properties.bootstrap.servers' = '${testBrokers()}', 'format' = 'json');
INSERT INTO dst SELECT id, out FROM ML_PREDICT(TABLE src, MODEL upper, DESCRIPTOR(text), MAP['max-concurrent-operations', '${CONCURRENCY}']);
`,
      },
      { 'admin.port': port },
    );
    await waitFor('the job under way', async () => emulator.counters.chatRequests >= 40 && (await written(output)) >= 20, 60_000);

    const paused = await fetch(`${adminUrl}/jobs/ctl/pause`, { method: 'PUT' });
    expect(paused.status).toBe(202);
    // Calls already made may finish and be written; after a second nothing moves.
    await new Promise((r) => setTimeout(r, 1000));
    const callsAtOneSecond = emulator.counters.chatRequests;
    const rowsAtOneSecond = await written(output);
    await new Promise((r) => setTimeout(r, 2500));
    expect(emulator.counters.chatRequests).toBe(callsAtOneSecond);
    expect(await written(output)).toBe(rowsAtOneSecond);
    expect(rowsAtOneSecond).toBeLessThan(ROWS);

    // While paused: the member keeps its partitions, what was written is committed, and lag is known.
    const pausedStatus = await waitFor('lag while paused', async () => {
      const s = (await (await fetch(`${adminUrl}/jobs/ctl/status`)).json()) as { state: string; lag: number | null; inFlight: number; pipelines: Array<{ partitions: Array<{ topic: string; partition: number; committedOffset?: string; endOffset?: string; lag?: number }> }> };
      return s.lag !== null && s.pipelines[0]!.partitions.length === 2 ? s : undefined;
    });
    expect(pausedStatus.state).toBe('PAUSED');
    const parts = pausedStatus.pipelines[0]!.partitions;
    expect(parts.map((p) => p.partition).sort()).toEqual([0, 1]);
    expect(parts.reduce((n, p) => n + Number(p.endOffset), 0)).toBe(ROWS);
    const committed = parts.reduce((n, p) => n + Number(p.committedOffset ?? 0), 0);
    // Everything written is committed, except what sits in the in-flight window.
    expect(committed).toBeGreaterThanOrEqual(rowsAtOneSecond - 2 * CONCURRENCY);
    // A partition not read yet has no committed offset, so no lag (as kafka-consumer-groups shows '-').
    const known = parts.filter((p) => p.committedOffset !== undefined);
    for (const p of known) expect(p.lag).toBe(Number(p.endOffset) - Number(p.committedOffset));
    expect(pausedStatus.lag).toBe(known.reduce((n, p) => n + p.lag!, 0));
    expect(pausedStatus.lag).toBeGreaterThan(0);
    const whilePaused = await cliStatus(adminUrl);
    expect(whilePaused.code).toBe(0);
    expect(Number(lagOf(whilePaused.stdout, 'ctl'))).toBe(pausedStatus.lag);
    expect(whilePaused.stdout).toMatch(/^ctl\s+PAUSED\s/m);

    const resumed = await fetch(`${adminUrl}/jobs/ctl/resume`, { method: 'PUT' });
    expect(resumed.status).toBe(202);
    const out = await readTopic(kafka, output, (got) => new Set(got.map((m) => (JSON.parse(m.value) as { id: number }).id)).size >= ROWS, 120_000);
    const ids = out.map((m) => (JSON.parse(m.value) as { id: number; out: string }).id);
    expect(new Set(ids).size).toBe(ROWS);
    expect(ids.length - ROWS).toBeLessThanOrEqual(2 * CONCURRENCY);
    for (const m of out) {
      const r = JSON.parse(m.value) as { id: number; out: string };
      expect(r.out).toBe(`ROW ${r.id}`);
    }

    // Caught up: `predictd status` shows lag 0 once the last commit and end offsets are in.
    const caughtUp = await waitFor('lag 0 in predictd status', async () => {
      const run = await cliStatus(adminUrl);
      return run.code === 0 && lagOf(run.stdout, 'ctl') === '0' ? run : undefined;
    }, 60_000, 500);
    expect(caughtUp.stdout).toMatch(/^ctl\s+RUNNING\s/m);
    expect(harness.logs.filter((l) => /job failed|job restarting/.test(String(l['msg'])))).toEqual([]);
  }, 240_000);

  it('stays paused through rebalances (a member joins and leaves the group), then delivers every row', async () => {
    await harness?.stop();
    harness = undefined;
    const input = uniqueTopic('ctl-rb-in');
    const output = uniqueTopic('ctl-rb-out');
    const group = `${input}-group`;
    await createTopic(admin, input, 2);
    await createTopic(admin, output, 1);
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: input, messages: Array.from({ length: 200 }, (_, i) => ({ key: String(i), value: JSON.stringify({ id: i, text: `row ${i}` }) })) });
    await producer.disconnect();
    const port = await freePort();
    const adminUrl = `http://127.0.0.1:${port}`;
    harness = await startDaemon(
      {
        'rb.sql': `
CREATE MODEL upper INPUT (text STRING) OUTPUT (out STRING) WITH (
  'provider' = 'openai', 'endpoint' = '${emulator.origin}/v1/chat/completions', 'api-key' = 'sk-ctl', 'model' = 'm');
CREATE TABLE src (id BIGINT, text STRING) WITH ('connector' = 'kafka', 'topic' = '${input}',
  'properties.bootstrap.servers' = '${testBrokers()}', 'properties.group.id' = '${group}',
  'scan.startup.mode' = 'earliest-offset', 'format' = 'json');
CREATE TABLE dst (id BIGINT, out STRING) WITH ('connector' = 'kafka', 'topic' = '${output}',
  'properties.bootstrap.servers' = '${testBrokers()}', 'format' = 'json');
INSERT INTO dst SELECT id, out FROM ML_PREDICT(TABLE src, MODEL upper, DESCRIPTOR(text), MAP['max-concurrent-operations', '${CONCURRENCY}']);
`,
      },
      { 'admin.port': port },
    );
    await waitFor('the job under way', async () => (await written(output)) >= 10, 60_000);
    expect((await fetch(`${adminUrl}/jobs/rb/pause`, { method: 'PUT' })).status).toBe(202);
    await new Promise((r) => setTimeout(r, 1000));
    const calls = emulator.counters.chatRequests;
    const rows = await written(output);

    // A second member joins (it reads nothing: it pauses at once and commits nothing), then leaves.
    const other = kafka.consumer({ groupId: group, sessionTimeout: 10_000, rebalanceTimeout: 20_000 });
    await other.connect();
    await other.subscribe({ topics: [input] });
    await other.run({ autoCommit: false, eachBatchAutoResolve: false, eachBatch: async () => {} });
    other.pause([{ topic: input }]);
    await waitFor('two members', async () => (await admin.describeGroups([group])).groups[0]!.members.length === 2, 60_000, 250);
    await new Promise((r) => setTimeout(r, 2000));
    await other.disconnect();
    await waitFor('one member again', async () => (await admin.describeGroups([group])).groups[0]!.members.length === 1, 60_000, 250);
    await new Promise((r) => setTimeout(r, 2000));
    // Through both rebalances the job stayed in the group, PAUSED, calling and writing nothing.
    expect(harness.daemon.jobManager.job('rb')!.state).toBe('PAUSED');
    expect(harness.logs.filter((l) => l['msg'] === 'kafka source: partitions assigned').length).toBeGreaterThanOrEqual(3);
    expect(emulator.counters.chatRequests).toBe(calls);
    expect(await written(output)).toBe(rows);

    expect((await fetch(`${adminUrl}/jobs/rb/resume`, { method: 'PUT' })).status).toBe(202);
    const out = await readTopic(kafka, output, (got) => new Set(got.map((m) => (JSON.parse(m.value) as { id: number }).id)).size >= 200, 120_000);
    expect(new Set(out.map((m) => (JSON.parse(m.value) as { id: number }).id)).size).toBe(200);
    expect(out.length - 200).toBeLessThanOrEqual(2 * CONCURRENCY);
  }, 240_000);
});
