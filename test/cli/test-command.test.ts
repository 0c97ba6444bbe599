import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { CommandIo } from '../../src/cli/command-io.js';
import { testCommand } from '../../src/cli/test-command.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'predictd-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function io(): CommandIo & { out: string; err: string } {
  const buffers = { out: '', err: '' };
  return Object.assign(buffers, {
    stdout: (t: string) => void (buffers.out += t),
    stderr: (t: string) => void (buffers.err += t),
    stdin: async () => '',
  });
}

/** Writes files into a fresh folder of the temp dir (objects as JSON); returns the folder. */
let cases = 0;
function files(contents: Record<string, string | object>): string {
  const folder = join(dir, `case-${++cases}`);
  mkdirSync(folder);
  for (const [name, content] of Object.entries(contents)) {
    writeFileSync(join(folder, name), typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  }
  return folder;
}

const jsonl = (rows: readonly object[]) => rows.map((r) => JSON.stringify(r)).join('\n') + '\n';

const MOVIE_SQL = readFileSync(join(ROOT, 'config/jobs/movie-sentiment.sql'), 'utf8');

const MOVIE_ROWS = [
  { id: 1, movie_name: 'Her Story', predict_label: 'positive', actual_label: 'positive' },
  { id: 2, movie_name: 'The Dumpling Queen', predict_label: 'neutral', actual_label: 'negative' },
  { id: 3, movie_name: 'Night Train', predict_label: 'negative', actual_label: 'negative' },
  { id: 4, movie_name: 'Paper Moon', predict_label: 'neutral', actual_label: 'neutral' },
];

/** A Kafka -> remote model -> Kafka job: no broker at that address, no model at that endpoint. */
const KAFKA_JOB = `
CREATE TABLE reviews (
  id BIGINT,
  body STRING,
  ts TIMESTAMP_LTZ(3) METADATA FROM 'timestamp',
  shout AS UPPER(body)
) WITH (
  'connector' = 'kafka',
  'topic' = 'reviews',
  'properties.bootstrap.servers' = '127.0.0.1:1',
  'properties.group.id' = 'scoring',
  'format' = 'json'
);

CREATE TABLE scored (
  id BIGINT,
  shout STRING,
  label STRING
) WITH (
  'connector' = 'kafka',
  'topic' = 'scored',
  'properties.bootstrap.servers' = '127.0.0.1:1',
  'format' = 'json'
);

CREATE MODEL classifier
INPUT (\`input\` STRING)
OUTPUT (\`content\` STRING)
WITH (
  'provider' = 'openai',
  'endpoint' = 'https://127.0.0.1:1/v1/chat/completions',
  'api-key' = '\${PREDICTD_TEST_UNSET_KEY}',
  'model' = 'gpt-4o-mini',
  'error-handling-strategy' = 'IGNORE'
);

INSERT INTO scored
SELECT id, shout, content FROM ML_PREDICT(TABLE reviews, MODEL classifier, DESCRIPTOR(body))
WHERE id > 0;
`;

describe('predictd test', () => {
  it('passes on the examples of config/jobs (local provider; fixtures and mocked answers)', async () => {
    const run = io();
    expect(await testCommand([join(ROOT, 'config/jobs')], run)).toBe(0);
    expect(run.out).toMatch(/PASS .*movie-sentiment\.sql/);
    expect(run.out).toContain('print_sink: 4 rows as expected');
    expect(run.out).toMatch(/PASS .*review-embeddings\.sql/);
    expect(run.out).toContain('2 tests: 2 passed');
    expect(run.err).toBe('');
  });

  it('fails with a diff on a wrong expectation: exit 1, the expected row with -, the received one with +', async () => {
    const wrong = MOVIE_ROWS.map((r) => (r.id === 2 ? { ...r, predict_label: 'negative' } : r));
    const folder = files({ 'movie.sql': MOVIE_SQL, 'movie.test.json': { expected: { print_sink: 'rows.jsonl' } }, 'rows.jsonl': jsonl(wrong) });
    const run = io();
    expect(await testCommand([join(folder, 'movie.sql')], run)).toBe(1);
    expect(run.out).toContain('FAIL ');
    expect(run.out).toContain('print_sink: expected 4 rows, received 4 rows (order ignored; - expected only, + received only)');
    const diff = run.out.split('\n').filter((l) => /^ {4}[-+] /.test(l));
    expect(diff).toEqual([
      '    - {"id":2,"movie_name":"The Dumpling Queen","predict_label":"negative","actual_label":"negative"}',
      '    + {"id":2,"movie_name":"The Dumpling Queen","predict_label":"neutral","actual_label":"negative"}',
    ]);
    expect(run.out).toContain('1 test: 0 passed, 1 failed');
  });

  it('compares in order only when the definition says "ordered": true', async () => {
    const reversed = [...MOVIE_ROWS].reverse();
    const unordered = files({ 'movie.sql': MOVIE_SQL, 'movie.test.json': { expected: { print_sink: reversed } } });
    expect(await testCommand([join(unordered, 'movie.sql')], io())).toBe(0);
    const ordered = files({ 'movie.sql': MOVIE_SQL, 'movie.test.json': { ordered: true, expected: { print_sink: reversed } } });
    const run = io();
    expect(await testCommand([join(ordered, 'movie.sql')], run)).toBe(1);
    expect(run.out).toContain('(in order; - expected only, + received only)');
    const inOrder = files({ 'movie.sql': MOVIE_SQL, 'movie.test.json': { ordered: true, expected: { print_sink: MOVIE_ROWS } } });
    expect(await testCommand([join(inOrder, 'movie.sql')], io())).toBe(0);
  });

  it('runs a Kafka -> remote model -> Kafka job with no broker and no network: fixtures, computed and metadata columns, mocked answers and a mocked error', async () => {
    const folder = files({
      'score.sql': KAFKA_JOB,
      'score.test.json': {
        inputs: { reviews: 'reviews.jsonl' },
        models: { classifier: 'answers.jsonl' },
        expected: { scored: 'scored.jsonl' },
      },
      'reviews.jsonl': jsonl([
        { id: 1, body: 'great', ts: '2026-01-01 10:00:00.000Z' },
        { id: 2, body: 'awful' },
        { id: -1, body: 'filtered out before the model' },
        { id: 3, body: 'rejected' },
      ]),
      'answers.jsonl': jsonl([
        { input: 'great', output: 'positive' },
        { input: 'awful', output: 'negative' },
        { input: 'rejected', error: 'content filter' },
      ]),
      'scored.jsonl': jsonl([
        { id: 1, shout: 'GREAT', label: 'positive' },
        { id: 2, shout: 'AWFUL', label: 'negative' },
      ]),
    });
    const run = io();
    const code = await testCommand([join(folder, 'score.sql')], run);
    expect(run.err).toBe('');
    expect(run.out).toContain('scored: 2 rows as expected');
    // The row the mocked model rejected went by the model's IGNORE strategy, and the report says so.
    expect(run.out).toMatch(/log: .*content filter/);
    expect(code).toBe(0);
  });

  it('fails a test whose model gets an input without a mocked answer, naming the input', async () => {
    const folder = files({
      'score.sql': KAFKA_JOB.replace("'IGNORE'", "'FAILOVER'"),
      'score.test.json': {
        inputs: { reviews: [{ id: 1, body: 'great' }, { id: 2, body: 'unheard of' }] },
        models: { classifier: [{ input: 'great', output: 'positive' }] },
        expected: { scored: [{ id: 1, shout: 'GREAT', label: 'positive' }] },
      },
    });
    const run = io();
    expect(await testCommand([join(folder, 'score.sql')], run)).toBe(1);
    expect(run.out).toContain("model 'classifier' has no mocked answer for input {\"input\":\"unheard of\"}");
    expect(run.out).toContain('the job failed');
    // Under IGNORE the row goes and the sink gets what was expected: the missing answer still fails the test.
    writeFileSync(join(folder, 'score.sql'), KAFKA_JOB);
    const ignored = io();
    expect(await testCommand([join(folder, 'score.sql')], ignored)).toBe(1);
    expect(ignored.out).toContain('scored: 1 row as expected');
    expect(ignored.out).toContain("model 'classifier' has no mocked answer for input {\"input\":\"unheard of\"}");
  });

  it('a definition error is clear: exit 2, every problem at file:line:col with its code, nothing run', async () => {
    const folder = files({
      'score.sql': KAFKA_JOB,
      'score.test.json': '{\n  "inputs": { "reviewz": "reviews.jsonl" },\n  "expected": { "scored": [] },\n  "model": {}\n}\n',
      'reviews.jsonl': '{"id": 1, "body": "x"}\n',
    });
    const run = io();
    expect(await testCommand([join(folder, 'score.sql')], run)).toBe(2);
    const def = join(folder, 'score.test.json');
    expect(run.err).toContain(`${def}:4:3: unknown field 'model'; did you mean 'models'?`);
    expect(run.err).toContain(`${def}:2:15: the job does not read a table 'reviewz'; did you mean 'reviews'? (it reads: reviews) [PD5102]`);
    expect(run.err).toContain(`${def}:2:3: the job reads table 'reviews': give its fixture rows`);
    // The remote model without answers points at the job file, where the model is declared.
    expect(run.err).toContain(`${join(folder, 'score.sql')}:26:14: model 'classifier' uses provider 'openai', which calls the network`);
    expect(run.err).toContain('[PD5104]');
    expect(run.out).toContain('1 test: 0 passed, 1 could not run');
  });

  it('points at the line and column of a bad fixture row and of invalid JSON', async () => {
    const folder = files({
      'score.sql': KAFKA_JOB,
      'score.test.json': { inputs: { reviews: 'reviews.jsonl' }, models: { classifier: 'answers.jsonl' }, expected: { scored: [] } },
      'reviews.jsonl': '{"id": 1, "body": "fine"}\n\n{"id": 2, "bdy": "typo"}\n{"id": "two", "body": "bad"}\n',
      'answers.jsonl': '{"input": "fine", "output": "positive"}\n{"input": "x", "output": }\n',
    });
    const run = io();
    expect(await testCommand([join(folder, 'score.sql')], run)).toBe(2);
    const rows = join(folder, 'reviews.jsonl');
    expect(run.err).toContain(`${rows}:3:1: table 'reviews': no column 'bdy'; did you mean 'body'? (columns: id, body, ts) [PD5103]`);
    expect(run.err).toMatch(new RegExp(`${rows.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:4:1: table 'reviews': field 'id': cannot read "two" as BIGINT`));
    expect(run.err).toContain(`${join(folder, 'answers.jsonl')}:2:1: not a JSON value: Unexpected token`);
    const broken = files({ 'movie.sql': MOVIE_SQL, 'movie.test.json': '{\n  "expected": {\n    "print_sink": [],\n  }\n}\n' });
    const run2 = io();
    expect(await testCommand([join(broken, 'movie.sql')], run2)).toBe(2);
    expect(run2.err).toContain(`${join(broken, 'movie.test.json')}:4:3: not valid JSON`);
    expect(run2.err).toContain('[PD5101]');
  });

  it('exits 2 for a job without a definition, a job that does not compile, and usage errors', async () => {
    const none = files({ 'movie.sql': MOVIE_SQL });
    const run = io();
    expect(await testCommand([join(none, 'movie.sql')], run)).toBe(2);
    expect(run.err).toContain('movie.test.json');
    const broken = files({ 'bad.sql': 'SELECT FROM;', 'bad.test.json': {} });
    const run2 = io();
    expect(await testCommand([join(broken, 'bad.sql')], run2)).toBe(2);
    expect(run2.err).toContain('the job does not compile');
    expect(run2.err).toMatch(/bad\.sql:1:\d+: /);
    expect(await testCommand([], io())).toBe(2);
    expect(await testCommand(['--timeout', 'soon', 'x.sql'], io())).toBe(2);
    const help = io();
    expect(await testCommand(['--help'], help)).toBe(0);
    expect(help.out).toContain('"expected"');
  });

  it('is dispatched by the predictd command line', async () => {
    const run = await new Promise<{ code: number | null; stdout: string }>((resolve) => {
      execFile(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'test', 'config/jobs/movie-sentiment.sql'], { cwd: ROOT, timeout: 60_000 }, (err, stdout) =>
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : null) : 0, stdout }),
      );
    });
    expect(run.stdout).toContain('PASS config/jobs/movie-sentiment.sql');
    expect(run.code).toBe(0);
  });
});
