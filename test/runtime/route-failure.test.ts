import { describe, expect, it } from 'vitest';
import { routeFailure } from '../../src/runtime/route-failure.js';

describe('routeFailure', () => {
  it("follows the model's strategy for predict and errors.tolerance for every other stage", () => {
    for (const tolerance of ['none', 'all'] as const) {
      for (const fault of ['row', 'service'] as const) expect(routeFailure({ stage: 'predict', action: 'ignore', fault, tolerance })).toBe('route');
    }
    expect(routeFailure({ stage: 'predict', action: 'fail', fault: 'row', tolerance: 'none' })).toBe('fail');
    expect(routeFailure({ stage: 'predict', action: 'fail', fault: 'service', tolerance: 'none' })).toBe('fail');
    for (const stage of ['decode', 'transform', 'sink'] as const) {
      expect(routeFailure({ stage, tolerance: 'all' })).toBe('route');
      expect(routeFailure({ stage, tolerance: 'none' })).toBe('fail');
    }
  });

  it("with errors.tolerance 'all' routes a row the model rejected for good, but an outage still fails the job", () => {
    expect(routeFailure({ stage: 'predict', action: 'fail', fault: 'row', tolerance: 'all' })).toBe('route');
    expect(routeFailure({ stage: 'predict', action: 'fail', fault: 'service', tolerance: 'all' })).toBe('fail');
  });
});
