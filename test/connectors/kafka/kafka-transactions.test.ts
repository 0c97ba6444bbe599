import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Admin } from 'kafkajs';
import { compileClientSettings } from '../../../connectors/kafka/client-settings.js';
import { KafkaTransactions } from '../../../connectors/kafka/kafka-transactions.js';
import type { ProgressCut, TransactionalProgress, TransactionHooks } from '../../../src/spi/source.js';
import { createTopic, testBrokers, testKafka, uniqueTopic } from '../../broker/kafka-test-helpers.js';
import { silentLogger } from '../../support/silent-logger.js';
import { kafkaTable } from './kafka-test-support.js';

/** A source's side that always has a cut (everything acked) and records what the sink told it. */
class FakeProgress implements TransactionalProgress {
  readonly commits: ProgressCut[] = [];
  readonly aborts: Error[] = [];
  hooks: TransactionHooks | undefined;
  owner() {
    return 'in-0.1';
  }
  cut(): ProgressCut {
    return { group: 'g', epoch: 1, offsets: [] };
  }
  committed(cut: ProgressCut) {
    this.commits.push(cut);
  }
  holdForCut() {}
  aborted(error: Error) {
    this.aborts.push(error);
  }
  bind(hooks: TransactionHooks) {
    this.hooks = hooks;
  }
}

const live = new AbortController().signal;

describe('KafkaTransactions (real broker)', () => {
  const kafka = testKafka();
  let admin: Admin;
  const open: KafkaTransactions[] = [];

  beforeAll(async () => {
    admin = kafka.admin();
    await admin.connect();
  });
  afterAll(async () => {
    for (const t of open) await t.close().catch(() => {});
    await admin.disconnect();
  });

  function transactions(topic: string, prefix: string) {
    const table = kafkaTable([], { topic, 'properties.bootstrap.servers': testBrokers(), format: 'json' });
    const t = new KafkaTransactions({
      table: 'dst',
      topic,
      kafka,
      options: { idPrefix: prefix, commitIntervalMs: 50, maxRecords: 1000, timeoutMs: 10_000 },
      producer: compileClientSettings(table.options, 'j').producer,
      partitioner: 'default',
      log: silentLogger(),
    });
    open.push(t);
    const progress = new FakeProgress();
    t.attach(progress);
    return { t, progress };
  }

  it('commits on its interval, and a producer with the same id fences the old one (whose next write fails PD4311)', async () => {
    const topic = uniqueTopic('eos-fence');
    await createTopic(admin, topic, 1);
    const prefix = uniqueTopic('fence');
    const first = transactions(topic, prefix);
    await first.t.send([{ value: '1' }], live);
    await expect.poll(() => first.progress.commits.length, { timeout: 10_000 }).toBe(1);

    // The same partitions under the same prefix: a restarted instance, and the first is its zombie.
    const second = transactions(topic, prefix);
    await second.t.send([{ value: '2' }], live);
    await expect(first.t.send([{ value: 'zombie' }], live)).rejects.toMatchObject({ code: 'PD4311', permanent: true });
    expect(first.progress.aborts).toHaveLength(1);
    await expect(first.t.send([{ value: 'again' }], live)).rejects.toMatchObject({ code: 'PD4311' });
    await expect.poll(() => second.progress.commits.length, { timeout: 10_000 }).toBe(1);

    const consumer = kafka.consumer({ groupId: uniqueTopic('reader'), readUncommitted: false, maxWaitTimeInMs: 100 });
    const seen: string[] = [];
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void seen.push(message.value!.toString()) });
    await expect.poll(() => seen.length, { timeout: 15_000 }).toBe(2);
    await new Promise((r) => setTimeout(r, 500));
    await consumer.disconnect();
    expect(seen).toEqual(['1', '2']);
  }, 60_000);

  it('never commits a transaction holding a write its caller gave up at a hard stop (its records are never acked)', async () => {
    const topic = uniqueTopic('eos-abandon');
    await createTopic(admin, topic, 1);
    const { t, progress } = transactions(topic, uniqueTopic('abandon'));
    const hardStop = new AbortController();
    // Aborted while the send is under way (the producer is still connecting): the rows reach the transaction.
    const sent = t.send([{ value: 'given-up' }], hardStop.signal);
    setTimeout(() => hardStop.abort(new Error('hard stop')), 0);
    await sent;
    await expect.poll(() => progress.aborts.length, { timeout: 10_000 }).toBe(1);
    expect(progress.commits).toEqual([]);
    // Given up before its turn: nothing is sent at all.
    const late = new AbortController();
    late.abort(new Error('hard stop'));
    await expect(t.send([{ value: 'never' }], late.signal)).rejects.toThrow('hard stop');
  }, 30_000);

  it('without a Kafka source it refuses to run (PD4312)', () => {
    const t = new KafkaTransactions({
      table: 'dst',
      topic: 'x',
      kafka,
      options: { idPrefix: 'p', commitIntervalMs: 50, maxRecords: 10, timeoutMs: 10_000 },
      producer: compileClientSettings(kafkaTable([], { topic: 'x', 'properties.bootstrap.servers': testBrokers(), format: 'json' }).options, 'j').producer,
      partitioner: 'default',
      log: silentLogger(),
    });
    expect(() => t.attach(undefined)).toThrow(expect.objectContaining({ code: 'PD4312' }));
  });
});
