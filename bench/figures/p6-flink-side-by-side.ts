import { OpenAIEmulator } from '../../test/emulators/openai-emulator.js';
import { BENCH_API_KEY } from '../support/bench-job.js';
import { round, type BenchContext, type Figure, type TableRow } from '../support/figure.js';
import type { P6Child } from './p6-child.js';
import { buildFlinkBench, flinkReport, startFlinkJob, type FlinkReport } from './p6-flink-job.js';
import { PredictdJob } from './p6-predictd-job.js';

const IN_FLIGHT = 64;
type System = 'Apache Flink 2.1 (MiniCluster)' | 'predictd';

/**
 * When the emulator saw the first and the last request: the one clock both systems are timed
 * by, so neither JVM nor Node start-up, nor Flink's planning, counts as throughput.
 */
class RequestClock {
  first = 0;
  last = 0;
  count = 0;

  readonly respond = (): string => {
    const now = Date.now();
    if (this.count === 0) this.first = now;
    this.last = now;
    this.count++;
    return 'positive';
  };
}

interface Run {
  readonly system: System;
  readonly latencyMs: number;
  readonly rows: number;
  readonly rowsPerSecond: number;
  readonly maxInFlight: number;
  readonly cpuMsPerRow: number;
  readonly peakRssMb: number;
  /** Process start to the job's end, start-up included. */
  readonly startToEndSeconds: number;
  readonly flink?: FlinkReport;
}

/** One system, one model latency: a fresh emulator, the job to its end, the emulator's view of it. */
async function measure(ctx: BenchContext, system: System, latencyMs: number, rows: number, classpath: string): Promise<Run> {
  const clock = new RequestClock();
  const emulator = await OpenAIEmulator.start({ apiKeys: [BENCH_API_KEY], latencyMs, respond: clock.respond });
  // A floor of 20 rows/s before giving up: far below either system, far above a hang.
  const timeoutMs = 120_000 + rows * 50;
  const job = { endpoint: emulator.url('/v1/chat/completions'), rows, inFlight: IN_FLIGHT };
  let child: P6Child | undefined;
  let predictd: PredictdJob | undefined;
  try {
    let flink: FlinkReport | undefined;
    if (system === 'predictd') {
      predictd = await PredictdJob.start(job);
      child = predictd.child;
      await predictd.finished(timeoutMs);
    } else {
      child = startFlinkJob(classpath, { ...job, apiKey: BENCH_API_KEY });
      flink = await flinkReport(child, timeoutMs);
    }
    const endedAt = Date.now();
    await child.meter.sample();
    if (clock.count < rows) throw new Error(`P6 ${system}: the job ended after ${clock.count} model requests for ${rows} rows; ${child.tail()}`);
    const end = clock.last + latencyMs;
    const run: Run = {
      system,
      latencyMs,
      rows,
      rowsPerSecond: Math.round((rows * 1000) / Math.max(1, end - clock.first)),
      maxInFlight: emulator.counters.maxInFlight,
      cpuMsPerRow: round(child.meter.cpuBetween(clock.first, end) / rows, 3),
      peakRssMb: child.peakRssMb,
      startToEndSeconds: round((endedAt - child.startedAt) / 1000, 1),
      ...(flink ? { flink } : {}),
    };
    ctx.log(`P6 ${system}, ${latencyMs} ms model: ${run.rowsPerSecond} rows/s, ${run.maxInFlight} in flight at most, ${run.peakRssMb} MB peak RSS`);
    return run;
  } finally {
    if (predictd) await predictd.stop();
    else await child?.stop();
    await emulator.close();
  }
}

const ratio = (a: number, b: number) => round(a / Math.max(0.001, b));

export const p6FlinkSideBySide: Figure = {
  id: 'P6',
  title: 'Side by side with Apache Flink 2.1 (datagen -> ML_PREDICT -> blackhole)',
  async run(ctx) {
    const classpath = await buildFlinkBench(ctx.log);
    const settings = [
      { latencyMs: 50, rows: ctx.quick ? 2_000 : 20_000 },
      { latencyMs: 0, rows: ctx.quick ? 5_000 : 50_000 },
    ];
    const runs: Run[] = [];
    for (const s of settings) {
      // Flink first: it is the side that needs a JVM and downloaded jars, so it fails early.
      for (const system of ['Apache Flink 2.1 (MiniCluster)', 'predictd'] as const) runs.push(await measure(ctx, system, s.latencyMs, s.rows, classpath));
    }
    const find = (system: System, latencyMs: number) => runs.find((r) => r.system === system && r.latencyMs === latencyMs)!;
    const bound = (latencyMs: number) => (IN_FLIGHT * 1000) / latencyMs;
    const table: TableRow[] = runs.map((r) => ({
      model: `${r.latencyMs} ms`,
      system: r.system,
      sink: r.system === 'predictd' ? "print to a dropped stream (no 'blackhole' connector)" : 'blackhole',
      rows: r.rows,
      'rows/s': r.rowsPerSecond,
      'of bound': r.latencyMs > 0 ? `${Math.round((r.rowsPerSecond / bound(r.latencyMs)) * 100)} %` : '',
      'max in flight': r.maxInFlight,
      'CPU ms/row': r.cpuMsPerRow,
      'peak RSS MB': r.peakRssMb,
      'start to end s': r.startToEndSeconds,
    }));
    const summary = settings.map((s) => {
      const p = find('predictd', s.latencyMs);
      const f = find('Apache Flink 2.1 (MiniCluster)', s.latencyMs);
      const x = ratio(p.rowsPerSecond, f.rowsPerSecond);
      return { measure: `rows/s, predictd / Flink 2.1, ${s.latencyMs} ms model`, result: `${x}x (${p.rowsPerSecond} / ${f.rowsPerSecond} rows/s)`, target: '>= 1x', met: x >= 1 };
    });
    const peak = (system: System) => Math.max(...runs.filter((r) => r.system === system).map((r) => r.peakRssMb));
    const rss = ratio(peak('predictd'), peak('Apache Flink 2.1 (MiniCluster)'));
    summary.push({ measure: 'peak RSS, predictd / Flink 2.1', result: `${rss}x (${peak('predictd')} / ${peak('Apache Flink 2.1 (MiniCluster)')} MB)`, target: '<= 1x', met: rss <= 1 });
    return {
      table,
      summary,
      charts: settings.map((s) => ({
        name: `p6-flink-${s.latencyMs}ms`,
        chart: {
          kind: 'bar' as const,
          title: `P6: rows/s, ${s.latencyMs} ms model, ${IN_FLIGHT} in flight (${s.rows.toLocaleString('en-US')} rows)`,
          yLabel: 'rows/s',
          bars: [
            { label: 'Flink 2.1', value: find('Apache Flink 2.1 (MiniCluster)', s.latencyMs).rowsPerSecond },
            { label: 'predictd', value: find('predictd', s.latencyMs).rowsPerSecond },
          ],
          ...(s.latencyMs > 0 ? { target: { value: bound(s.latencyMs), label: `Little's-law bound ${IN_FLIGHT} / ${s.latencyMs} ms` } } : {}),
        },
      })),
      details: {
        inFlight: IN_FLIGHT,
        timing: 'rows / (last model request + latency - first model request), as the emulator saw them',
        flinkSelfReported: runs.filter((r) => r.flink).map((r) => ({ latencyMs: r.latencyMs, ...r.flink })),
      },
    };
  },
};
