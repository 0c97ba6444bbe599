import { describe, expect, it } from 'vitest';
import { AttemptTotals, addCounters } from '../../src/daemon/attempt-totals.js';
import type { ModelStats } from '../../src/providers/index.js';
import type { PipelineStats } from '../../src/runtime/pipeline.js';

const pipeline = (n: number): PipelineStats => ({
  recordsIn: n, rowsOut: n, nullInputsDropped: 0, predictionsDropped: 0, modelCalls: n, sinkRetries: 1,
  failures: { decode: { deadLettered: n, dropped: 0 }, transform: { deadLettered: 0, dropped: 0 }, predict: { deadLettered: 0, dropped: 1 }, sink: { deadLettered: 0, dropped: 0 } },
  deadLetterRetries: 0,
});
const model = (n: number, cost?: number): ModelStats => ({
  rows: n, requests: n, succeeded: n, throttled: 0, transientErrors: 0, fatalErrors: 0, retries: 0, attemptTimeouts: 0, malformedAnswers: 0, rowTimeouts: 0, dropped: 0, failed: 0,
  promptTokens: 10 * n, completionTokens: n, totalTokens: 11 * n, ...(cost !== undefined ? { cost } : {}),
});

describe('AttemptTotals', () => {
  it('adds the counters of earlier attempts to the current one, nested failures and cost included', () => {
    const totals = new AttemptTotals();
    totals.retire([pipeline(5)], [{ model: 'm', stats: model(5, 0.25) }, { model: 'gone', stats: model(2) }]);
    totals.retire([pipeline(3)], [{ model: 'm', stats: model(3, 0.5) }]);
    expect(totals.pipeline(0, pipeline(1))).toMatchObject({ recordsIn: 9, sinkRetries: 3, failures: { decode: { deadLettered: 9 }, predict: { dropped: 3 } } });
    expect(totals.pipeline(1, pipeline(1))).toEqual(pipeline(1));
    // 'gone' was bound only by an earlier attempt: it stays listed, after the current models.
    expect(totals.models([{ model: 'm', stats: model(1, 0.125) }])).toEqual([
      { model: 'm', stats: { ...model(9), cost: 0.875 } },
      { model: 'gone', stats: model(2) },
    ]);
  });

  it('keeps a field only one side has', () => {
    expect(addCounters<{ a: number; cost?: number }>({ a: 1 }, { a: 2, cost: 3 })).toEqual({ a: 3, cost: 3 });
  });
});
