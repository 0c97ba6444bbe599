import { OpenAIEmulator } from '../../test/emulators/openai-emulator.js';
import { BENCH_API_KEY, BENCH_ENV, benchJob } from '../support/bench-job.js';
import { round, type BenchContext, type Figure, type TableRow } from '../support/figure.js';
import { measureThroughput } from '../support/measure-throughput.js';
import { MeasuredProcess } from '../support/measured-process.js';

const SWEEP = [8, 16, 32, 64, 128, 256, 512];
const QUICK_SWEEP = [8, 64, 512];
/**
 * The main points run twice: with every answer after exactly 50 ms, and with answers spread
 * uniformly over 50 ms +/- 20 % (mean still 50 ms, so the same bound). A fixed latency is the worst
 * case for one event loop: the answers of all 64 slots come back in one bunch, are handled one after
 * the other, and the slots stay in step; any real provider's spread breaks the bunches up.
 */
const SPREAD = 0.2;

/**
 * Kafka (4 partitions) -> ML_PREDICT on the emulator -> Kafka: rows/s against Little's law,
 * in-flight / latency. One run per point, each with a fresh topic, group and emulator.
 */
async function point(
  ctx: BenchContext,
  p: { readonly latencyMs: number; readonly spread?: number; readonly inFlight: number; readonly mode: 'ALLOW_UNORDERED' | 'ORDERED'; readonly rows: number },
): Promise<TableRow> {
  const emulator = await OpenAIEmulator.start({ apiKeys: [BENCH_API_KEY], latencyMs: p.latencyMs, latencySpread: p.spread ?? 0, respond: () => 'positive' });
  try {
    const input = await ctx.kafka.topic('p1-in');
    const output = await ctx.kafka.topic('p1-out');
    await ctx.kafka.fill(input, p.rows);
    const sql = benchJob({
      brokers: ctx.kafka.brokers,
      input,
      output,
      group: `${input}-group`,
      model: { endpoint: emulator.url('/v1/chat/completions'), task: 'chat', config: { 'max-concurrent-operations': String(p.inFlight), 'output-mode': p.mode } },
    });
    const t = await measureThroughput(ctx, { output, until: { count: p.rows }, start: () => MeasuredProcess.predictd({ 'p1.sql': sql }, BENCH_ENV) });
    const bound = (p.inFlight * 1000) / p.latencyMs;
    const row = {
      'output-mode': p.mode,
      'in flight': p.inFlight,
      'latency ms': p.latencyMs,
      'latency spread': p.spread ? `+/- ${Math.round(p.spread * 100)} %` : 'fixed',
      rows: t.rows,
      'rows/s': t.rowsPerSecond,
      'bound rows/s': Math.round(bound),
      efficiency: round(t.rowsPerSecond / bound),
      'CPU ms/row': t.cpuMsPerRow,
      'max in flight at model': emulator.counters.maxInFlight,
      'peak RSS MB': t.peakRssMb,
    };
    ctx.log(`P1 ${p.mode} ${p.inFlight} in flight at ${p.latencyMs} ms${p.spread ? ` +/- ${p.spread * 100} %` : ''}: ${row['rows/s']} rows/s = ${row.efficiency} of ${row['bound rows/s']}`);
    return row;
  } finally {
    await emulator.close();
  }
}

/**
 * The bench's own ceiling at a main point: a bare node:http client (bench/raw-http-loop.ts: no
 * predictd, no Kafka) keeping as many requests on the same kind of emulator. The emulator answers
 * in this (the bench's) process, on the same 2 cores: its own CPU per answer delays answers that
 * come due together, so even this client stays below the bound.
 */
async function ceiling(ctx: BenchContext, p: { readonly latencyMs: number; readonly spread: number; readonly inFlight: number; readonly rows: number }): Promise<TableRow> {
  const emulator = await OpenAIEmulator.start({ apiKeys: [BENCH_API_KEY], latencyMs: p.latencyMs, latencySpread: p.spread, respond: () => 'positive' });
  const client = await MeasuredProcess.script('bench/raw-http-loop.ts', [emulator.url('/v1/chat/completions'), BENCH_API_KEY, String(p.rows), String(p.inFlight)]);
  try {
    await client.waitForLog('"answersPerSecond"', { timeoutMs: 300_000 });
    const line = (await client.log()).split('\n').find((l) => l.includes('"answersPerSecond"'))!;
    const { answersPerSecond } = JSON.parse(line) as { answersPerSecond: number };
    const bound = (p.inFlight * 1000) / p.latencyMs;
    const row = {
      'output-mode': 'bare node:http client (no predictd, no Kafka)',
      'in flight': p.inFlight,
      'latency ms': p.latencyMs,
      'latency spread': p.spread ? `+/- ${Math.round(p.spread * 100)} %` : 'fixed',
      rows: p.rows,
      'rows/s': Math.round(answersPerSecond),
      'bound rows/s': Math.round(bound),
      efficiency: round(answersPerSecond / bound),
      'CPU ms/row': '',
      'max in flight at model': emulator.counters.maxInFlight,
      'peak RSS MB': '',
    };
    ctx.log(`P1 bare client ${p.inFlight} in flight at ${p.latencyMs} ms ${row['latency spread']}: ${row['rows/s']} answers/s = ${row.efficiency} of ${row['bound rows/s']}`);
    return row;
  } finally {
    await client.stop();
    await emulator.close();
  }
}

