// `npm run quickstart`: the Kafka quickstart without Docker (docs/quickstart.md). Starts the
// single-node Apache Kafka broker the tests use (jars from Maven Central, KRaft on a free port;
// needs Java 17+ and Maven), creates the topics, produces the demo reviews of
// config/quickstart/reviews.jsonl, runs the daemon on config/quickstart and prints each
// prediction it writes to the output topic. Ctrl-C stops it all.
//
//   npm run quickstart                      # produce a review every 2 s until Ctrl-C
//   npm run quickstart -- --once            # produce the reviews once, exit 0 when all are predicted
//   npm run quickstart -- --brokers h:9092  # use a running broker instead of starting one
import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { Kafka, logLevel, type Consumer, type Producer } from 'kafkajs';
import { Daemon } from '../src/daemon/daemon.js';
import { loadDaemonConfig } from '../src/daemon/daemon-config.js';
import { hasCommand, javaMajorVersion, resolveKafkaJars } from '../test/broker/kafka-jars.js';
import { startLocalKafka, type RunningBroker } from '../test/broker/local-kafka-broker.js';

const JOBS_DIR = 'config/quickstart';
const INPUT_TOPIC = 'reviews';
const OUTPUT_TOPIC = 'review-sentiment';

interface Review {
  readonly review_id: string;
  readonly product: string;
  readonly review: string;
}

const { values: flags } = parseArgs({
  options: {
    once: { type: 'boolean', default: false },
    brokers: { type: 'string' },
    'every-ms': { type: 'string', default: '2000' },
  },
});

const say = (line: string) => process.stdout.write(`[quickstart] ${line}\n`);

async function startBroker(): Promise<RunningBroker> {
  if (flags.brokers) return { brokers: flags.brokers, logFile: '(external broker)', stop: async () => {} };
  const java = await javaMajorVersion();
  if (java === undefined || java < 17 || !(await hasCommand('mvn', ['-v']))) {
    throw new Error(
      `the quickstart starts Apache Kafka from Maven Central jars and needs Java 17+ and Maven (found ${java === undefined ? 'no java' : `java ${java}`}); ` +
        'install them, or use `docker compose -f docker/compose.yaml up`, or pass --brokers host:port',
    );
  }
  const lib = await resolveKafkaJars(say);
  say('starting a single-node Apache Kafka broker (KRaft) ...');
  const broker = await startLocalKafka(lib, { ownProcessGroup: true });
  say(`Kafka is up at ${broker.brokers} (log: ${broker.logFile})`);
  return broker;
}

/**
 * Creates the topics, and gets a fresh broker's group and transaction coordinators loaded before
 * the daemon starts, so its first minute is not logged as retried coordinator errors.
 */
async function prepareBroker(kafka: Kafka): Promise<Producer> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({ topics: [INPUT_TOPIC, OUTPUT_TOPIC].map((topic) => ({ topic, numPartitions: 1, replicationFactor: 1 })), waitForLeaders: true });
    await admin.describeGroups(['predictd-quickstart']);
  } finally {
    await admin.disconnect();
  }
  const producer = kafka.producer({ idempotent: true });
  await producer.connect();
  return producer;
}

/** Prints every prediction the job writes; resolves `done` once `expected` distinct reviews were predicted. */
async function printPredictions(kafka: Kafka, reviews: readonly Review[], expected: number | undefined): Promise<{ consumer: Consumer; done: Promise<void> }> {
  const consumer = kafka.consumer({ groupId: `quickstart-printer-${process.pid}` });
  await consumer.connect();
  await consumer.subscribe({ topic: OUTPUT_TOPIC, fromBeginning: true });
  const seen = new Set<string>();
  let finish!: () => void;
  const done = new Promise<void>((resolve) => (finish = resolve));
  const byId = new Map(reviews.map((r) => [r.review_id, r]));
  await consumer.run({
    eachMessage: async ({ message }) => {
      const row = JSON.parse(message.value?.toString() ?? '{}') as { review_id?: string; product?: string; sentiment?: string };
      const text = byId.get(row.review_id ?? '')?.review ?? '';
      say(`prediction  ${String(row.review_id).padEnd(4)} ${String(row.sentiment).padEnd(9)} ${row.product}: "${text.length > 60 ? `${text.slice(0, 57)}...` : text}"`);
      seen.add(String(row.review_id));
      if (expected !== undefined && seen.size >= expected) finish();
    },
  });
  return { consumer, done };
}

