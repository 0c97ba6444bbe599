import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createTopic, testBrokers, uniqueTopic } from '../broker/kafka-test-helpers.js';
import { kafkaDaemonSuite } from './support/kafka-daemon-suite.js';
import { readTopics, type ReadMessage } from './support/topics.js';

/**
 * Kafka -> SELECT with a CAST -> ML_PREDICT -> Kafka, with 'errors.tolerance' = 'all' and a dead-letter
 * topic. Poison records of each kind (a value that is not JSON, an amount whose CAST fails, a text the
 * model answers 400) land in the dead-letter topic with their original bytes and the error headers; the
 * good rows reach the sink; the committed offsets cover every record, also across kill -9.
 */
type Poison = 'decode' | 'transform' | 'predict';

function poisonOf(id: number): Poison | undefined {
  if (id % 25 === 7) return 'decode';
  if (id % 25 === 13) return 'transform';
  if (id % 25 === 19) return 'predict';
  return undefined;
}

function valueOf(id: number): Buffer {
  switch (poisonOf(id)) {
    case 'decode':
      return Buffer.from([0x7b, 0x22, 0x69, 0x64, 0x22, 0x3a, 0xff, 0x00]); // '{"id":' and bytes that are no JSON
    case 'transform':
      return Buffer.from(JSON.stringify({ id, amount: `not-a-number-${id}`, text: `t${id}` }));
    case 'predict':
      return Buffer.from(JSON.stringify({ id, amount: String(id), text: `poison-${id}` }));
    default:
      return Buffer.from(JSON.stringify({ id, amount: String(id), text: `t${id}` }));
  }
}

