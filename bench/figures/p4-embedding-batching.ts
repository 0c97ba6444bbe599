import { OpenAIEmulator } from '../../test/emulators/openai-emulator.js';
import { BENCH_API_KEY, BENCH_ENV, benchJob } from '../support/bench-job.js';
import { round, type BenchContext, type Figure, type TableRow } from '../support/figure.js';
import { measureThroughput } from '../support/measure-throughput.js';
import { MeasuredProcess } from '../support/measured-process.js';

/** A small request quota, so the request count — not the model's latency — is what binds. */
const RPM = 600;

async function measure(ctx: BenchContext, batched: boolean, seconds: number): Promise<TableRow> {
  const emulator = await OpenAIEmulator.start({ apiKeys: [BENCH_API_KEY], latencyMs: 20 });
  try {
    const input = await ctx.kafka.topic('p4-in');
    const output = await ctx.kafka.topic('p4-out');
    // Enough queued rows that the source never runs dry while the figure watches.
    await ctx.kafka.fill(input, batched ? Math.min(40_000, 1_500 * (seconds + 15)) : (RPM / 60) * (seconds + 15));
    const sql = benchJob({
      brokers: ctx.kafka.brokers,
      input,
      output,
      group: `${input}-group`,
      model: {
        endpoint: emulator.url('/v1/embeddings'),
        task: 'embeddings',
        options: { 'rate-limit.requests-per-minute': String(RPM), ...(batched ? {} : { 'max-batch-size': '1' }) },
        config: { 'max-concurrent-operations': '64', 'output-mode': 'ALLOW_UNORDERED' },
      },
    });
    const t = await measureThroughput(ctx, { output, until: { forMs: seconds * 1000 }, start: () => MeasuredProcess.predictd({ 'p4.sql': sql }, BENCH_ENV) });
    const c = emulator.counters;
    const row = {
      calls: batched ? 'micro-batched (default max-batch-size)' : 'one row per call (max-batch-size 1)',
      'requests/min quota': RPM,
      rows: t.rows,
      'rows/s': round(t.rowsPerSecond, 1),
      requests: c.embeddingRequests,
      'rows per request': round(c.embeddingInputs / Math.max(1, c.embeddingRequests), 1),
      'CPU ms/row': t.cpuMsPerRow,
    };
    ctx.log(`P4 ${row.calls}: ${row['rows/s']} rows/s, ${row['rows per request']} rows per request`);
    return row;
  } finally {
    await emulator.close();
  }
}

export const p4EmbeddingBatching: Figure = {
  id: 'P4',
  title: 'Embedding batching gain at the same request quota',
  async run(ctx) {
    const seconds = ctx.quick ? 8 : 15;
    const perRow = await measure(ctx, false, seconds);
    const batched = await measure(ctx, true, seconds);
    const gain = round(Number(batched['rows/s']) / Math.max(0.001, Number(perRow['rows/s'])), 1);
    return {
      table: [perRow, batched],
      summary: [{ measure: `rows/s, micro-batched / one row per call, at ${RPM} requests/min`, result: `${gain}x`, target: '>= 10x', met: gain >= 10 }],
      charts: [
        {
          name: 'p4-batching',
          chart: {
            kind: 'bar',
            title: `P4: embeddings rows/s at ${RPM} requests/min`,
            yLabel: 'rows/s',
            bars: [
              { label: 'one row per call', value: Number(perRow['rows/s']) },
              { label: 'micro-batched', value: Number(batched['rows/s']) },
            ],
            target: { value: Number(perRow['rows/s']) * 10, label: '10x one row per call' },
          },
        },
      ],
      details: { seconds },
    };
  },
};
