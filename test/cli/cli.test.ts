import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

/** The repository root: the CLI runs from there, as `npx tsx src/cli/main.ts` would. */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const VALID = 'test/fixtures/catalog/valid';
const INVALID = 'test/fixtures/catalog/invalid';
const SEED_002 = 'test/fixtures/sql/valid/seed-002-flink21-compliance.sql';

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function predictd(args: readonly string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'src/cli/main.ts', ...args],
      {
        cwd: ROOT,
        env: { ...process.env, PREDICTD_KAFKA_BOOTSTRAP_SERVERS: 'localhost:9092', PREDICTD_LOG_LEVEL: 'silent', ...env },
        timeout: 60_000,
      },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : null) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

function expectedErrors(file: string): string[] {
  const source = readFileSync(join(ROOT, file), 'utf8');
  return [...source.matchAll(/^--\s*expect:\s*(PD\d{4})\s+(\d+):(\d+)\s*$/gm)].map((m) => `${file}:${m[2]}:${m[3]}: `);
}

const tmp = mkdtempSync(join(tmpdir(), 'predictd-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe.concurrent('predictd validate', () => {
  it('exits 0 and prints one summary line per valid file', async () => {
    const files = [`${VALID}/alter-model.sql`, `${VALID}/temporary-shadowing.sql`, SEED_002];
    const run = await predictd(['validate', ...files]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines).toEqual([
      `${VALID}/alter-model.sql: OK (2 tables, 0 views, 1 model, 1 pipeline)`,
      `${VALID}/temporary-shadowing.sql: OK (3 tables, 0 views, 1 model, 2 pipelines)`,
      `${SEED_002}: OK (3 tables, 0 views, 2 models, 2 pipelines)`,
    ]);
  });

  it('exits 1 and prints every error of an invalid file as file:line:col: with the line and a caret', async () => {
    const file = `${INVALID}/several-errors.sql`;
    const run = await predictd(['validate', file]);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    const lines = run.stderr.trimEnd().split('\n');
    const wanted = expectedErrors(file);
    expect(wanted.length).toBeGreaterThanOrEqual(5);
    const heads = lines.filter((l) => l.startsWith(`${file}:`));
    expect(heads.map((l) => l.slice(0, l.indexOf(': ') + 2))).toEqual(wanted);
    for (const head of heads) {
      expect(head).toMatch(/\[PD\d{4}\]$/);
      const caret = lines[lines.indexOf(head) + 2]!;
      expect(caret).toMatch(/^ +\^+$/);
    }
    expect(lines.at(-1)).toBe(`${wanted.length} errors in ${file}`);
  });

  it('checks every file: a valid one still gets its OK line when another fails', async () => {
    const bad = `${INVALID}/unknown-model-did-you-mean.sql`;
    const good = `${VALID}/session-settings.sql`;
    const run = await predictd(['validate', bad, good]);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe(`${good}: OK (2 tables, 0 views, 1 model, 3 pipelines)\n`);
    expect(run.stderr).toContain(`${expectedErrors(bad)[0]}unknown model 'sentimnet'; did you mean 'sentiment'? [PD2003]`);
    expect(run.stderr).toContain(`1 error in ${bad}`);
  });

  it('reports a file it cannot read and goes on with the others', async () => {
    const good = `${VALID}/alter-model.sql`;
    const run = await predictd(['validate', join(tmp, 'missing.sql'), good]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('missing.sql: cannot read');
    expect(run.stdout).toContain(`${good}: OK`);
  });

  it('reads the default Kafka cluster for tables without WITH from the daemon configuration', async () => {
    const file = join(tmp, 'no-with.sql');
    writeFileSync(file, 'CREATE TABLE orders (id BIGINT, item STRING);\nSELECT * FROM orders;\n');
    const withCluster = await predictd(['validate', file]);
    expect(withCluster.code).toBe(0);
    expect(withCluster.stdout).toBe(`${file}: OK (1 table, 0 views, 0 models, 1 pipeline)\n`);
    const without = await predictd(['validate', file], { PREDICTD_KAFKA_BOOTSTRAP_SERVERS: '' });
    expect(without.code).toBe(1);
    expect(without.stderr).toContain(`${file}:1:14: `);
    expect(without.stderr).toContain('[PD2011]');
  });
});

describe.concurrent('predictd validate: unset ${VAR}', () => {
  const file = join(tmp, 'unset-key.sql');
  writeFileSync(
    file,
    [
      "CREATE TEMPORARY VIEW asks(t) AS VALUES ('hello');",
      "CREATE MODEL m INPUT (t STRING) OUTPUT (a STRING) WITH ('provider' = 'openai', 'endpoint' = 'http://127.0.0.1:1/v1/chat/completions',",
      "  'api-key' = '${PREDICTD_CLI_TEST_UNSET_KEY}', 'model' = 'gpt-4o-mini');",
      'SELECT t, a FROM ML_PREDICT(TABLE asks, MODEL m, DESCRIPTOR(t));',
      '',
    ].join('\n'),
  );
  const warning = `${file}:3:15: option 'api-key' names the environment variable PREDICTD_CLI_TEST_UNSET_KEY, which is not set [PD4202]`;

  it('warns with file:line:col and exits 0', async () => {
    const run = await predictd(['validate', file]);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(`${file}: OK (0 tables, 1 view, 1 model, 1 pipeline)\n`);
    const lines = run.stderr.trimEnd().split('\n');
    expect(lines[0]).toBe(warning);
    expect(lines[1]).not.toContain('PREDICTD_CLI_TEST_UNSET_KEY'); // the quoted source line has the value blanked
    expect(lines.at(-1)).toBe(`1 warning in ${file} (errors with --strict)`);
  });

  it('fails with --strict, and says nothing once the variable is set', async () => {
    const strict = await predictd(['validate', '--strict', file]);
    expect(strict.code).toBe(1);
    expect(strict.stdout).toBe('');
    expect(strict.stderr.split('\n')[0]).toBe(warning);
    expect(strict.stderr.trimEnd().split('\n').at(-1)).toBe(`1 error in ${file}`);
    const set = await predictd(['validate', '--strict', file], { PREDICTD_CLI_TEST_UNSET_KEY: 'sk-x' });
    expect([set.code, set.stderr]).toEqual([0, '']);
  });
});

describe.concurrent('predictd run', () => {
  it('exits 2 with one sentence when the jobs folder does not exist', async () => {
    const missing = join(tmp, 'no-such-folder');
    const run = await predictd(['run', '--jobs', missing], { PREDICTD_ADMIN_PORT: '0' });
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(`predictd: the jobs folder ${missing} does not exist\n`);
  });
});

describe.concurrent('predictd explain', () => {
  it('prints source, stages and sink of each pipeline', async () => {
    const run = await predictd(['explain', SEED_002]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const blocks = run.stdout.trimEnd().split('\n\n');
    expect(blocks.map((b) => b.split('\n')[0])).toEqual([
      expect.stringMatching(/^SELECT {2}\(.*seed-002-flink21-compliance\.sql:\d+\)$/),
      expect.stringMatching(/^INSERT INTO risk_sink {2}\(.*seed-002-flink21-compliance\.sql:\d+\)$/),
    ]);
    const insert = blocks[1]!.split('\n').map((l) => l.trim().split(/\s+/)[0]);
    expect(insert.slice(1)).toEqual(['source', 'predict', 'project', 'project', 'project', 'sink', 'columns']);
    expect(blocks[1]).toContain('predict  compliance_model (openai) on title -> response STRING');
  });

  it('exits 1 with the errors of an invalid file', async () => {
    const file = `${INVALID}/descriptor-count-mismatch.sql`;
    const run = await predictd(['explain', file]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(expectedErrors(file)[0]);
    expect(run.stderr).toContain('[PD2013]');
    expect(run.stdout).toBe('');
  });
});

describe.concurrent('predictd usage errors', () => {
  it('exits 2 on an unknown command', async () => {
    const run = await predictd(['frobnicate']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("unknown command 'frobnicate'");
    expect(run.stderr).toContain('Usage:');
  });

  it('exits 2 when validate names no file, and on an unknown flag', async () => {
    expect((await predictd(['validate'])).code).toBe(2);
    const flag = await predictd(['validate', '--strict-mode', `${VALID}/alter-model.sql`]);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain('Usage:');
  });

  it('--help exits 0 with the usage; no arguments exits 2', async () => {
    const help = await predictd(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('predictd validate [--strict] <file.sql>');
    expect((await predictd([])).code).toBe(2);
  });
});
