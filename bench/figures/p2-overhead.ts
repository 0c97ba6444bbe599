import { OpenAIEmulator } from '../../test/emulators/openai-emulator.js';
import { BENCH_API_KEY, BENCH_ENV, benchJob } from '../support/bench-job.js';
import { round, type BenchContext, type Figure, type TableRow } from '../support/figure.js';
import { measureThroughput, type Throughput } from '../support/measure-throughput.js';
import { MeasuredProcess } from '../support/measured-process.js';

type Subject = 'predictd, 0 ms model over HTTP' | 'predictd, passthrough (no model)' | 'raw kafkajs loop';

/** One pass of `rows` through a fresh input topic; the emulator answers at once. */
async function pass(ctx: BenchContext, subject: Subject, rows: number): Promise<Throughput> {
  const emulator = await OpenAIEmulator.start({ apiKeys: [BENCH_API_KEY], latencyMs: 0, respond: () => 'positive' });
  try {
    const input = await ctx.kafka.topic('p2-in');
    const output = await ctx.kafka.topic('p2-out');
    await ctx.kafka.fill(input, rows);
    const group = `${input}-group`;
    const start = (): Promise<MeasuredProcess> => {
      switch (subject) {
        case 'raw kafkajs loop':
          return MeasuredProcess.script('bench/raw-kafka-loop.ts', [ctx.kafka.brokers, input, output, group]);
        case 'predictd, passthrough (no model)':
          return MeasuredProcess.predictd({ 'p2.sql': benchJob({ brokers: ctx.kafka.brokers, input, output, group }) }, BENCH_ENV);
        case 'predictd, 0 ms model over HTTP':
          return MeasuredProcess.predictd(
            {
              'p2.sql': benchJob({
                brokers: ctx.kafka.brokers,
                input,
                output,
                group,
                model: { endpoint: emulator.url('/v1/chat/completions'), task: 'chat', config: { 'max-concurrent-operations': '64', 'output-mode': 'ALLOW_UNORDERED' } },
              }),
            },
            BENCH_ENV,
          );
      }
    };
    const t = await measureThroughput(ctx, { output, until: { count: rows }, start });
    ctx.log(`P2 ${subject}: ${t.rowsPerSecond} rows/s, ${t.cpuMsPerRow} CPU ms/row`);
    return t;
  } finally {
    await emulator.close();
  }
}

export const p2Overhead: Figure = {
  id: 'P2',
  title: 'Per-row overhead: 0 ms model, passthrough, raw kafkajs',
  async run(ctx) {
    const rows = ctx.quick ? 5_000 : 50_000;
    const subjects: Subject[] = ['predictd, 0 ms model over HTTP', 'predictd, passthrough (no model)', 'raw kafkajs loop'];
    const results = new Map<Subject, Throughput>();
    for (const s of subjects) results.set(s, await pass(ctx, s, rows));
    const model = results.get('predictd, 0 ms model over HTTP')!;
    const passthrough = results.get('predictd, passthrough (no model)')!;
    const raw = results.get('raw kafkajs loop')!;
    const ratio = round(passthrough.rowsPerSecond / Math.max(1, raw.rowsPerSecond));
    const table: TableRow[] = subjects.map((s) => {
      const t = results.get(s)!;
      return { job: s, rows: t.rows, seconds: t.seconds, 'rows/s': t.rowsPerSecond, 'CPU ms/row': t.cpuMsPerRow, 'peak RSS MB': t.peakRssMb };
    });
    return {
      table,
      summary: [
        { measure: 'Kafka -> 0 ms model over HTTP -> Kafka', result: `${model.rowsPerSecond.toLocaleString('en-US')} rows/s`, target: '>= 10,000 rows/s', met: model.rowsPerSecond >= 10_000 },
        { measure: 'predictd CPU per row (0 ms model)', result: `${model.cpuMsPerRow} ms`, target: '<= 0.1 ms', met: model.cpuMsPerRow <= 0.1 },
        { measure: 'passthrough / raw kafkajs loop', result: `${ratio}x (${passthrough.rowsPerSecond} / ${raw.rowsPerSecond} rows/s)`, target: '>= 0.5x', met: ratio >= 0.5 },
      ],
      charts: [
        {
          name: 'p2-overhead',
          chart: {
            kind: 'bar',
            title: `P2: rows/s through Kafka (${rows.toLocaleString('en-US')} rows, 4 partitions)`,
            yLabel: 'rows/s',
            bars: table.map((r) => ({ label: String(r['job']).replace('predictd, ', ''), value: Number(r['rows/s']) })),
            target: { value: 10_000, label: 'target 10,000 rows/s (0 ms model)' },
          },
        },
      ],
    };
  },
};
