// The benchmark suite of issue 9: P1..P5 against the real Kafka broker of the tests and the
// OpenAI-wire emulator, predictd in its own process; P6 (with --flink) runs the same datagen job
// on Apache Flink 2.1's MiniCluster beside predictd's. Prints one table per figure, writes
// bench/results/<figure>.json and docs/benchmarks/*.svg, and updates docs/benchmarks.md.
// Usage: npm run bench [-- --only P1,P3] [--quick] [--stall-seconds 300] [--flink]
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { provideKafka } from '../test/broker/provide-kafka.js';
import { p1LittlesLaw } from './figures/p1-littles-law.js';
import { p2Overhead } from './figures/p2-overhead.js';
import { p3RateLimit } from './figures/p3-rate-limit.js';
import { p4EmbeddingBatching } from './figures/p4-embedding-batching.js';
import { p5Memory } from './figures/p5-memory.js';
import { p6FlinkSideBySide } from './figures/p6-flink-side-by-side.js';
import { markdownTable, replaceBlock } from './support/docs-block.js';
import type { BenchContext, Figure, FigureResult } from './support/figure.js';
import { KafkaBench } from './support/kafka-bench.js';
import { buildPredictd } from './support/measured-process.js';
import { renderChart } from './support/svg-chart.js';

const FIGURES: readonly Figure[] = [p1LittlesLaw, p2Overhead, p3RateLimit, p4EmbeddingBatching, p5Memory, p6FlinkSideBySide];
const DOC = 'docs/benchmarks.md';

const { values } = parseArgs({
  options: {
    only: { type: 'string' },
    quick: { type: 'boolean', default: false },
    'stall-seconds': { type: 'string' },
    flink: { type: 'boolean', default: false },
  },
});
const quick = values.quick ?? false;
const only = values.only?.split(',').map((s) => s.trim().toUpperCase());
const unknown = only?.filter((id) => !FIGURES.some((f) => f.id === id)) ?? [];
if (unknown.length > 0) throw new Error(`unknown figure ${unknown.join(', ')}: choose from ${FIGURES.map((f) => f.id).join(', ')}`);
// P6 needs Java 17 + Maven and Flink's jars (downloaded once): it runs only with --flink, which
// adds it to the default set (with --only, it must be named there too).
const wanted = FIGURES.filter((f) => !only || only.includes(f.id));
const selected = wanted.filter((f) => f.id !== 'P6' || values.flink);
const log = (msg: string) => process.stderr.write(`[bench] ${msg}\n`);
if (selected.length < wanted.length) console.log("P6 (side by side with Apache Flink 2.1) skipped: it needs Java 17 + Maven and downloads Flink's jars once; add --flink to run it.");
if (selected.length === 0) process.exit(0);

log('building predictd (npm run build): the figures measure the compiled daemon, as it is shipped');
await buildPredictd();
const broker = await provideKafka(log);
const kafka = await KafkaBench.connect(broker.brokers);
const ctx: BenchContext = { kafka, quick, stallSeconds: Number(values['stall-seconds'] ?? (quick ? 30 : 300)), log };
try {
  for (const figure of selected) {
    const loadBefore = loadavg();
    const started = Date.now();
    log(`${figure.id}: ${figure.title}${quick ? ' (quick)' : ''}`);
    const result = await figure.run(ctx);
    await record(figure, result, { loadBefore, loadAfter: loadavg(), seconds: Math.round((Date.now() - started) / 1000) });
  }
} finally {
  await kafka.close();
  await broker.stop();
}

async function record(figure: Figure, result: FigureResult, run: { loadBefore: number[]; loadAfter: number[]; seconds: number }) {
  const machine = {
    date: new Date().toISOString(),
    quick,
    cores: cpus().length,
    cpu: cpus()[0]?.model ?? 'unknown',
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    loadBefore: run.loadBefore.map((l) => Math.round(l * 100) / 100),
    loadAfter: run.loadAfter.map((l) => Math.round(l * 100) / 100),
    seconds: run.seconds,
  };
  const summary = result.summary.map((s) => ({ measure: s.measure, result: s.result, target: s.target, met: s.met === undefined ? '-' : s.met ? 'yes' : 'no' }));
  console.log(`\n${figure.id} ${figure.title}${quick ? ' (quick run)' : ''}`);
  console.table(result.table);
  console.table(summary);

  const id = figure.id.toLowerCase();
  await mkdir('bench/results', { recursive: true });
  await writeFile(`bench/results/${id}.json`, JSON.stringify({ figure: figure.id, title: figure.title, machine, summary, table: result.table, details: result.details ?? {} }, null, 2) + '\n');
  await mkdir('docs/benchmarks', { recursive: true });
  for (const c of result.charts) await writeFile(`docs/benchmarks/${c.name}.svg`, renderChart(c.chart));

  const load = (l: number[]) => l.map((x) => x.toFixed(2)).join(' / ');
  const block = [
    `Latest ${quick ? '**quick** run (a smoke run: fewer rows, shorter windows; not a recorded result)' : 'run'}: ${machine.date.slice(0, 16).replace('T', ' ')} UTC, ` +
      `Node ${machine.node}, ${machine.cores} cores (${machine.cpu}), load average 1/5/15 min ${load(machine.loadBefore)} before, ${load(machine.loadAfter)} after, ${machine.seconds} s.`,
    '',
    markdownTable(summary),
    '',
    ...result.charts.map((c) => `![${c.chart.title}](benchmarks/${c.name}.svg)`),
    '',
    '<details><summary>All measurements</summary>',
    '',
    markdownTable(result.table),
    '',
    '</details>',
  ].join('\n');
  await writeFile(DOC, replaceBlock(await readFile(DOC, 'utf8'), figure.id, block));
  log(`wrote bench/results/${id}.json, ${result.charts.map((c) => `docs/benchmarks/${c.name}.svg`).join(', ')} and the ${figure.id} block of ${DOC}`);
}
