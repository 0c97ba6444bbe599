import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTopic, testBrokers, uniqueTopic } from '../broker/kafka-test-helpers.js';
import { startLocalRegistry, type RunningRegistry } from '../registry/local-registry.js';
import { resolveRegistryJar } from '../registry/registry-build.js';
import { kafkaDaemonSuite } from './support/kafka-daemon-suite.js';
import { readTopics, type ReadMessage } from './support/topics.js';

/**
 * Confluent-Avro through the real broker and a real registry (Apicurio's Confluent-compatible
 * API): a producer writes records with its own schema, predictd reads them by schema id, calls
 * the model and writes Avro records under the schema it derives from the sink table, which a
 * consumer decodes with the registry. Records that are not Confluent-Avro, or name an id the
 * registry does not know, are routed to the dead-letter topic; a registry that goes down
 * mid-run only delays records.
 */
const registryUrl = inject('schemaRegistryUrl');
const skipped = inject('schemaRegistrySkipped');
if (!registryUrl) console.warn(`avro-registry e2e tests skipped: ${skipped}`);

/** The producer's schema: its own names, a field the table does not have, a nullable one. */
const QUESTION_V1 = {
  type: 'record',
  name: 'Question',
  namespace: 'com.acme',
  fields: [
    { name: 'id', type: 'long' },
    { name: 'text', type: 'string' },
    { name: 'source', type: 'string' },
    { name: 'lang', type: ['null', 'string'], default: null },
  ],
};
/** A compatible evolution (BACKWARD: the new field has a default): a new schema id predictd has not seen. */
const QUESTION_V2 = { ...QUESTION_V1, fields: [...QUESTION_V1.fields, { name: 'priority', type: 'int', default: 0 }] };

interface Answer {
  id: number;
  text: string;
  label: string | null;
}

function jobSql(t: { input: string; output: string; dlq: string; group: string }, registry: string, emulator: string): string {
  return `
CREATE MODEL labeler INPUT (text STRING) OUTPUT (label STRING) WITH (
  'provider' = 'openai', 'endpoint' = '${emulator}/v1/chat/completions', 'api-key' = 'sk-avro', 'model' = 'gpt-4o-mini');
CREATE TABLE questions (id BIGINT NOT NULL, text STRING, lang STRING) WITH (
  'connector' = 'kafka', 'topic' = '${t.input}', 'properties.bootstrap.servers' = '${testBrokers()}',
  'properties.group.id' = '${t.group}', 'scan.startup.mode' = 'earliest-offset',
  'format' = 'avro-confluent', 'avro-confluent.url' = '${registry}',
  'errors.tolerance' = 'all', 'errors.deadletterqueue.topic.name' = '${t.dlq}',
  'properties.session.timeout.ms' = '6000', 'properties.heartbeat.interval.ms' = '1000');
CREATE TABLE answers (id BIGINT NOT NULL, text STRING, label STRING) WITH (
  'connector' = 'kafka', 'topic' = '${t.output}', 'properties.bootstrap.servers' = '${testBrokers()}',
  'key.format' = 'avro-confluent', 'key.avro-confluent.url' = '${registry}', 'key.fields' = 'id',
  'value.format' = 'avro-confluent', 'value.avro-confluent.url' = '${registry}');
INSERT INTO answers SELECT id, text, label
FROM ML_PREDICT(TABLE questions, MODEL labeler, DESCRIPTOR(text), MAP['max-concurrent-operations', '8']);
`;
}