/** Sends the reviews in order, one every `everyMs`, round after round until the signal aborts (or once). */
async function produceReviews(producer: Producer, reviews: readonly Review[], everyMs: number, once: boolean, signal: AbortSignal): Promise<void> {
  do {
    for (const r of reviews) {
      if (signal.aborted) return;
      await producer.send({ topic: INPUT_TOPIC, messages: [{ key: r.review_id, value: JSON.stringify(r) }] });
      if (!once) await sleep(everyMs, undefined, { signal }).catch(() => {});
    }
  } while (!once && !signal.aborted);
}

async function main(): Promise<number> {
  const reviews = (await readFile(`${JOBS_DIR}/reviews.jsonl`, 'utf8')).split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as Review);
  const broker = await startBroker();
  const stopping = new AbortController();
  const cleanups: Array<() => Promise<unknown>> = [() => broker.stop()];
  const cleanup = async () => {
    for (const step of cleanups.reverse()) await step().catch((err: unknown) => say(`while stopping: ${String(err)}`));
  };
  let interrupted = false;
  const onSignal = () => {
    if (interrupted) return;
    interrupted = true;
    say('stopping ...');
    stopping.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const kafka = new Kafka({ brokers: [broker.brokers], clientId: 'predictd-quickstart', logLevel: logLevel.NOTHING });
    const producer = await prepareBroker(kafka);
    cleanups.push(() => producer.disconnect());

    // The daemon, as `predictd run --jobs config/quickstart` would run it, quiet but for warnings.
    const config = loadDaemonConfig({ env: process.env, overrides: { 'jobs.dir': JOBS_DIR, 'log.level': process.env.PREDICTD_LOG_LEVEL ?? 'warn' } });
    const daemon = await Daemon.create(config, { env: { ...process.env, KAFKA_BOOTSTRAP_SERVERS: broker.brokers } });
    await daemon.start();
    cleanups.push(() => daemon.stop());
    const admin = config.admin.port > 0 ? ` (admin API: http://${config.admin.host}:${config.admin.port}/jobs)` : '';
    say(`predictd runs ${JOBS_DIR}/review-sentiment.sql: topic '${INPUT_TOPIC}' -> ML_PREDICT (local provider) -> topic '${OUTPUT_TOPIC}'${admin}`);

    const printer = await printPredictions(kafka, reviews, flags.once ? reviews.length : undefined);
    cleanups.push(() => printer.consumer.disconnect());
    say(flags.once ? `producing ${reviews.length} reviews to '${INPUT_TOPIC}'` : `producing a review to '${INPUT_TOPIC}' every ${flags['every-ms']} ms; Ctrl-C stops`);
    await produceReviews(producer, reviews, Number(flags['every-ms']), flags.once, stopping.signal);
    if (flags.once) {
      const timeout = setTimeout(() => stopping.abort(), 120_000);
      await Promise.race([printer.done, new Promise<void>((resolve) => stopping.signal.addEventListener('abort', () => resolve(), { once: true }))]);
      clearTimeout(timeout);
      if (interrupted) return 0;
      if (stopping.signal.aborted) {
        say('not every review was predicted within 120 s');
        return 1;
      }
      say(`all ${reviews.length} reviews predicted`);
    }
    return 0;
  } finally {
    await cleanup();
    say('stopped');
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`[quickstart] ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
