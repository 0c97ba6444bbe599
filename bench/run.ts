// Throughput of one pipeline in this process: datagen -> ML_PREDICT (offline local model with a
// simulated latency) -> a sink that counts. Prints a table and writes bench/results/latest.json.
// Usage: npm run bench [-- --rows 20000]
import { mkdir, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { compileJob } from '../src/daemon/compile-job.js';
import { createDefaultRegistry } from '../src/daemon/default-registry.js';
import { bindPipeline } from '../src/daemon/bind-pipeline.js';
import { bindModel, LimiterRegistry, modelSpecFor } from '../src/providers/index.js';
import { Pipeline } from '../src/runtime/pipeline.js';
import type { Logger } from '../src/spi/logger.js';
import type { ConnectorFactory } from '../src/spi/connector.js';

const { values } = parseArgs({ options: { rows: { type: 'string', default: '20000' } } });
const ROWS = Number(values.rows);

interface Scenario {
  readonly name: string;
  readonly latency: string;
  readonly concurrency: number;
  readonly task: 'classification' | 'embedding';
  readonly rows: number;
}

const SCENARIOS: Scenario[] = [
  { name: 'sentiment, no model latency', latency: '0ms', concurrency: 10, task: 'classification', rows: ROWS },
  { name: 'embedding(256), no model latency', latency: '0ms', concurrency: 10, task: 'embedding', rows: ROWS },
  { name: 'sentiment, 20 ms model, 10 in flight', latency: '20ms', concurrency: 10, task: 'classification', rows: Math.min(ROWS, 2000) },
  { name: 'sentiment, 20 ms model, 100 in flight', latency: '20ms', concurrency: 100, task: 'classification', rows: Math.min(ROWS, 10000) },
];

const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => quiet };

/** A sink that only counts: the benchmark measures predictd, not a downstream system. */
let written = 0;
const countingConnector: ConnectorFactory = {
  name: 'blackhole',
  summary: 'counts rows',
  spec: { options: [{ key: 'connector', type: { kind: 'string' }, required: true, description: '' }] },
  createSink: () => ({
    async write(rows) {
      written += rows.length;
    },
    async close() {},
  }),
};

async function run(s: Scenario) {
  const registry = createDefaultRegistry().registerConnector(countingConnector);
  const sql = `
CREATE TEMPORARY TABLE src (id BIGINT, word STRING) WITH ('connector' = 'datagen', 'rows-per-second' = '0', 'number-of-rows' = '${s.rows}', 'fields.id.kind' = 'sequence', 'seed' = '1');
CREATE MODEL m INPUT (t STRING) OUTPUT (o ${s.task === 'embedding' ? 'ARRAY<FLOAT>' : 'STRING'}) WITH ('provider' = 'local', 'task' = '${s.task}', 'latency' = '${s.latency}');
CREATE TEMPORARY TABLE dst (id BIGINT, o ${s.task === 'embedding' ? 'ARRAY<FLOAT>' : 'STRING'}) WITH ('connector' = 'blackhole');
INSERT INTO dst SELECT id, o FROM ML_PREDICT(TABLE (SELECT id, CONCAT('a good and happy review ', word) AS t FROM src), MODEL m, DESCRIPTOR(t), MAP['max-concurrent-operations', '${s.concurrency}']);
`.replace("TABLE (SELECT id, CONCAT('a good and happy review ', word) AS t FROM src)", 'TABLE v');
  const withView = sql.replace('CREATE MODEL', "CREATE TEMPORARY VIEW v AS SELECT id, CONCAT('a good and happy review ', word) AS t FROM src;\nCREATE MODEL");
  const plan = compileJob('bench.sql', withView, { registry, modelSpec: modelSpecFor, defaultKafkaBootstrap: '' });
  const limiters = new LimiterRegistry({ log: quiet });
  const exec = bindPipeline(plan.pipelines[0]!, {
    connector: { jobId: 'bench', log: quiet, env: {}, registry },
    model: (entry) => bindModel(entry.provider, entry.definition, { limiters, log: quiet, env: {} }),
    pipeline: { inFlightPerConcurrency: 2, sinkBatchMaxRows: 500, sinkLingerMs: 5 },
    printSink: () => { throw new Error('no print sink in the benchmark'); },
  });
  written = 0;
  global.gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  let heapPeak = heapBefore;
  const sampler = setInterval(() => (heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed)), 20);
  const started = performance.now();
  const state = await Pipeline.create(exec, quiet).start();
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  await limiters.close();
  if (state !== 'FINISHED' || written !== s.rows) throw new Error(`${s.name}: ended ${state} with ${written}/${s.rows} rows`);
  return { scenario: s.name, rows: s.rows, concurrency: s.concurrency, seconds: round(seconds), rowsPerSecond: Math.round(s.rows / seconds), heapPeakMb: round((heapPeak - heapBefore) / 2 ** 20) };
}

const round = (n: number) => Math.round(n * 100) / 100;
const results = [];
for (const s of SCENARIOS) results.push(await run(s));
console.table(results);
await mkdir('bench/results', { recursive: true });
await writeFile('bench/results/latest.json', JSON.stringify({ node: process.version, date: new Date().toISOString(), results }, null, 2) + '\n');
console.log('wrote bench/results/latest.json');
