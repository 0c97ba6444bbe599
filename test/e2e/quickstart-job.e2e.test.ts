import { readFileSync } from 'node:fs';
import { Kafka, logLevel } from 'kafkajs';
import { afterEach, describe, expect, it } from 'vitest';
import { createTopic, testBrokers, uniqueTopic } from '../broker/kafka-test-helpers.js';
import { startDaemon, waitFor, type DaemonHarness } from './support/daemon-harness.js';

/** The quickstart job as `npm run quickstart` and docker/compose.yaml run it, on topics of its own. */
describe('the Kafka quickstart job (config/quickstart)', () => {
  let harness: DaemonHarness | undefined;
  afterEach(async () => {
    await harness?.stop();
    harness = undefined;
  });

  it('predicts the sentiment of every demo review, from topic to topic, with the bootstrap servers read from ${KAFKA_BOOTSTRAP_SERVERS}', async () => {
    const [input, output, group] = [uniqueTopic('reviews'), uniqueTopic('review-sentiment'), uniqueTopic('predictd-quickstart')];
    const sql = readFileSync('config/quickstart/review-sentiment.sql', 'utf8')
      .replace("'topic' = 'reviews'", `'topic' = '${input}'`)
      .replace("'topic' = 'review-sentiment'", `'topic' = '${output}'`)
      .replace("'properties.group.id' = 'predictd-quickstart'", `'properties.group.id' = '${group}'`);
    expect(sql).toContain(input);
    expect(sql).toContain(output);
    const kafka = new Kafka({ brokers: [testBrokers()], logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    await createTopic(admin, input);
    await createTopic(admin, output);
    await admin.disconnect();
    const reviews = readFileSync('config/quickstart/reviews.jsonl', 'utf8').split('\n').filter((l) => l.trim() !== '');
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: input, messages: reviews.map((value) => ({ value })) });
    await producer.disconnect();

    process.env['KAFKA_BOOTSTRAP_SERVERS'] = testBrokers();
    harness = await startDaemon({ 'review-sentiment.sql': sql });
    const consumer = kafka.consumer({ groupId: uniqueTopic('reader') });
    const rows: Array<Record<string, string>> = [];
    await consumer.connect();
    await consumer.subscribe({ topic: output, fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void rows.push(JSON.parse(message.value!.toString()) as Record<string, string>) });
    try {
      await waitFor('eight predictions', () => rows.length >= reviews.length, 60_000);
    } finally {
      await consumer.disconnect();
    }
    expect(rows.map((r) => [r['review_id'], r['sentiment']])).toEqual([
      ['r1', 'positive'], ['r2', 'negative'], ['r3', 'neutral'], ['r4', 'positive'],
      ['r5', 'negative'], ['r6', 'neutral'], ['r7', 'positive'], ['r8', 'negative'],
    ]);
    expect(rows[0]).toEqual({ review_id: 'r1', product: 'Aurora headphones', sentiment: 'positive' });
  }, 90_000);
});
