import { describe, expect, it } from 'vitest';
import { predictdJobSql } from '../../bench/figures/p6-predictd-job.js';
import { compile } from '../planner/plan-helpers.js';

// P6 runs only with --flink, so the tests are where a change to predictd's SQL surface would
// first show that the figure's job no longer compiles.
describe('P6 predictd job', () => {
  it('compiles: datagen -> ML_PREDICT (async, 64 in flight) -> print', () => {
    const sql = predictdJobSql({ endpoint: 'http://127.0.0.1:1/v1/chat/completions', rows: 20_000, inFlight: 64 });
    expect(() => compile(sql, 'p6.sql')).not.toThrow();
    expect(sql).toContain("'number-of-rows' = '20000'");
    expect(sql).toContain("'max-concurrent-operations', '64'");
  });
});
