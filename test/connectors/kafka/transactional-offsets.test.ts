import { describe, expect, it } from 'vitest';
import { OffsetCheckpointer, PartitionCheckpoint } from '../../../connectors/kafka/offset-checkpointer.js';
import { transactionalId } from '../../../connectors/kafka/kafka-transactions.js';
import { TransactionalOffsets } from '../../../connectors/kafka/transactional-offsets.js';
import { compileClientSettings } from '../../../connectors/kafka/client-settings.js';
import { compileTableOptions } from '../../../connectors/kafka/kafka-table-options.js';
import { kafkaTable } from './kafka-test-support.js';

describe('PartitionCheckpoint.consistent (exactly-once cuts)', () => {
  it('is false exactly while an acked record lies past one still in flight', () => {
    const cp = new PartitionCheckpoint('t', 0, 1);
    for (const o of [0, 1, 2, 3]) cp.track(o);
    expect(cp.consistent).toBe(true);
    cp.ack(2);
    expect(cp.consistent).toBe(false);
    cp.ack(0);
    expect(cp.consistent).toBe(false); // 1 is still in flight, 2 is past it
    cp.ack(1);
    expect(cp.consistent).toBe(true);
    expect(cp.position()).toBe(3);
    cp.ack(3);
    expect(cp.consistent).toBe(true);
    expect(cp.position()).toBe(4);
  });
});

function setup() {
  const checkpointer = new OffsetCheckpointer();
  const failures: Error[] = [];
  const offsets = new TransactionalOffsets(checkpointer, 'g', (err) => failures.push(err));
  return { checkpointer, offsets, failures };
}

describe('TransactionalOffsets', () => {
  it('offers a cut of the acked prefix only when it is consistent, and records the commit', () => {
    const { checkpointer, offsets } = setup();
    checkpointer.assign([{ topic: 'b', partition: 1 }, { topic: 'a', partition: 0 }, { topic: 'b', partition: 0 }]);
    expect(offsets.owner()).toBe('a-0_b-0.1');
    const cp = checkpointer.partition('a', 0)!;
    const r = [0, 1, 2].map((o) => checkpointer.track(cp, o));
    r[1]!.ack();
    expect(offsets.cut()).toBeUndefined();
    r[0]!.ack();
    const cut = offsets.cut()!;
    expect(cut).toEqual({ group: 'g', epoch: 1, offsets: [{ topic: 'a', partition: 0, offset: '2' }] });
    offsets.committed(cut);
    expect(cp.committed).toBe(2);
    expect(offsets.cut()!.offsets).toEqual([]);
    expect(offsets.commits).toBe(1);
  });

  it('holds reading (a full window) until the commit that waited for a cut went', async () => {
    const { checkpointer, offsets } = setup();
    checkpointer.assign([{ topic: 'a', partition: 0 }]);
    let innerFull = false;
    const flow = offsets.flow({ get full() { return innerFull; }, drained: async () => {} });
    expect(flow.full).toBe(false);
    offsets.holdForCut();
    expect(flow.full).toBe(true);
    let drained = false;
    const waiting = flow.drained(new AbortController().signal).then(() => (drained = true));
    await Promise.resolve();
    expect(drained).toBe(false);
    offsets.committed({ group: 'g', epoch: 1, offsets: [] });
    await waiting;
    expect(flow.full).toBe(false);
    innerFull = true;
    expect(flow.full).toBe(true);
  });

  it('after a reassignment with uncommitted records offers no cut again; an aborted transaction fails the source', () => {
    const { offsets, failures } = setup();
    expect(offsets.reassigned(0)).toBe(true);
    expect(offsets.cut()).toBeDefined();
    expect(offsets.reassigned(3)).toBe(false);
    expect(offsets.cut()).toBeUndefined();
    const err = new Error('aborted');
    offsets.aborted(err);
    expect(failures).toEqual([err]);
  });

  it('names the transactional id after the prefix and the partitions, hashed when long', () => {
    expect(transactionalId('job-a', 'in-0.1.2.3')).toBe('job-a-in-0.1.2.3');
    const long = transactionalId('job-a', `in-${Array.from({ length: 200 }, (_, i) => i).join('.')}`);
    expect(long).toMatch(/^job-a-[0-9a-f]{32}$/);
  });
});

describe("'properties.isolation.level'", () => {
  it('maps read_committed to kafkajs readUncommitted = false (and defaults to Kafka\'s read_uncommitted)', () => {
    const base = { topic: 'in', 'properties.bootstrap.servers': 'localhost:9092', format: 'json' };
    const settings = (opts: Record<string, string>) => compileClientSettings(kafkaTable([], { ...base, ...opts }).options, 'j').consumer;
    expect(settings({ 'properties.isolation.level': 'read_committed' }).readUncommitted).toBe(false);
    expect(settings({}).readUncommitted).toBe(true);
  });
});

describe('exactly-once options', () => {
  it('compile with Kafka Streams-like defaults and Flink names', () => {
    const base = { topic: 'out', 'properties.bootstrap.servers': 'localhost:9092', format: 'json', 'sink.delivery-guarantee': 'exactly-once' };
    const compiled = (opts: Record<string, string>) => compileTableOptions(kafkaTable([], { ...base, ...opts }).options, 'j').transactions;
    expect(compiled({ 'sink.transactional-id-prefix': 'p' })).toEqual({ idPrefix: 'p', commitIntervalMs: 100, maxRecords: 10_000, timeoutMs: 60_000 });
    expect(
      compiled({ 'sink.transactional-id-prefix': 'p', 'sink.transaction.commit-interval': '2 s', 'sink.transaction.max-records': '500', 'properties.transaction.timeout.ms': '30000' }),
    ).toEqual({ idPrefix: 'p', commitIntervalMs: 2000, maxRecords: 500, timeoutMs: 30_000 });
    expect(compileTableOptions(kafkaTable([], { ...base, 'sink.delivery-guarantee': 'at-least-once' }).options, 'j').transactions).toBeUndefined();
  });
});
