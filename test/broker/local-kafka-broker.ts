import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { openSync, closeSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface RunningBroker {
  readonly brokers: string;
  readonly logFile: string;
  stop(): Promise<void>;
}

export interface LocalKafkaOptions {
  /** The loopback port the broker listens on (a free one by default): a test that starts a job before its broker names it. */
  readonly port?: number;
  /**
   * Runs the broker in a process group of its own, so a Ctrl-C at a terminal (SIGINT to the
   * foreground group) leaves it up until the caller has drained and calls stop() (the quickstart).
   */
  readonly ownProcessGroup?: boolean;
}

/**
 * Starts a single-node Apache Kafka 4.x broker (broker + KRaft controller) on free loopback
 * ports from the jars in `lib`. Its output goes to a log file. A watchdog shell kills the JVM
 * when this Node process goes away, even by SIGKILL, so no broker outlives the test run.
 */
export async function startLocalKafka(lib: string, options: LocalKafkaOptions = {}): Promise<RunningBroker> {
  const dir = await mkdtemp(join(tmpdir(), 'predictd-kafka-'));
  const [port, controllerPort] = [options.port ?? (await freePort()), await freePort()];
  const logFile = join(dir, 'broker.log');
  const props = join(dir, 'server.properties');
  await writeFile(join(dir, 'log4j2.properties'), LOG4J2(logFile));
  await writeFile(props, SERVER_PROPERTIES(port, controllerPort, join(dir, 'data')));
  const classpath = `${lib}/*`;
  const clusterId = randomBytes(16).toString('base64url');
  await run('java', ['-Xmx256m', '-cp', classpath, `-Dlog4j2.configurationFile=${join(dir, 'log4j2.properties')}`,
    // `--cluster-id=` form: a base64url id may start with '-', which would read as another flag.
    'kafka.tools.StorageTool', 'format', `--cluster-id=${clusterId}`, '-c', props], { timeout: 120_000 });

  const out = openSync(join(dir, 'broker.out'), 'a');
  const java = [
    'java', '-Xms256m', '-Xmx512m', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', '-Djava.awt.headless=true',
    `-Dlog4j2.configurationFile=${join(dir, 'log4j2.properties')}`, '-cp', `'${classpath}'`, 'kafka.Kafka', props,
  ].join(' ');
  // The watchdog: start the JVM, then poll the parent; when either dies, take the other down.
  const script = `${java} & jp=$!; trap 'kill $jp 2>/dev/null; wait $jp; exit 0' TERM INT; ` +
    `while kill -0 ${process.pid} 2>/dev/null && kill -0 $jp 2>/dev/null; do sleep 1; done; kill $jp 2>/dev/null; wait $jp`;
  const child: ChildProcess = spawn('sh', ['-c', script], { stdio: ['ignore', out, out], detached: options.ownProcessGroup ?? false });
  closeSync(out);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const brokers = `127.0.0.1:${port}`;
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    await exited;
    clearTimeout(timer);
    await rm(dir, { recursive: true, force: true }).catch(() => {});
  };
  try {
    await waitForBroker(brokers, exited, logFile);
  } catch (err) {
    stopped = true;
    child.kill('SIGKILL');
    throw err;
  }
  return { brokers, logFile, stop };
}

async function waitForBroker(brokers: string, exited: Promise<void>, logFile: string): Promise<void> {
  const { Kafka, logLevel } = await import('kafkajs');
  const deadline = Date.now() + 90_000;
  let dead = false;
  void exited.then(() => { dead = true; });
  while (Date.now() < deadline) {
    if (dead) throw new Error(`the Kafka broker exited during start-up; see ${logFile}`);
    const admin = new Kafka({ brokers: [brokers], logLevel: logLevel.NOTHING, retry: { retries: 0 } }).admin();
    try {
      await admin.connect();
      const cluster = await admin.describeCluster();
      if (cluster.brokers.length > 0 && cluster.controller !== null) return;
    } catch {
      // not up yet
    } finally {
      await admin.disconnect().catch(() => {});
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`the Kafka broker did not answer metadata requests within 90 s; see ${logFile}`);
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

const SERVER_PROPERTIES = (port: number, controllerPort: number, dataDir: string) => `
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:${controllerPort}
listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}
advertised.listeners=PLAINTEXT://127.0.0.1:${port}
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=${dataDir}
num.partitions=1
offsets.topic.replication.factor=1
offsets.topic.num.partitions=4
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
group.min.session.timeout.ms=1000
auto.create.topics.enable=true
`;

const LOG4J2 = (file: string) => `
status = warn
appender.file.type = File
appender.file.name = FILE
appender.file.fileName = ${file}
appender.file.layout.type = PatternLayout
appender.file.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = INFO
rootLogger.appenderRef.file.ref = FILE
logger.kafka.name = kafka
logger.kafka.level = WARN
logger.apache.name = org.apache.kafka
logger.apache.level = WARN
`;