describe.skipIf(!registryUrl)('avro-confluent with a real schema registry, end to end', () => {
  const suite = kafkaDaemonSuite('avro', { apiKeys: ['sk-avro'], latencyMs: 2, respond: (req) => `label-${req.user}` });
  const { kafka } = suite;

  async function setUp(name: string, registry: string) {
    const t = { input: uniqueTopic(`${name}-in`), output: uniqueTopic(`${name}-out`), dlq: uniqueTopic(`${name}-dlq`), group: uniqueTopic(`${name}-group`) };
    for (const topic of [t.input, t.output, t.dlq]) await createTopic(suite.admin, topic, topic === t.input ? 2 : 1);
    const jobs = join(suite.dir, name);
    await mkdir(jobs);
    await writeFile(join(jobs, `${name}.sql`), jobSql(t, registry, suite.emulator.origin));
    return { ...t, jobs };
  }

  async function produce(topic: string, messages: Array<{ key: string; value: Buffer }>): Promise<void> {
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic, messages });
    await producer.disconnect();
  }

  async function questions(registry: SchemaRegistry, topic: string, schema: object, ids: readonly number[]) {
    const { id } = await registry.register({ type: SchemaType.AVRO, schema: JSON.stringify(schema) }, { subject: `${topic}-value` });
    return Promise.all(
      ids.map(async (n) => ({ key: String(n), value: await registry.encode(id, { id: n, text: `q${n}`, source: 'web', lang: n % 2 ? 'en' : null, priority: 1 }) })),
    );
  }

  async function decodeAnswers(registry: SchemaRegistry, rows: readonly ReadMessage[]): Promise<Answer[]> {
    return Promise.all(rows.map(async (m) => (await registry.decode(m.value)) as Answer));
  }

  it('reads Confluent-Avro by schema id, writes Avro under the derived schema, routes records it cannot read', async () => {
    const t = await setUp('avro', registryUrl);
    const registry = new SchemaRegistry({ host: registryUrl });
    const ids = Array.from({ length: 60 }, (_, i) => i);
    const good = await questions(registry, t.input, QUESTION_V1, ids);
    const poison = [
      { key: 'json', value: Buffer.from('{"id":1,"text":"not avro"}') },
      // Framed like Confluent-Avro, but with an id the registry never gave out.
      { key: 'unknown-id', value: Buffer.from([0, 0x7f, 0xff, 0xff, 0xf0, 2, 0]) },
    ];
    await produce(t.input, [...good.slice(0, 30), ...poison, ...good.slice(30)]);

    const daemon = suite.daemon(t.jobs, 'avro.log');
    const got = await readTopics(kafka, [t.output, t.dlq], (g) => g.get(t.output)!.length >= ids.length && g.get(t.dlq)!.length >= poison.length, 120_000);

    const out = got.get(t.output)!;
    const answers = await decodeAnswers(registry, out);
    expect(answers.map((a) => a.id).sort((a, b) => a - b)).toEqual(ids);
    for (const a of answers) expect(a).toEqual({ id: a.id, text: `q${a.id}`, label: `label-q${a.id}` });
    // The key is Avro too, under its own subject: a record of the one key column.
    // (Its bytes are all below 0x80 for these ids, so the reader's text form keeps them.)
    for (const [i, m] of out.entries()) expect(await registry.decode(Buffer.from(m.key!, 'latin1'))).toEqual({ id: answers[i]!.id });

    // predictd registered the schema Flink derives from the sink table under '<topic>-value' and '<topic>-key'.
    const valueId = await registry.getLatestSchemaId(`${t.output}-value`);
    const written = JSON.parse(JSON.stringify(await registry.getSchema(valueId))) as { name: string; fields: Array<{ name: string; type: unknown }> };
    expect(written.name).toBe('org.apache.flink.avro.generated.record');
    expect(written.fields.map((f) => [f.name, f.type])).toEqual([
      ['id', 'long'],
      ['text', ['null', 'string']],
      ['label', ['null', 'string']],
    ]);
    expect(await registry.getLatestSchemaId(`${t.output}-key`)).toBeGreaterThan(0);

    const dead = got.get(t.dlq)!;
    expect(dead.map((d) => d.key).sort()).toEqual(['json', 'unknown-id']);
    for (const d of dead) {
      expect(d.headers['__predictd.errors.stage']).toBe('decode');
      expect(d.headers['__predictd.errors.exception.code']).toBe('PD4301');
    }
    expect(dead.find((d) => d.key === 'unknown-id')!.headers['__predictd.errors.exception.message']).toMatch(/no schema with id 2147483632.*PD4322/);

    daemon.child.kill('SIGTERM');
    expect(await daemon.exited).toEqual({ code: 0, signal: null });
  }, 240_000);

  describe.skipIf(!!skipped)('with a registry that goes down mid-run', () => {
    let own: RunningRegistry;
    beforeAll(async () => {
      own = await startLocalRegistry(await resolveRegistryJar());
    }, 180_000);
    afterAll(async () => {
      await own?.stop();
    });

    it('loses nothing: records of a schema it has not seen wait for the registry, none is routed or skipped', async () => {
      const t = await setUp('avrorestart', own.url);
      const registry = new SchemaRegistry({ host: own.url });
      const before = Array.from({ length: 40 }, (_, i) => i);
      const during = Array.from({ length: 40 }, (_, i) => 100 + i);
      await produce(t.input, await questions(registry, t.input, QUESTION_V1, before));
      // Encoded now, produced while the registry is down: predictd must fetch this new id then.
      const v2 = await questions(registry, t.input, QUESTION_V2, during);

      const daemon = suite.daemon(t.jobs, 'avrorestart.log');
      await readTopics(kafka, [t.output], (g) => g.get(t.output)!.length >= before.length, 120_000);

      await own.halt();
      await produce(t.input, v2);
      // The registry stays down for a while: the new records wait (retried with backoff), nothing goes to the DLQ.
      await new Promise((r) => setTimeout(r, 6_000));
      const meanwhile = await readTopics(kafka, [t.output, t.dlq], () => false, 3_000).catch((err: Error) => err);
      expect(String(meanwhile)).toMatch(new RegExp(`${before.length}, 0 messages so far`));
      // ... because predictd could not fetch the new writer schema, and said so (PD4310), not because it saw nothing.
      expect(await readFile(join(suite.dir, 'avrorestart.log'), 'utf8')).toMatch(/PD4310.*a format service is unavailable|a format service is unavailable.*PD4310/);

      await own.restart();
      const got = await readTopics(kafka, [t.output, t.dlq], (g) => g.get(t.output)!.length >= before.length + during.length, 120_000);
      const answers = await decodeAnswers(new SchemaRegistry({ host: own.url }), got.get(t.output)!);
      expect([...new Set(answers.map((a) => a.id))].sort((a, b) => a - b)).toEqual([...before, ...during]);
      expect(got.get(t.dlq)).toEqual([]);

      daemon.child.kill('SIGTERM');
      expect(await daemon.exited).toEqual({ code: 0, signal: null });
    }, 300_000);
  });
});
