import { describe, expect, it } from 'vitest';
import { runJobTest } from '../../src/jobtest/run-job-test.js';

describe('predictd test of a VECTOR_SEARCH job', () => {
  it('searches the fixture rows of the search table in memory (config/rag/rag-answers.sql): no Milvus, no network', async () => {
    const result = await runJobTest('config/rag/rag-answers.sql');
    expect(result.ok, JSON.stringify(result, null, 2)).toBe(true);
    expect(result.sinks.map((s) => [s.table, s.expected, s.actual, s.ok])).toEqual([['answers', 2, 2, true]]);
  });
});
