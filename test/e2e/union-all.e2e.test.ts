import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Admin } from 'kafkajs';
import { createTopic, testBrokers, testKafka, uniqueTopic } from '../broker/kafka-test-helpers.js';
import { startDaemon, waitFor } from './support/daemon-harness.js';
import { readTopic } from './support/topics.js';

/**
 * Two Kafka topics -> UNION ALL (each input with its own filter, projection and CROSS JOIN
 * UNNEST) -> one Kafka topic, through a real broker: every row arrives once, and each input's
 * consumer group commits all of its own topic's records.
 */
describe('UNION ALL of two Kafka tables, end to end', () => {
  const kafka = testKafka();
  let admin: Admin;

  beforeAll(async () => {
    admin = kafka.admin();
    await admin.connect();
  });
  afterAll(async () => {
    await admin.disconnect();
  });

  async function committed(group: string, topic: string): Promise<number> {
    const res = await admin.fetchOffsets({ groupId: group, topics: [topic] });
    return res[0]!.partitions.reduce((n, p) => n + Math.max(0, Number(p.offset)), 0);
  }

  it('writes the rows of both topics and commits each topic in its own group', async () => {
    const [web, tickets, out] = [uniqueTopic('union-web'), uniqueTopic('union-tickets'), uniqueTopic('union-out')];
    const [webGroup, ticketGroup] = [uniqueTopic('union-web-group'), uniqueTopic('union-tickets-group')];
    await createTopic(admin, web, 2);
    await createTopic(admin, tickets, 1);
    await createTopic(admin, out, 1);
    const producer = kafka.producer();
    await producer.connect();
    const N = 100;
    await producer.send({ topic: web, messages: Array.from({ length: N }, (_, i) => ({ key: String(i), value: JSON.stringify({ id: i, question: `q${i}` }) })) });
    await producer.send({
      topic: tickets,
      messages: Array.from({ length: N }, (_, i) => ({ value: JSON.stringify({ ticket: i, lang: i % 2 === 0 ? 'en' : 'de', lines: [`t${i}a`, `t${i}b`] }) })),
    });
    await producer.disconnect();
    const kafkaTable = (name: string, topic: string, group: string, columns: string) =>
      `CREATE TABLE ${name} (${columns}) WITH ('connector' = 'kafka', 'topic' = '${topic}', 'properties.bootstrap.servers' = '${testBrokers()}',
  'properties.group.id' = '${group}', 'scan.startup.mode' = 'earliest-offset', 'format' = 'json');`;
    const harness = await startDaemon({
      'union.sql': `
${kafkaTable('web', web, webGroup, 'id BIGINT, question STRING')}
${kafkaTable('tickets', tickets, ticketGroup, 'ticket INT, lang STRING, lines ARRAY<STRING>')}
CREATE TABLE merged (id BIGINT, text STRING) WITH ('connector' = 'kafka', 'topic' = '${out}', 'properties.bootstrap.servers' = '${testBrokers()}', 'format' = 'json');
INSERT INTO merged
SELECT id, question FROM web
UNION ALL
SELECT 1000 + ticket, line FROM tickets CROSS JOIN UNNEST(lines) AS l(line) WHERE lang = 'en';
`,
    });
    try {
      // 100 web rows + 50 English tickets x 2 lines.
      const rows = await readTopic(kafka, out, (values) => values.length >= 200, 120_000);
      const texts = rows.map((r) => (JSON.parse(r.value) as { id: number; text: string }).text).sort();
      const expected = [...Array.from({ length: N }, (_, i) => `q${i}`), ...Array.from({ length: N / 2 }, (_, k) => [`t${2 * k}a`, `t${2 * k}b`]).flat()].sort();
      expect(texts).toEqual(expected);
      await waitFor('both groups to commit every record', async () => (await committed(webGroup, web)) === N && (await committed(ticketGroup, tickets)) === N, 30_000);
    } finally {
      await harness.stop();
    }
    expect(await committed(webGroup, web)).toBe(N);
    expect(await committed(ticketGroup, tickets)).toBe(N);
  }, 180_000);
});
