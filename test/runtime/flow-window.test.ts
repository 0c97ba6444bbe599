import { describe, expect, it } from 'vitest';
import { FlowWindow } from '../../src/runtime/flow-window.js';

describe('FlowWindow', () => {
  it('resumes reading at three quarters of its capacity, so rows still wait for a model slot when the refill starts', async () => {
    const w = new FlowWindow(128);
    expect(w.lowWater).toBe(96);
    for (let i = 0; i < 128; i++) w.admit();
    expect(w.full).toBe(true);
    let drained = false;
    void w.drained(new AbortController().signal).then(() => (drained = true));
    for (let i = 0; i < 31; i++) w.settle();
    await Promise.resolve();
    expect(drained).toBe(false);
    w.settle();
    await Promise.resolve();
    expect(drained).toBe(true);
    expect(w.inFlight).toBe(96);
  });

  it('keeps the low-water mark below the capacity', () => {
    expect(new FlowWindow(1).lowWater).toBe(0);
    expect(new FlowWindow(2).lowWater).toBe(1);
    expect(new FlowWindow(8, 8).lowWater).toBe(7);
  });
});
