import { describe, expect, it } from 'vitest';
import { OffsetCheckpointer, PartitionCheckpoint } from '../../../connectors/kafka/offset-checkpointer.js';

function trackAll(cp: PartitionCheckpoint, offsets: number[]): void {
  for (const o of offsets) cp.track(o);
}

describe('PartitionCheckpoint', () => {
  it('commits only the contiguous acked prefix', () => {
    const cp = new PartitionCheckpoint('t', 0, 1);
    trackAll(cp, [0, 1, 2, 3, 4]);
    expect(cp.position()).toBe(0);
    expect(cp.ack(1)).toBe(false);
    expect(cp.ack(3)).toBe(false);
    expect(cp.committable()).toBe(0);
    expect(cp.ack(0)).toBe(true);
    expect(cp.committable()).toBe(2);
    expect(cp.ack(2)).toBe(true);
    expect(cp.committable()).toBe(4);
    cp.ack(4);
    expect(cp.committable()).toBe(5);
  });

  it('handles out-of-order acks over offset gaps (compaction, control records)', () => {
    const cp = new PartitionCheckpoint('t', 0, 1);
    trackAll(cp, [10, 11, 15, 20]);
    cp.ack(20);
    cp.ack(15);
    expect(cp.committable()).toBe(10);
    cp.ack(10);
    expect(cp.committable()).toBe(11);
    cp.ack(11);
    expect(cp.committable()).toBe(21);
  });

  it('100 records, acks 0..49 and 60..99: position 50; the rest: 100', () => {
    const cp = new PartitionCheckpoint('t', 0, 1);
    trackAll(cp, Array.from({ length: 100 }, (_, i) => i));
    const shuffled = [...Array.from({ length: 50 }, (_, i) => i), ...Array.from({ length: 40 }, (_, i) => 60 + i)].sort(() => Math.random() - 0.5);
    for (const o of shuffled) cp.ack(o);
    expect(cp.committable()).toBe(50);
    for (let o = 59; o >= 50; o--) cp.ack(o);
    expect(cp.committable()).toBe(100);
  });

  it('a nacked record pins the position for good', () => {
    const cp = new PartitionCheckpoint('t', 0, 1);
    trackAll(cp, [0, 1, 2, 3]);
    cp.ack(0);
    cp.nack(1);
    cp.ack(2);
    cp.ack(3);
    expect(cp.pinnedAt).toBe(1);
    expect(cp.committable()).toBe(1);
    cp.ack(1); // exactly one of ack/nack counts
    expect(cp.committable()).toBe(1);
  });

  it('does not offer what was committed already', () => {
    const cp = new PartitionCheckpoint('t', 0, 1);
    trackAll(cp, [0, 1]);
    cp.ack(0);
    expect(cp.committable()).toBe(1);
    cp.markCommitted(1);
    expect(cp.committable()).toBeUndefined();
    cp.ack(1);
    expect(cp.committable()).toBe(2);
    cp.markCommitted(1); // a late, older commit result never moves it back
    expect(cp.committed).toBe(1);
  });

  it('ignores double acks and unknown offsets, and rejects offsets going backwards', () => {
    const cp = new PartitionCheckpoint('t', 0, 1);
    trackAll(cp, [5, 6]);
    expect(cp.ack(5)).toBe(true);
    expect(cp.ack(5)).toBe(false);
    expect(cp.ack(99)).toBe(false);
    expect(() => cp.track(6)).toThrow(/tracked after/);
    expect(cp.committable()).toBe(6);
  });

  it('stays correct across compaction of a long acked prefix', () => {
    const cp = new PartitionCheckpoint('t', 0, 1);
    const n = 10_000;
    trackAll(cp, Array.from({ length: n }, (_, i) => i * 2));
    for (let i = 0; i < n - 1; i++) cp.ack(i * 2);
    expect(cp.committable()).toBe((n - 1) * 2);
    expect(cp.unacked).toBe(1);
    cp.ack((n - 1) * 2);
    expect(cp.committable()).toBe((n - 1) * 2 + 1);
  });
});

describe('OffsetCheckpointer', () => {
  it('offers the committable offsets of the current assignment and reports progress', () => {
    let progress = 0;
    const ck = new OffsetCheckpointer();
    ck.observe(() => progress++);
    ck.assign([{ topic: 'a', partition: 0 }, { topic: 'a', partition: 1 }]);
    const p0 = ck.partition('a', 0)!;
    const p1 = ck.partition('a', 1)!;
    const r0 = ck.track(p0, 0);
    const r1 = ck.track(p0, 1);
    const s0 = ck.track(p1, 7);
    // The first record of each partition pins the start position.
    expect(progress).toBe(2);
    expect(ck.pending()).toEqual([
      { topic: 'a', partition: 0, offset: 0 },
      { topic: 'a', partition: 1, offset: 7 },
    ]);
    r1.ack();
    expect(progress).toBe(2);
    r0.ack();
    s0.ack();
    expect(progress).toBe(4);
    expect(ck.pending()).toEqual([
      { topic: 'a', partition: 0, offset: 2 },
      { topic: 'a', partition: 1, offset: 8 },
    ]);
    ck.markCommitted(ck.epoch, ck.pending());
    expect(ck.pending()).toEqual([]);
  });

  it('drops acks of an older epoch, even for a partition assigned again', () => {
    let progress = 0;
    const ck = new OffsetCheckpointer();
    ck.observe(() => progress++);
    const e1 = ck.assign([{ topic: 'a', partition: 0 }, { topic: 'a', partition: 1 }]);
    const old0 = ck.track(ck.partition('a', 0)!, 0);
    const old1 = ck.track(ck.partition('a', 1)!, 0);
    const e2 = ck.assign([{ topic: 'a', partition: 0 }]);
    expect(e2).toBe(e1 + 1);
    expect(ck.partition('a', 1)).toBeUndefined();
    const before = progress;
    old0.ack();
    old1.ack();
    expect(ck.staleAcks).toBe(2);
    expect(progress).toBe(before);
    expect(ck.pending()).toEqual([]);
    // A commit that returns after the epoch moved on changes nothing.
    ck.markCommitted(e1, [{ topic: 'a', partition: 0, offset: 1 }]);
    expect(ck.partition('a', 0)!.committed).toBeUndefined();
  });

  it('nacks of an older epoch do not pin the new one', () => {
    const ck = new OffsetCheckpointer();
    ck.assign([{ topic: 'a', partition: 0 }]);
    const old = ck.track(ck.partition('a', 0)!, 0);
    ck.assign([{ topic: 'a', partition: 0 }]);
    old.nack(new Error('x'));
    const again = ck.track(ck.partition('a', 0)!, 0);
    again.ack();
    expect(ck.pending()).toEqual([{ topic: 'a', partition: 0, offset: 1 }]);
  });

  it('revokeAll leaves nothing to commit', () => {
    const ck = new OffsetCheckpointer();
    ck.assign([{ topic: 'a', partition: 0 }]);
    const r = ck.track(ck.partition('a', 0)!, 0);
    ck.revokeAll();
    r.ack();
    expect(ck.pending()).toEqual([]);
    expect(ck.assigned()).toEqual([]);
  });
});
