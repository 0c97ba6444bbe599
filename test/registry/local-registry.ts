import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../broker/local-kafka-broker.js';

export interface RunningRegistry {
  /** The Confluent-compatible API: http://127.0.0.1:PORT/apis/ccompat/v7 */
  readonly url: string;
  readonly logFile: string;
  /** Stops the JVM (the registry is down until restart()); its schemas stay in the data folder. */
  halt(): Promise<void>;
  /** Starts it again on the same port and data folder, resolving once the API answers. */
  restart(): Promise<void>;
  /** Stops it for good and deletes its data folder. */
  stop(): Promise<void>;
}

/**
 * Starts Apicurio Registry from its runner jar on a free loopback port, with its H2 database
 * in a file (so a restart keeps the schemas, as a real registry does) and BACKWARD
 * compatibility enforced like Confluent's default. A watchdog shell kills the JVM when this
 * Node process goes away, even by SIGKILL, so no registry outlives the test run.
 */
export async function startLocalRegistry(jar: string): Promise<RunningRegistry> {
  const dir = await mkdtemp(join(tmpdir(), 'predictd-registry-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/apis/ccompat/v7`;
  const logFile = join(dir, 'registry.log');
  let child: { process: ChildProcess; exited: Promise<void> } | undefined;

  const launch = async () => {
    const out = openSync(logFile, 'a');
    const java = [
      'java', '-Xmx160m', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', '-Dregistry.rules.global.compatibility=BACKWARD',
      '-Dquarkus.http.host=127.0.0.1', `-Dquarkus.http.port=${port}`, `-jar '${jar}'`,
    ].join(' ');
    const script = `REGISTRY_DATASOURCE_URL='jdbc:h2:file:${join(dir, 'db')}' ${java} & jp=$!; trap 'kill $jp 2>/dev/null; wait $jp; exit 0' TERM INT; ` +
      `while kill -0 ${process.pid} 2>/dev/null && kill -0 $jp 2>/dev/null; do sleep 1; done; kill $jp 2>/dev/null; wait $jp`;
    const p = spawn('sh', ['-c', script], { stdio: ['ignore', out, out] });
    closeSync(out);
    const exited = new Promise<void>((resolve) => p.once('exit', () => resolve()));
    child = { process: p, exited };
    await waitForRegistry(url, exited, logFile);
  };
  const halt = async () => {
    const c = child;
    child = undefined;
    if (!c) return;
    // The watchdog shell's trap forwards TERM to the JVM and waits for it.
    c.process.kill('SIGTERM');
    const timer = setTimeout(() => c.process.kill('SIGKILL'), 20_000);
    await c.exited;
    clearTimeout(timer);
  };
  try {
    await launch();
  } catch (err) {
    await halt();
    throw err;
  }
  return {
    url,
    logFile,
    halt,
    restart: async () => {
      await halt();
      await launch();
    },
    stop: async () => {
      await halt();
      await rm(dir, { recursive: true, force: true }).catch(() => {});
    },
  };
}

async function waitForRegistry(url: string, exited: Promise<void>, logFile: string): Promise<void> {
  const deadline = Date.now() + 90_000;
  let dead = false;
  void exited.then(() => (dead = true));
  while (Date.now() < deadline) {
    if (dead) throw new Error(`the schema registry exited during start-up; see ${logFile}`);
    try {
      const res = await fetch(`${url}/subjects`, { signal: AbortSignal.timeout(2_000) });
      if (res.status === 200) {
        // Apicurio reports NONE at /config even when a global rule is set: make both agree.
        await fetch(`${url}/config`, {
          method: 'PUT',
          headers: { 'Content-Type': 'application/vnd.schemaregistry.v1+json' },
          body: JSON.stringify({ compatibility: 'BACKWARD' }),
        });
        return;
      }
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`the schema registry did not answer within 90 s; see ${logFile}`);
}
