import { createServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { OpenAIEmulator } from '../../test/emulators/openai-emulator.js';
import { BENCH_API_KEY, BENCH_ENV, benchJob } from '../support/bench-job.js';
import { round, type BenchContext, type Figure, type TableRow } from '../support/figure.js';
import { MeasuredProcess } from '../support/measured-process.js';
import type { ProcSample } from '../support/process-meter.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const mean = (xs: readonly number[]) => xs.reduce((s, x) => s + x, 0) / Math.max(1, xs.length);

/** A "Kafka broker" that accepts connections and never answers: a sink that never acks. */
async function silentBroker(): Promise<{ readonly address: string; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createServer((s) => {
    sockets.add(s);
    s.on('error', () => undefined);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    address: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function jobs(ctx: BenchContext, count: number, endpoint: string, opts: { readonly rows?: number; readonly sinkBrokers?: string } = {}): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  for (let i = 0; i < count; i++) {
    const input = await ctx.kafka.topic('p5-in');
    const output = await ctx.kafka.topic('p5-out');
    if (opts.rows) await ctx.kafka.fill(input, opts.rows);
    files[`p5-${i}.sql`] = benchJob({
      brokers: ctx.kafka.brokers,
      input,
      output,
      group: `${input}-group`,
      ...(opts.sinkBrokers ? { sinkBrokers: opts.sinkBrokers } : {}),
      model: { endpoint, task: 'chat', config: { 'max-concurrent-operations': '64', 'output-mode': 'ALLOW_UNORDERED' } },
    });
  }
  return files;
}

/** RSS of a daemon whose `count` jobs wait on empty topics, averaged over its last two seconds of a settle time. */
async function idle(ctx: BenchContext, count: number, endpoint: string): Promise<TableRow> {
  const proc = await MeasuredProcess.predictd(await jobs(ctx, count, endpoint), BENCH_ENV);
  try {
    await proc.waitForLog('pipeline running', { count, timeoutMs: 120_000 });
    await sleep((ctx.quick ? 3 : 5) * 1000);
    const until = Date.now();
    const rss = mean(proc.meter.samples.filter((s) => s.at > until - 2000).map((s) => s.rssMb));
    ctx.log(`P5 idle with ${count} job(s): ${Math.round(rss)} MB`);
    return { daemon: `idle, ${count} job${count > 1 ? 's' : ''}`, 'RSS MB': Math.round(rss) };
  } finally {
    await proc.stop();
  }
}

/** One job reading a full topic into a sink that never acks: the in-flight window must cap what it holds. */
async function stalled(ctx: BenchContext, endpoint: string): Promise<{ row: TableRow; series: ProcSample[]; restarts: number }> {
  const broker = await silentBroker();
  try {
    const proc = await MeasuredProcess.predictd(await jobs(ctx, 1, endpoint, { rows: ctx.quick ? 5_000 : 20_000, sinkBrokers: broker.address }), BENCH_ENV);
    try {
      await proc.waitForLog('pipeline running');
      // Start-up (module loading, the first fetch) is not the stall: watch from five seconds in.
      await sleep(5_000);
      const from = Date.now();
      await sleep(ctx.stallSeconds * 1000);
      // The heap first sheds what start-up and the first fetches left behind (a one-off drop of a
      // few tens of MB); growth is what matters, so max/min is taken after that settles.
      const settleMs = Math.min(30_000, ctx.stallSeconds * 250);
      const series = proc.meter.samples.filter((s) => s.at >= from + settleMs);
      const rss = series.map((s) => s.rssMb);
      const min = Math.min(...rss);
      const max = Math.max(...rss);
      const restarts = (await proc.log()).split('"job restarting"').length - 1;
      ctx.log(`P5 stalled sink for ${ctx.stallSeconds} s: RSS ${Math.round(min)}..${Math.round(max)} MB, ${restarts} job restarts`);
      return {
        row: { daemon: `stalled sink, ${ctx.stallSeconds} s`, 'RSS MB': `${Math.round(min)}..${Math.round(max)}`, 'max / min': round(max / min, 3), 'job restarts': restarts },
        series,
        restarts,
      };
    } finally {
      await proc.stop();
    }
  } finally {
    await broker.close();
  }
}

export const p5Memory: Figure = {
  id: 'P5',
  title: 'Memory: idle with 1 and 10 jobs, and under a stalled sink',
  async run(ctx) {
    const emulator = await OpenAIEmulator.start({ apiKeys: [BENCH_API_KEY], respond: () => 'positive' });
    try {
      const endpoint = emulator.url('/v1/chat/completions');
      const one = await idle(ctx, 1, endpoint);
      const ten = await idle(ctx, 10, endpoint);
      const stall = await stalled(ctx, endpoint);
      const ratio = Number(stall.row['max / min']);
      const t0 = stall.series[0]?.at ?? 0;
      // One point a second is plenty for a five-minute line.
      const perSecond = stall.series.filter((s, i, all) => i === 0 || Math.floor((s.at - t0) / 1000) !== Math.floor((all[i - 1]!.at - t0) / 1000));
      return {
        table: [
          { ...one, 'max / min': '', 'job restarts': '' },
          { ...ten, 'max / min': '', 'job restarts': '' },
          stall.row,
        ],
        summary: [
          { measure: 'RSS idle, one job', result: `${one['RSS MB']} MB`, target: '<= 120 MB', met: Number(one['RSS MB']) <= 120 },
          { measure: 'RSS idle, 10 jobs', result: `${ten['RSS MB']} MB`, target: '<= 200 MB', met: Number(ten['RSS MB']) <= 200 },
          { measure: `RSS over ${ctx.stallSeconds} s of a stalled sink, max / min`, result: `${ratio} (${stall.row['RSS MB']} MB)`, target: 'flat: <= 1.10', met: ratio <= 1.1 },
        ],
        charts: [
          {
            name: 'p5-stalled-sink',
            chart: {
              kind: 'line',
              title: `P5: daemon RSS while its sink never acks (${ctx.stallSeconds} s)`,
              xLabel: 'seconds',
              yLabel: 'RSS MB',
              points: perSecond.map((s) => ({ x: round((s.at - t0) / 1000, 1), y: round(s.rssMb, 1) })),
            },
          },
        ],
        details: { stallSeconds: ctx.stallSeconds, stalledRssMbPerSecond: perSecond.map((s) => round(s.rssMb, 1)) },
      };
    } finally {
      await emulator.close();
    }
  },
};
