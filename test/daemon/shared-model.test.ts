import { describe, expect, it } from 'vitest';
import { SharedModel } from '../../src/daemon/shared-model.js';
import type { ModelFunction } from '../../src/spi/model-provider.js';

function countingModel() {
  const state = { closes: 0, calls: 0 };
  const model: ModelFunction = {
    predict: async (inputs) => {
      state.calls++;
      return { ok: true, rows: [[...inputs]] };
    },
    close: async () => {
      state.closes++;
    },
  };
  return { model, state };
}

describe('SharedModel', () => {
  it('closes the model with the last pipeline that used it, not with the first one that ends', async () => {
    const { model, state } = countingModel();
    const shared = new SharedModel(model);
    const failed = shared.use();
    const draining = shared.use();
    await failed.close();
    await failed.close(); // idempotent: one handle counts once
    expect(state.closes).toBe(0);
    expect(await draining.predict(['still open'], { signal: new AbortController().signal })).toEqual({ ok: true, rows: [['still open']] });
    await draining.close();
    expect(state.closes).toBe(1);
    expect(state.calls).toBe(1);
  });
});
