import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { compileJob } from '../../src/daemon/compile-job.js';
import { DiagnosticsError } from '../../src/errors/diagnostic.js';
import { catalogContext } from './plan-helpers.js';

/**
 * The seed jobs (test/fixtures/sql/valid/seed-*.sql, the documented examples verbatim) must
 * compile with zero diagnostics. Seed 003 declares tables without WITH, so the context has a
 * default Kafka cluster. The grammar-only fixtures of that folder are the parser's business.
 */
const DIR = fileURLToPath(new URL('../fixtures/sql/valid/', import.meta.url));
const SEEDS = readdirSync(DIR)
  .filter((f) => /^seed-.*\.sql$/.test(f))
  .sort();

/** The pipelines each seed plans, in file order. */
const PIPELINES: Readonly<Record<string, readonly string[]>> = {
  'seed-000-bailian-embedding-milvus.sql': ['INSERT INTO milvus_sink'],
  'seed-000-bailian-sentiment.sql': ['INSERT INTO print_sink'],
  'seed-001-bailian-sentiment-zh.sql': ['INSERT INTO print_sink'],
  'seed-002-flink21-compliance.sql': ['SELECT', 'INSERT INTO risk_sink'],
  'seed-003-confluent-model-inference.sql': [
    'INSERT INTO text_input',
    'SELECT',
    'SELECT',
    'SELECT',
    'INSERT INTO text_stream',
    'INSERT INTO text_stream',
    'INSERT INTO text_stream',
    'SELECT',
  ],
  'seed-004-qwen-deepseek.sql': ['INSERT INTO print_sink'],
};

describe('seed fixtures', () => {
  it('finds the seed jobs', () => {
    expect(SEEDS.length).toBeGreaterThanOrEqual(6);
  });

  it.each(SEEDS)('%s compiles with zero diagnostics', (file) => {
    const source = readFileSync(join(DIR, file), 'utf8');
    let plan;
    try {
      plan = compileJob(file, source, catalogContext());
    } catch (err) {
      if (err instanceof DiagnosticsError) expect.fail(`${err.diagnostics.length} diagnostics:\n${err.message}`);
      throw err;
    }
    expect(plan.pipelines.length).toBeGreaterThan(0);
    if (PIPELINES[file]) expect(plan.pipelines.map((p) => p.name)).toEqual(PIPELINES[file]);
  });
});
