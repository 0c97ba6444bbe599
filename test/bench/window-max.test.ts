import { describe, expect, it } from 'vitest';
import { ratePerSecond, windowStats } from '../../bench/support/window-max.js';

const at = (...times: number[]) => times.map((t) => ({ at: t, weight: 1 }));

describe('windowStats', () => {
  it('finds the worst window, not the average', () => {
    // 10 requests over the first second, then 4 within 60 ms at 1.5 s: 14 in 1.56 s, about 9 a second.
    const events = [...at(0, 100, 200, 300, 400, 500, 600, 700, 800, 900), ...at(1500, 1520, 1540, 1560)];
    expect(windowStats(events, 1000, 10)).toEqual({ max: 10, over: 0 });
    // At 7 a window: 700, 800 and 900 come into a full first second; 1560's window (560, 1560] holds 8.
    expect(windowStats(events, 1000, 7)).toEqual({ max: 10, over: 4 });
  });

  it('lets an event in once the one a full window earlier has left', () => {
    // (t - 1000, t]: the event at 0 is outside the window ending at 1000.
    expect(windowStats(at(0, 1000), 1000, 1)).toEqual({ max: 1, over: 0 });
    expect(windowStats(at(0, 999), 1000, 1)).toEqual({ max: 2, over: 1 });
  });

  it('weighs token events and sorts its input', () => {
    expect(windowStats([{ at: 500, weight: 30 }, { at: 0, weight: 50 }, { at: 1200, weight: 40 }], 1000, 75)).toEqual({ max: 80, over: 1 });
  });

  it('is empty for no events', () => {
    expect(windowStats([], 1000, 1)).toEqual({ max: 0, over: 0 });
  });
});

describe('ratePerSecond', () => {
  it('counts what follows the first event over the span', () => {
    expect(ratePerSecond(at(2000, 0, 1000))).toBe(1);
    expect(ratePerSecond([{ at: 0, weight: 5 }, { at: 500, weight: 10 }])).toBe(20);
    expect(ratePerSecond(at(7))).toBe(0);
  });
});