describe('dead-letter topic, end to end', () => {
  const suite = kafkaDaemonSuite('dlq', {
    apiKeys: ['sk-dlq'],
    latencyMs: 5,
    respond: (req) => `label-${req.user}`,
    failFor: (user) => (user.startsWith('poison-') ? { status: 400 } : undefined),
  });
  const { kafka } = suite;

  async function setUp(name: string, records: number, partitions: number) {
    const input = uniqueTopic(`${name}-in`);
    const output = uniqueTopic(`${name}-out`);
    const dlq = uniqueTopic(`${name}-dlq`);
    const group = uniqueTopic(`${name}-group`);
    await createTopic(suite.admin, input, partitions);
    await createTopic(suite.admin, output, 1);
    // The reader subscribes before the first poison record; the source's own creation of a missing
    // dead-letter topic is covered by the Kafka source tests.
    await createTopic(suite.admin, dlq, 1);
    await suite.produce(input, records, (id) => ({ key: String(id), value: valueOf(id), headers: { 'x-origin': `producer-${id}` } }), 500);
    const jobs = join(suite.dir, name);
    await mkdir(jobs);
    await writeFile(
      join(jobs, `${name}.sql`),
      `
CREATE MODEL labeler INPUT (text STRING) OUTPUT (label STRING) WITH (
  'provider' = 'openai', 'endpoint' = '${suite.emulator.origin}/v1/chat/completions', 'api-key' = '\${DLQ_KEY}', 'model' = 'gpt-4o-mini');
CREATE TABLE src (id BIGINT, amount STRING, text STRING) WITH (
  'connector' = 'kafka', 'topic' = '${input}', 'properties.bootstrap.servers' = '${testBrokers()}',
  'properties.group.id' = '${group}', 'scan.startup.mode' = 'earliest-offset', 'format' = 'json',
  'errors.tolerance' = 'all', 'errors.deadletterqueue.topic.name' = '${dlq}',
  'properties.session.timeout.ms' = '6000', 'properties.heartbeat.interval.ms' = '1000');
CREATE TABLE dst (id BIGINT, amount INT, label STRING) WITH (
  'connector' = 'kafka', 'topic' = '${output}', 'properties.bootstrap.servers' = '${testBrokers()}', 'format' = 'json');
CREATE VIEW typed AS SELECT id, CAST(amount AS INT) AS amount, text FROM src;
INSERT INTO dst SELECT id, amount, label
FROM ML_PREDICT(TABLE typed, MODEL labeler, DESCRIPTOR(text), MAP['max-concurrent-operations', '8']);
`,
    );
    return { input, output, dlq, group, jobs, job: name };
  }

  const ids = (n: number) => Array.from({ length: n }, (_, i) => i);
  const sinkIds = (rows: readonly ReadMessage[]) => new Set(rows.map((r) => (JSON.parse(r.value.toString()) as { id: number }).id));
  const dlqIds = (rows: readonly ReadMessage[]) => new Set(rows.map((r) => Number(r.key)));

  async function committedTotal(group: string, topic: string): Promise<number> {
    const res = await suite.admin.fetchOffsets({ groupId: group, topics: [topic] });
    return res[0]!.partitions.reduce((n, p) => n + Math.max(0, Number(p.offset)), 0);
  }

  it('routes poison records with their bytes and error headers, writes the good ones and commits past both', async () => {
    const RECORDS = 200;
    const t = await setUp('dlq', RECORDS, 2);
    const daemon = suite.daemon(t.jobs, 'dlq.log', { DLQ_KEY: 'sk-dlq' });
    const poison = ids(RECORDS).filter((id) => poisonOf(id) !== undefined);
    const good = ids(RECORDS).filter((id) => poisonOf(id) === undefined);
    const got = await readTopics(kafka, [t.output, t.dlq], (g) => g.get(t.output)!.length >= good.length && g.get(t.dlq)!.length >= poison.length, 120_000);

    const out = got.get(t.output)!;
    expect([...sinkIds(out)].sort((a, b) => a - b)).toEqual(good);
    for (const r of out) {
      const row = JSON.parse(r.value.toString()) as { id: number; amount: number; label: string };
      expect(row).toEqual({ id: row.id, amount: row.id, label: `label-t${row.id}` });
    }

    const dead = got.get(t.dlq)!;
    expect([...dlqIds(dead)].sort((a, b) => a - b)).toEqual(poison);
    for (const d of dead) {
      const id = Number(d.key);
      const stage = poisonOf(id)!;
      expect(d.value.equals(valueOf(id))).toBe(true);
      expect(d.headers['x-origin']).toBe(`producer-${id}`);
      const h = (k: string) => d.headers[`__predictd.errors.${k}`];
      expect(h('stage')).toBe(stage);
      expect(h('topic')).toBe(t.input);
      expect(Number(h('partition'))).toBeGreaterThanOrEqual(0);
      expect(Number(h('offset'))).toBeGreaterThanOrEqual(0);
      expect(h('job.id')).toBe(t.job);
      expect(h('connector.name')).toBe('src');
      expect(Number(h('timestamp'))).toBeGreaterThan(Date.now() - 600_000);
      expect(h('exception.message')).toBeTruthy();
      if (stage === 'decode') {
        expect([h('class.name'), h('exception.class.name'), h('exception.code')]).toEqual(['predictd.format.json', 'KafkaConnectorError', 'PD4301']);
      } else if (stage === 'transform') {
        expect([h('class.name'), h('exception.class.name'), h('exception.code')]).toEqual(['predictd.expression', 'RowError', 'PD4402']);
        expect(h('exception.message')).toContain(`not-a-number-${id}`);
      } else {
        expect([h('class.name'), h('model'), h('http.status')]).toEqual(['predictd.ml_predict', 'labeler', '400']);
      }
      expect(JSON.stringify(d.headers)).not.toContain('sk-dlq');
    }
    // Offsets are committed as records are acked (after the sink or the dead-letter topic acknowledged them).
    const deadline = Date.now() + 30_000;
    while ((await committedTotal(t.group, t.input)) < RECORDS && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    expect(await committedTotal(t.group, t.input)).toBe(RECORDS);

    daemon.child.kill('SIGTERM');
    expect(await daemon.exited).toEqual({ code: 0, signal: null });
    expect(await committedTotal(t.group, t.input)).toBe(RECORDS);
  }, 240_000);

  it('loses no record across kill -9: every input id is in the sink or the dead-letter topic', async () => {
    const RECORDS = 3000;
    const t = await setUp('dlqcrash', RECORDS, 3);
    const env = { DLQ_KEY: 'sk-dlq' };
    const first = suite.daemon(t.jobs, 'dlqcrash-first.log', env);
    await readTopics(kafka, [t.output, t.dlq], (g) => g.get(t.output)!.length >= 300 && g.get(t.dlq)!.length >= 10, 120_000);
    first.child.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');
    // Killed mid-run: part of the input is not committed yet.
    expect(await committedTotal(t.group, t.input)).toBeLessThan(RECORDS);

    const second = suite.daemon(t.jobs, 'dlqcrash-second.log', env);
    const all = (g: Map<string, ReadMessage[]>) => sinkIds(g.get(t.output)!).size + dlqIds(g.get(t.dlq)!).size >= RECORDS;
    const got = await readTopics(kafka, [t.output, t.dlq], all, 180_000);
    const seen = new Set([...sinkIds(got.get(t.output)!), ...dlqIds(got.get(t.dlq)!)]);
    expect(ids(RECORDS).filter((id) => !seen.has(id))).toEqual([]);
    // No record is in both: the dead-letter topic holds exactly the poison ones.
    expect([...dlqIds(got.get(t.dlq)!)].sort((a, b) => a - b)).toEqual(ids(RECORDS).filter((id) => poisonOf(id) !== undefined));

    second.child.kill('SIGTERM');
    expect(await second.exited).toEqual({ code: 0, signal: null });
    expect(await committedTotal(t.group, t.input)).toBe(RECORDS);
  }, 400_000);
});
