/** The API key the bench's emulators accept; predictd reads it from the environment like a real key. */
export const BENCH_API_KEY = 'sk-bench';
export const BENCH_ENV = { BENCH_API_KEY };

export interface BenchJobSpec {
  readonly brokers: string;
  readonly input: string;
  readonly output: string;
  readonly group: string;
  /** The sink's bootstrap servers when they differ from the source's (P5's stalled sink). */
  readonly sinkBrokers?: string;
  /** No model: a passthrough job, Kafka -> Kafka. */
  readonly model?: {
    readonly endpoint: string;
    readonly task: 'chat' | 'embeddings';
    /** Extra CREATE MODEL options, e.g. rate limits. */
    readonly options?: Readonly<Record<string, string>>;
    /** ML_PREDICT's MAP: max-concurrent-operations, output-mode. */
    readonly config: Readonly<Record<string, string>>;
  };
}

const quote = (s: string) => `'${s.replace(/'/g, "''")}'`;
const withOptions = (o: Readonly<Record<string, string>>) => Object.entries(o).map(([k, v]) => `${quote(k)} = ${quote(v)}`).join(', ');

/** Kafka -> [ML_PREDICT on the emulator] -> Kafka, JSON both ways: the job every throughput figure runs. */
export function benchJob(spec: BenchJobSpec): string {
  const source = `CREATE TABLE src (id BIGINT, text STRING) WITH (${withOptions({
    connector: 'kafka',
    topic: spec.input,
    'properties.bootstrap.servers': spec.brokers,
    'properties.group.id': spec.group,
    'scan.startup.mode': 'earliest-offset',
    format: 'json',
  })});`;
  const sink = (column: string) =>
    `CREATE TABLE dst (id BIGINT, ${column}) WITH (${withOptions({ connector: 'kafka', topic: spec.output, 'properties.bootstrap.servers': spec.sinkBrokers ?? spec.brokers, format: 'json' })});`;
  const m = spec.model;
  if (!m) return [source, sink('text STRING'), 'INSERT INTO dst SELECT id, text FROM src;', ''].join('\n');
  const chat = m.task === 'chat';
  const model = `CREATE MODEL m INPUT (text STRING) OUTPUT (${chat ? 'label STRING' : 'embedding ARRAY<FLOAT>'}) WITH (${withOptions({
    provider: 'openai',
    endpoint: m.endpoint,
    'api-key': '${BENCH_API_KEY}',
    model: chat ? 'gpt-4o-mini' : 'text-embedding-3-small',
    ...m.options,
  })});`;
  const config = Object.entries(m.config).flatMap(([k, v]) => [quote(k), quote(v)]).join(', ');
  const out = chat ? 'label' : 'embedding';
  return [
    model,
    source,
    sink(chat ? 'label STRING' : 'embedding ARRAY<FLOAT>'),
    `INSERT INTO dst SELECT id, ${out} FROM ML_PREDICT(TABLE src, MODEL m, DESCRIPTOR(text), MAP[${config}]);`,
    '',
  ].join('\n');
}
