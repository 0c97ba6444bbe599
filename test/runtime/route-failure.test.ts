import { describe, expect, it } from 'vitest';
import { routeFailure } from '../../src/runtime/route-failure.js';

describe('routeFailure', () => {
  it("follows the model's strategy for predict and errors.tolerance for every other stage", () => {
    expect(routeFailure({ stage: 'predict', action: 'ignore' })).toBe('route');
    expect(routeFailure({ stage: 'predict', action: 'fail' })).toBe('fail');
    for (const stage of ['decode', 'transform', 'sink'] as const) {
      expect(routeFailure({ stage, tolerance: 'all' })).toBe('route');
      expect(routeFailure({ stage, tolerance: 'none' })).toBe('fail');
    }
  });
});
