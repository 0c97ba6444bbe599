import { access, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DiagnosticsError } from '../errors/diagnostic.js';
import { runJobTest, type JobTestResult, type SinkResult } from '../jobtest/run-job-test.js';
import { definitionFileFor } from '../jobtest/test-definition.js';
import { TestDefinitionError } from '../jobtest/test-problems.js';
import { processIo, type CommandIo } from './command-io.js';

export const TEST_USAGE = `Usage: predictd test [--timeout <seconds>] <job.sql | folder>...

Runs a job in-process, as the daemon would, on the rows and model answers of its test definition,
and compares what each table it writes receives with the expected rows (like 'rpk connect test').
No broker, no network: the tables' connectors are replaced by the fixture rows and a capturing
sink; a model runs on mocked answers, or on its own provider when that is 'local'.

The definition of jobs/x.sql is jobs/x.test.json (files it names are relative to it):
  {
    "description": "optional text",
    "inputs":   { "<table it reads>":  "<rows>.jsonl" or [ {"col": value, ...}, ... ] },
    "models":   { "<model>": "<answers>.jsonl" },     lines {"input": ..., "output": ...} or {"input": ..., "error": "..."}
    "expected": { "<table it writes>": "<rows>.jsonl" or [ ... ] },
    "ordered":  false                                  true: compare each table's rows in order
  }
See docs/testing-jobs.md.

  <folder>            every *.sql file directly in it that has a .test.json
  --timeout <seconds> how long one test may run (default 60)
  -h, --help          this text

Exit codes: 0 every test passed, 1 a test failed (rows differ, or the job failed),
2 on a usage error, a job that does not compile or a definition that cannot run (file:line:col).`;

/** `predictd test`: argv is what follows the command name. */
export async function testCommand(argv: string[], io: CommandIo = processIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: { timeout: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
  } catch (err) {
    io.stderr(`predictd test: ${message(err)}\n\n${TEST_USAGE}\n`);
    return 2;
  }
  if (parsed.values.help) {
    io.stdout(`${TEST_USAGE}\n`);
    return 0;
  }
  const timeout = parsed.values.timeout === undefined ? 60 : Number(parsed.values.timeout);
  if (!Number.isFinite(timeout) || timeout <= 0) {
    io.stderr(`predictd test: --timeout takes a number of seconds above 0, not '${parsed.values.timeout}'\n`);
    return 2;
  }
  if (parsed.positionals.length === 0) {
    io.stderr(`predictd test: name at least one job file or folder\n\n${TEST_USAGE}\n`);
    return 2;
  }
  const tally = { passed: 0, failed: 0, errors: 0 };
  for (const target of parsed.positionals) {
    let jobs: string[];
    try {
      jobs = await jobsOf(target);
    } catch (err) {
      tally.errors++;
      io.stderr(`${target}: ${message(err)}\n`);
      continue;
    }
    for (const job of jobs) {
      const outcome = await testOne(job, timeout * 1000, io);
      tally[outcome]++;
    }
  }
  const total = tally.passed + tally.failed + tally.errors;
  const parts = [`${tally.passed} passed`, ...(tally.failed ? [`${tally.failed} failed`] : []), ...(tally.errors ? [`${tally.errors} could not run`] : [])];
  io.stdout(`\n${total} test${total === 1 ? '' : 's'}: ${parts.join(', ')}\n`);
  if (tally.errors > 0) return 2;
  return tally.failed > 0 ? 1 : 0;
}

async function testOne(job: string, timeoutMs: number, io: CommandIo): Promise<'passed' | 'failed' | 'errors'> {
  let result: JobTestResult;
  try {
    result = await runJobTest(job, { timeoutMs });
  } catch (err) {
    if (err instanceof DiagnosticsError) {
      io.stderr(`ERROR ${job}: the job does not compile\n${err.message}\n`);
    } else if (err instanceof TestDefinitionError) {
      const n = err.problems.length;
      io.stderr(`ERROR ${job}: the test cannot run (${n} problem${n === 1 ? '' : 's'})\n${err.message}\n`);
    } else if (isNodeError(err) && err.code === 'ENOENT') {
      io.stderr(`ERROR ${job}: cannot read: ${err.message}\n`);
    } else {
      throw err;
    }
    return 'errors';
  }
  io.stdout(report(result));
  return result.ok ? 'passed' : 'failed';
}

/** The result as people read it: PASS/FAIL per job, then per sink its counts and, when they differ, the rows. */
export function report(result: JobTestResult): string {
  const lines = [`${result.ok ? 'PASS' : 'FAIL'} ${result.job} (${result.definition})${result.description ? `: ${result.description}` : ''}`];
  if (result.failure) lines.push(`  ${result.failure}`);
  for (const sink of result.sinks) lines.push(...sinkReport(sink, result.ordered));
  for (const line of result.unanswered) lines.push(`  ${line}`);
  for (const note of result.notes) lines.push(`  log: ${note}`);
  return `${lines.join('\n')}\n`;
}

function sinkReport(sink: SinkResult, ordered: boolean): string[] {
  const rows = (n: number) => `${n} row${n === 1 ? '' : 's'}`;
  if (sink.ok) return [`  ${sink.table}: ${rows(sink.actual)} as expected`];
  const order = ordered ? 'in order' : 'order ignored';
  const head = `  ${sink.table}: expected ${rows(sink.expected)}, received ${rows(sink.actual)} (${order}; - expected only, + received only)`;
  // In order, matching rows are the context that places a difference; as a multiset they only add noise.
  const shown = ordered ? sink.diff : sink.diff.filter((d) => d.op !== ' ');
  return [head, ...shown.map((d) => `    ${d.op} ${d.row}`)];
}

/** A folder stands for its *.sql files that have a test definition; a file stands for itself. */
async function jobsOf(target: string): Promise<string[]> {
  if (!(await stat(target)).isDirectory()) return [target];
  const names = (await readdir(target)).filter((n) => n.endsWith('.sql')).sort();
  const jobs: string[] = [];
  for (const name of names) {
    const job = join(target, name);
    if (await exists(definitionFileFor(job))) jobs.push(job);
  }
  if (jobs.length === 0) throw new Error(`no job with a test definition (*.sql next to a *.test.json)`);
  return jobs;
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

function isNodeError(err: unknown): err is NodeJS.ErrnoException {
  return err instanceof Error && 'code' in err;
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
