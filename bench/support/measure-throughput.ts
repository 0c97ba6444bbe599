import type { BenchContext } from './figure.js';
import { round } from './figure.js';
import { arrivalsOf } from './kafka-bench.js';
import type { MeasuredProcess } from './measured-process.js';

export interface Throughput {
  readonly rows: number;
  readonly seconds: number;
  readonly rowsPerSecond: number;
  /** CPU of the measured process between the first and the last output record, per row. */
  readonly cpuMsPerRow: number;
  readonly peakRssMb: number;
}

/**
 * Starts the reader of `output`, then the process, and times the output records: the span from
 * the first to the last record leaves out process start-up and the consumer group join, which
 * are not throughput.
 */
export async function measureThroughput(
  ctx: BenchContext,
  opts: { readonly output: string; readonly until: { readonly count?: number; readonly forMs?: number }; readonly start: () => Promise<MeasuredProcess> },
): Promise<Throughput> {
  const arrived = ctx.kafka.arrivals(opts.output, { ...opts.until, timeoutMs: 300_000 });
  // If the process fails to start, the reader's own timeout must not crash the run later.
  arrived.catch(() => undefined);
  const proc = await opts.start();
  try {
    const a = arrivalsOf(await arrived);
    await proc.meter.sample();
    const cpuMs = proc.meter.cpuBetween(a.first, a.last);
    return {
      rows: a.count,
      seconds: round((a.last - a.first) / 1000),
      rowsPerSecond: Math.round(a.rowsPerSecond),
      cpuMsPerRow: round(cpuMs / Math.max(1, a.count - 1), 3),
      peakRssMb: Math.round(Math.max(0, ...proc.meter.samples.map((s) => s.rssMb))),
    };
  } finally {
    await proc.stop();
  }
}
