import { describe, expect, it } from 'vitest';
import { CommitLoop } from '../../../connectors/kafka/commit-loop.js';
import { OffsetCheckpointer } from '../../../connectors/kafka/offset-checkpointer.js';
import type { CommitFn } from '../../../connectors/kafka/offset-commits.js';
import { silentLogger } from '../../support/silent-logger.js';

type Offsets = Parameters<CommitFn>[0];

/** A commit function that records its calls and completes only when the test says so. */
function manualCommits() {
  const calls: Array<{ offsets: Offsets; done: () => void; fail: (err: Error) => void }> = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const fn: CommitFn = (offsets) =>
    new Promise<void>((resolve, reject) => {
      maxInFlight = Math.max(maxInFlight, ++inFlight);
      const settle = (f: () => void) => () => {
        inFlight--;
        f();
      };
      calls.push({ offsets, done: settle(resolve), fail: (err) => settle(() => reject(err))() });
    });
  return { fn, calls, maxInFlight: () => maxInFlight };
}

const turns = async (n = 3) => {
  for (let i = 0; i < n; i++) await new Promise<void>((resolve) => setImmediate(resolve));
};

function flat(offsets: Offsets): string[] {
  return offsets.topics.flatMap((t) => t.partitions.map((p) => `${t.topic}[${p.partition}]@${p.offset}`));
}

describe('CommitLoop', () => {
  it('commits the acked prefix with one commit in flight; progress made meanwhile goes in the next', async () => {
    const ck = new OffsetCheckpointer();
    const loop = new CommitLoop(ck, silentLogger());
    const commits = manualCommits();
    const epoch = ck.assign([{ topic: 't', partition: 0 }]);
    loop.reading(epoch, commits.fn);
    const cp = ck.partition('t', 0)!;
    const records = [0, 1, 2, 3].map((o) => ck.track(cp, o));
    await turns();
    expect(commits.calls.map((c) => flat(c.offsets))).toEqual([['t[0]@0']]); // the first record pins the start
    records[0]!.ack();
    records[1]!.ack();
    await turns();
    expect(commits.calls).toHaveLength(1); // the first commit is still in flight
    commits.calls[0]!.done();
    await turns();
    expect(commits.calls.map((c) => flat(c.offsets))).toEqual([['t[0]@0'], ['t[0]@2']]);
    commits.calls[1]!.done();
    await turns();
    expect(ck.partition('t', 0)!.committed).toBe(2);
    expect(commits.maxInFlight()).toBe(1);
    expect(loop.commits).toBe(2);
    await loop.final();
  });

  it("waits for the epoch's own commit function; an older epoch's is never used", async () => {
    const ck = new OffsetCheckpointer();
    const loop = new CommitLoop(ck, silentLogger());
    const old = manualCommits();
    loop.reading(ck.assign([{ topic: 't', partition: 0 }]), old.fn);
    const epoch = ck.assign([{ topic: 't', partition: 1 }]);
    ck.track(ck.partition('t', 1)!, 5).ack();
    await turns();
    expect(old.calls).toHaveLength(0);
    const current = manualCommits();
    loop.reading(epoch, current.fn);
    await turns();
    expect(current.calls.map((c) => flat(c.offsets))).toEqual([['t[1]@6']]);
    current.calls[0]!.done();
    expect(await loop.final()).toBe(true);
  });

  it('retries a failed commit, and a flush reports what it could not commit', async () => {
    const ck = new OffsetCheckpointer();
    const loop = new CommitLoop(ck, silentLogger());
    const commits = manualCommits();
    const epoch = ck.assign([{ topic: 't', partition: 0 }]);
    loop.reading(epoch, commits.fn);
    ck.track(ck.partition('t', 0)!, 0).ack();
    await turns();
    commits.calls[0]!.fail(new Error('coordinator moved'));
    await turns();
    expect(loop.failures).toBe(1);
    // A flush does not wait for the retry delay.
    const flushed = loop.final();
    await turns();
    expect(commits.calls).toHaveLength(2);
    commits.calls[1]!.done();
    expect(await flushed).toBe(true);
    expect(ck.partition('t', 0)!.committed).toBe(1);
  });

  it('a flush without a commit function for the epoch returns false at once', async () => {
    const ck = new OffsetCheckpointer();
    const loop = new CommitLoop(ck, silentLogger());
    ck.assign([{ topic: 't', partition: 0 }]);
    ck.track(ck.partition('t', 0)!, 0).ack();
    expect(await loop.final()).toBe(false);
  });
});
