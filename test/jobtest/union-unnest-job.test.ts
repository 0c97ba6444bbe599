import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runJobTest } from '../../src/jobtest/run-job-test.js';

describe('predictd test of a UNION ALL job with CROSS JOIN UNNEST', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  it('gives each input table its fixture rows and compares the merged output', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'predictd-union-test-'));
    dirs.push(dir);
    await writeFile(
      join(dir, 'merge.sql'),
      `
CREATE TABLE web (id BIGINT, question STRING) WITH ('connector' = 'datagen', 'number-of-rows' = '1');
CREATE TABLE tickets (ticket INT, lines ARRAY<STRING>) WITH ('connector' = 'datagen', 'number-of-rows' = '1');
CREATE TABLE merged (id BIGINT, text STRING) WITH ('connector' = 'print');
INSERT INTO merged
SELECT id, question FROM web WHERE question IS DISTINCT FROM 'skip'
UNION ALL
SELECT ticket, line FROM tickets CROSS JOIN UNNEST(lines) AS l(line);
`,
    );
    await writeFile(
      join(dir, 'merge.test.json'),
      JSON.stringify({
        inputs: {
          web: [{ id: 1, question: 'q1' }, { id: 2, question: 'skip' }, { id: 3, question: null }],
          tickets: [{ ticket: 10, lines: ['a', 'b'] }, { ticket: 11, lines: [] }],
        },
        expected: {
          merged: [{ id: 1, text: 'q1' }, { id: 3, text: null }, { id: 10, text: 'a' }, { id: 10, text: 'b' }],
        },
      }),
    );
    const result = await runJobTest(join(dir, 'merge.sql'));
    expect(result.ok, JSON.stringify(result, null, 2)).toBe(true);
    expect(result.sinks.map((s) => [s.table, s.expected, s.actual, s.ok])).toEqual([['merged', 4, 4, true]]);
  });
});