export const p1LittlesLaw: Figure = {
  id: 'P1',
  title: "Little's-law efficiency through real Kafka",
  async run(ctx) {
    const rows = ctx.quick ? 3_000 : 20_000;
    const main = [];
    const ceilings = [];
    for (const spread of [0, SPREAD]) {
      for (const mode of ['ALLOW_UNORDERED', 'ORDERED'] as const) main.push(await point(ctx, { latencyMs: 50, spread, inFlight: 64, mode, rows }));
      ceilings.push(await ceiling(ctx, { latencyMs: 50, spread, inFlight: 64, rows }));
    }
    const sweep = [];
    for (const inFlight of ctx.quick ? QUICK_SWEEP : SWEEP) {
      const bound = inFlight / 0.02;
      // About four seconds at the bound, capped where a CPU-bound run would take too long.
      const n = Math.round(Math.min(ctx.quick ? 3_000 : 8_000, Math.max(1_000, bound * (ctx.quick ? 1.5 : 4))));
      sweep.push(await point(ctx, { latencyMs: 20, inFlight, mode: 'ALLOW_UNORDERED', rows: n }));
    }
    const eff = (r: TableRow | undefined) => Number(r?.['efficiency'] ?? 0);
    return {
      table: [...main, ...ceilings, ...sweep],
      summary: [
        { measure: 'ALLOW_UNORDERED, 50 ms fixed, 64 in flight', result: `${main[0]!['rows/s']} rows/s = ${eff(main[0])} of 1,280`, target: '>= 0.95', met: eff(main[0]) >= 0.95 },
        { measure: 'ORDERED, 50 ms fixed, 64 in flight', result: `${main[1]!['rows/s']} rows/s = ${eff(main[1])} of 1,280`, target: '>= 0.90', met: eff(main[1]) >= 0.9 },
        { measure: `ALLOW_UNORDERED, 50 ms +/- ${SPREAD * 100} %, 64 in flight`, result: `${main[2]!['rows/s']} rows/s = ${eff(main[2])} of 1,280`, target: '>= 0.95', met: eff(main[2]) >= 0.95 },
        { measure: `ORDERED, 50 ms +/- ${SPREAD * 100} %, 64 in flight`, result: `${main[3]!['rows/s']} rows/s = ${eff(main[3])} of 1,280`, target: '>= 0.90', met: eff(main[3]) >= 0.9 },
        ...ceilings.map((c) => ({
          measure: `the bench's ceiling: bare node:http client, 50 ms ${String(c['latency spread'])}, 64 in flight`,
          result: `${c['rows/s']} answers/s = ${eff(c)} of 1,280`,
          target: 'reference',
        })),
      ],
      charts: [
        {
          name: 'p1-efficiency',
          chart: {
            kind: 'bar',
            title: "P1: share of Little's-law bound (50 ms, 64 in flight)",
            yLabel: 'efficiency',
            bars: main.map((r) => ({ label: `${String(r['output-mode'])}, ${String(r['latency spread'])}`, value: eff(r) })),
            target: { value: 0.95, label: 'target 0.95 (ALLOW_UNORDERED)' },
          },
        },
        {
          name: 'p1-sweep',
          chart: {
            kind: 'line',
            title: 'P1: efficiency over the in-flight window (20 ms model)',
            xLabel: 'max-concurrent-operations',
            yLabel: 'efficiency',
            logX: true,
            xTicks: sweep.map((r) => Number(r['in flight'])),
            points: sweep.map((r) => ({ x: Number(r['in flight']), y: eff(r) })),
            target: { value: 0.95, label: '0.95' },
          },
        },
      ],
    };
  },
};
