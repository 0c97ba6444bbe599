import { execFile } from 'node:child_process';
import { readFile, stat } from 'node:fs/promises';
import { promisify } from 'node:util';
import { hasCommand, javaMajorVersion } from '../../test/broker/kafka-jars.js';
import { P6Child } from './p6-child.js';

const POM = 'bench/flink/pom.xml';
const SOURCES = ['bench/flink/pom.xml', 'bench/flink/src/main/java/predictd/bench/FlinkMlPredictBench.java'];
const CLASSES = 'bench/flink/target/classes';
const CLASSPATH_FILE = 'bench/flink/target/classpath.txt';
const MAIN = 'predictd.bench.FlinkMlPredictBench';

/** What the Flink job prints as its last stdout line. */
export interface FlinkReport {
  readonly rows: number;
  /** From submitting the INSERT to the job's end: planning, MiniCluster start-up and the run. */
  readonly elapsedMs: number;
  readonly rowsPerSecond: number;
  readonly flink: string;
}

/**
 * Builds bench/flink (Java 17 + Maven; the first build downloads Flink's jars into ~/.m2) unless
 * its class path file is newer than its sources, and returns the class path to run it with.
 * Fails with one sentence naming what is missing: P6 was asked for, so a skip would be silent.
 */
export async function buildFlinkBench(log: (msg: string) => void): Promise<string> {
  const java = await javaMajorVersion();
  if (java === undefined || java < 17 || !(await hasCommand('mvn', ['-v']))) {
    throw new Error(`P6 needs Java 17+ and Maven on the PATH (found ${java === undefined ? 'no java' : `java ${java}`}; mvn ${(await hasCommand('mvn', ['-v'])) ? 'present' : 'missing'}).`);
  }
  if (!(await upToDate())) {
    log(`P6: building ${POM} (mvn package; the first build downloads Flink 2.1 from Maven Central into ~/.m2)`);
    await promisify(execFile)('mvn', ['-q', '-f', POM, 'package'], { maxBuffer: 16 * 1024 * 1024, timeout: 30 * 60_000 });
  }
  return `${CLASSES}:${(await readFile(CLASSPATH_FILE, 'utf8')).trim()}`;
}

async function upToDate(): Promise<boolean> {
  try {
    const built = (await stat(CLASSPATH_FILE)).mtimeMs;
    const sources = await Promise.all(SOURCES.map(async (s) => (await stat(s)).mtimeMs));
    return sources.every((m) => m < built);
  } catch {
    return false;
  }
}

/** Starts the Flink job in its own JVM (default heap and GC, as a user would run it). */
export function startFlinkJob(classpath: string, opts: { readonly endpoint: string; readonly apiKey: string; readonly rows: number; readonly inFlight: number }): P6Child {
  return new P6Child('java', ['-cp', classpath, MAIN, opts.endpoint, opts.apiKey, String(opts.rows), String(opts.inFlight)]);
}

/** Waits for the job's result line and parses it. */
export async function flinkReport(job: P6Child, timeoutMs: number): Promise<FlinkReport> {
  const line = await job.waitForLine((l) => l.startsWith('{"rows":'), timeoutMs);
  return JSON.parse(line) as FlinkReport;
}
