import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BENCH_ENV } from '../support/bench-job.js';
import { P6Child } from './p6-child.js';

/** predictd logs this once every job of its folder has ended: the bounded datagen job's end. */
const ALL_FINISHED = 'every job has finished';

/**
 * The job Flink runs in bench/flink, in predictd's SQL: datagen (bounded, same rate option) ->
 * ML_PREDICT (async, same window, ALLOW_UNORDERED) -> print. predictd has no 'blackhole'
 * connector; 'print' to standard error is the cheapest sink it has, and the figure sends that
 * stream to a pipe whose text it drops (its log lines stay on stdout, where the figure reads them).
 */
export function predictdJobSql(opts: { readonly endpoint: string; readonly rows: number; readonly inFlight: number }): string {
  return [
    `CREATE MODEL m INPUT (text STRING) OUTPUT (label STRING) WITH ('provider' = 'openai', 'endpoint' = '${opts.endpoint}', 'api-key' = '\${BENCH_API_KEY}', 'model' = 'gpt-4o-mini');`,
    `CREATE TABLE src (id BIGINT, text STRING) WITH ('connector' = 'datagen', 'number-of-rows' = '${opts.rows}', 'rows-per-second' = '1000000', ` +
      `'fields.id.kind' = 'sequence', 'fields.id.start' = '1', 'fields.id.end' = '${opts.rows}', 'fields.text.length' = '10');`,
    `CREATE TABLE dst (id BIGINT, label STRING) WITH ('connector' = 'print', 'standard-error' = 'true');`,
    `INSERT INTO dst SELECT id, label FROM ML_PREDICT(TABLE src, MODEL m, DESCRIPTOR(text), MAP['async', 'true', 'max-concurrent-operations', '${opts.inFlight}', 'output-mode', 'ALLOW_UNORDERED']);`,
    '',
  ].join('\n');
}

/** A predictd daemon (the compiled one, as in the other figures) running that one job. */
export class PredictdJob {
  private constructor(
    readonly child: P6Child,
    readonly dir: string,
  ) {}

  static async start(opts: { readonly endpoint: string; readonly rows: number; readonly inFlight: number }): Promise<PredictdJob> {
    const dir = await mkdtemp(join(tmpdir(), 'predictd-bench-p6-'));
    await mkdir(join(dir, 'jobs'));
    await writeFile(join(dir, 'jobs', 'p6.sql'), predictdJobSql(opts));
    const prof = process.env.BENCH_CPU_PROF ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_CPU_PROF] : [];
    const child = new P6Child(process.execPath, [...prof, 'bin/predictd.js', 'run', '--jobs', join(dir, 'jobs')], {
      PREDICTD_ADMIN_PORT: '0',
      PREDICTD_LOG_LEVEL: 'info',
      ...BENCH_ENV,
    });
    return new PredictdJob(child, dir);
  }

  /** Resolves when the job has ended (all its rows through the sink); the daemon keeps running. */
  async finished(timeoutMs: number): Promise<void> {
    await this.child.waitForLine((l) => l.includes(ALL_FINISHED), timeoutMs);
  }

  async stop(): Promise<void> {
    await this.child.stop();
    await rm(this.dir, { recursive: true, force: true });
  }
}
