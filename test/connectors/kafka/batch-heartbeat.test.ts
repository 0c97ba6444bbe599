import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BatchHeartbeat, isRebalancing } from '../../../connectors/kafka/batch-heartbeat.js';

function payload(answers: Array<() => Promise<void>>, running = () => true) {
  let calls = 0;
  return {
    get calls() {
      return calls;
    },
    isRunning: running,
    heartbeat: () => (answers[calls++] ?? (() => Promise.resolve()))(),
  };
}

describe('BatchHeartbeat', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('heartbeats every interval while the batch runs, and stops with it', async () => {
    const p = payload([]);
    const beat = new BatchHeartbeat(p, 1000);
    await vi.advanceTimersByTimeAsync(3500);
    expect(p.calls).toBe(3);
    beat.stop();
    await vi.advanceTimersByTimeAsync(5000);
    expect(p.calls).toBe(3);
    expect(beat.error).toBeUndefined();
  });

  it('keeps the first heartbeat error and wakes whoever waits on it', async () => {
    const rebalancing = Object.assign(new Error('The group is rebalancing, so a rejoin is needed'), { type: 'REBALANCE_IN_PROGRESS' });
    const p = payload([() => Promise.resolve(), () => Promise.reject(rebalancing), () => Promise.reject(new Error('later'))]);
    const beat = new BatchHeartbeat(p, 1000);
    let woken = false;
    void beat.interrupted.then(() => (woken = true));
    await vi.advanceTimersByTimeAsync(1000);
    expect(woken).toBe(false);
    await vi.advanceTimersByTimeAsync(2000);
    expect(woken).toBe(true);
    expect(beat.error).toBe(rebalancing);
    expect(isRebalancing(beat.error)).toBe(true);
    beat.stop();
  });

  it('wakes the waiter when the consumer stops running, without an error', async () => {
    let running = true;
    const p = payload([], () => running);
    const beat = new BatchHeartbeat(p, 500);
    let woken = false;
    void beat.interrupted.then(() => (woken = true));
    running = false;
    await vi.advanceTimersByTimeAsync(500);
    expect(woken).toBe(true);
    expect(beat.error).toBeUndefined();
    expect(p.calls).toBe(0);
    beat.stop();
  });

  it('tells rebalances from other heartbeat errors', () => {
    for (const type of ['REBALANCE_IN_PROGRESS', 'NOT_COORDINATOR_FOR_GROUP', 'ILLEGAL_GENERATION']) expect(isRebalancing({ type })).toBe(true);
    expect(isRebalancing({ type: 'REQUEST_TIMED_OUT' })).toBe(false);
    expect(isRebalancing(new Error('socket closed'))).toBe(false);
    expect(isRebalancing(undefined)).toBe(false);
  });
});
