import { Kafka, logLevel } from 'kafkajs';
import { afterAll, describe, expect, it } from 'vitest';
import { hasCommand, javaMajorVersion, resolveKafkaJars } from '../broker/kafka-jars.js';
import { freePort, startLocalKafka, type RunningBroker } from '../broker/local-kafka-broker.js';
import { createTopic, uniqueTopic } from '../broker/kafka-test-helpers.js';
import { startDaemon, waitFor, type DaemonHarness } from './support/daemon-harness.js';

const RECORDS = 300;
/** How long nothing listens on the job's bootstrap port: long enough for the job to fail and restart more than once. */
const OUTAGE_MS = 20_000;

/** This test starts a broker of its own, on a port it picks before the job starts: that needs Java 17+ and Maven. */
async function whyNoBroker(): Promise<string | undefined> {
  const java = await javaMajorVersion();
  if (java === undefined || java < 17) return `needs Java 17+ to start its own Kafka broker (found ${java === undefined ? 'no java' : `java ${java}`})`;
  if (!(await hasCommand('mvn', ['-v']))) return 'needs Maven to resolve the Kafka broker jars';
  return undefined;
}

const skipReason = await whyNoBroker();
if (skipReason) console.warn(`broker-outage e2e skipped: ${skipReason}`);

interface JobView {
  readonly id: string;
  readonly state: string;
  readonly attempt?: number;
  readonly restarts: number;
  readonly error?: string;
}

// A job whose broker is down at start: FAILED -> RESTARTING (visible), and once a broker comes up
// on exactly its bootstrap address it delivers every record, with nobody touching it.
describe.skipIf(skipReason !== undefined)('a Kafka job whose broker is down at start', () => {
  let broker: RunningBroker | undefined;
  let harness: DaemonHarness | undefined;
  afterAll(async () => {
    await harness?.stop();
    await broker?.stop();
  });

  it('restarts by itself until the broker is up, then delivers every record', async () => {
    const lib = await resolveKafkaJars();
    const [port, adminPort] = [await freePort(), await freePort()];
    const bootstrap = `127.0.0.1:${port}`;
    const topic = uniqueTopic('outage-in');
    const job = `
SET 'restart-strategy.exponential-delay.initial-backoff' = '500 ms';
SET 'restart-strategy.exponential-delay.max-backoff' = '2 s';
CREATE TABLE src (id BIGINT, text STRING) WITH (
  'connector' = 'kafka', 'topic' = '${topic}', 'properties.bootstrap.servers' = '${bootstrap}',
  'properties.group.id' = '${topic}-group', 'scan.startup.mode' = 'earliest-offset', 'format' = 'json',
  -- fail fast while nothing listens: the restart strategy, not the client, does the waiting
  'properties.socket.connection.setup.timeout.ms' = '1000', 'properties.request.timeout.ms' = '5000', 'properties.retry.backoff.ms' = '100',
  'properties.session.timeout.ms' = '6000', 'properties.heartbeat.interval.ms' = '1000');
CREATE TABLE out (id BIGINT, text STRING) WITH ('connector' = 'print', 'logger' = 'true', 'print-identifier' = 'outage');
INSERT INTO out SELECT id, text FROM src;
`;
    const started = Date.now();
    harness = await startDaemon({ 'outage.sql': job }, { 'admin.port': adminPort });
    const jobs = async () => ((await (await fetch(`http://127.0.0.1:${adminPort}/jobs`)).json()) as { jobs: JobView[] }).jobs;
    const seen = new Set<string>();
    const watch = setInterval(() => void jobs().then((js) => js.forEach((j) => seen.add(j.state)), () => {}), 100);
    try {
      const restarting = await waitFor('the job to be RESTARTING', async () => (await jobs()).find((j) => j.id === 'outage' && j.state === 'RESTARTING'), OUTAGE_MS, 50);
      expect(restarting).toMatchObject({ attempt: expect.any(Number), error: expect.any(String) });
      expect((await fetch(`http://127.0.0.1:${adminPort}/readyz`)).status).toBe(503);

      await new Promise((r) => setTimeout(r, Math.max(0, OUTAGE_MS - (Date.now() - started))));
      broker = await startLocalKafka(lib, { port });
      expect(broker.brokers).toBe(bootstrap);
      const kafka = new Kafka({ clientId: 'outage-test', brokers: [bootstrap], logLevel: logLevel.NOTHING });
      const admin = kafka.admin();
      await admin.connect();
      await createTopic(admin, topic, 2);
      await admin.disconnect();
      const producer = kafka.producer();
      await producer.connect();
      await producer.send({ topic, messages: Array.from({ length: RECORDS }, (_, id) => ({ key: String(id), value: JSON.stringify({ id, text: `t${id}` }) })) });
      await producer.disconnect();

      const ids = () => new Set(harness!.printed().map((row) => Number(/^outage> \+I\[(\d+), /.exec(row)?.[1])));
      await waitFor(`all ${RECORDS} records`, () => ids().size >= RECORDS, 120_000, 200);
      expect([...ids()].sort((a, b) => a - b)).toEqual(Array.from({ length: RECORDS }, (_, i) => i));
      const [final] = await jobs();
      expect(final).toMatchObject({ id: 'outage', state: 'RUNNING', restarts: expect.any(Number) });
      expect(final!.restarts).toBeGreaterThanOrEqual(1);
      expect([...seen]).toEqual(expect.arrayContaining(['RESTARTING', 'RUNNING']));
      // FAILED -> RESTARTING happens in one step when the strategy restarts: the log has both.
      const transitions = harness.logs.filter((l) => l['jobId'] === 'outage' && l['msg'] === `job ${String(l['state']).toLowerCase()}`).map((l) => `${String(l['previous'])}->${String(l['state'])}`);
      expect(transitions.slice(0, 3)).toEqual(['CREATED->RUNNING', 'RUNNING->FAILED', 'FAILED->RESTARTING']);
      expect(transitions.at(-1)).toBe('RESTARTING->RUNNING');
      expect((await fetch(`http://127.0.0.1:${adminPort}/readyz`)).status).toBe(200);
    } finally {
      clearInterval(watch);
    }
  }, 240_000);
});
