import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { promisify } from 'node:util';
import { freePort } from '../broker/local-kafka-broker.js';

const run = promisify(execFile);

export interface RunningRedis {
  readonly url: string;
  readonly port: number;
  /** Kills the server (SIGKILL: as a crash looks to its clients). */
  kill(): Promise<void>;
  /** Starts it again on the same port, empty. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/** Debian's `redis-server` on the PATH, or undefined when it is not installed (`.ci/run` installs it). */
export async function redisServerBinary(): Promise<string | undefined> {
  try {
    await run('redis-server', ['--version'], { timeout: 5_000 });
    return 'redis-server';
  } catch {
    return undefined;
  }
}

/**
 * A throwaway Redis on a free loopback port: no persistence, no config file. A watchdog shell
 * kills it when this Node process goes away, even by SIGKILL, so no server outlives the tests.
 */
export async function startRedis(): Promise<RunningRedis> {
  const port = await freePort();
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  const launch = async () => {
    const server = `redis-server --port ${port} --bind 127.0.0.1 --save '' --appendonly no --protected-mode no --loglevel warning`;
    const script = `${server} & rp=$!; trap 'kill -9 $rp 2>/dev/null; exit 0' TERM INT; ` +
      `while kill -0 ${process.pid} 2>/dev/null && kill -0 $rp 2>/dev/null; do sleep 1; done; kill -9 $rp 2>/dev/null`;
    const c = spawn('sh', ['-c', script], { stdio: 'ignore' });
    child = c;
    exited = new Promise((resolve) => c.once('exit', () => resolve()));
    await waitForPort(port);
  };
  const kill = async () => {
    child?.kill('SIGTERM');
    await exited;
    child = undefined;
  };
  await launch();
  return { url: `redis://127.0.0.1:${port}`, port, kill, restart: launch, stop: kill };
}

async function waitForPort(port: number): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    try {
      const { stdout } = await run('redis-cli', ['-p', String(port), 'ping'], { timeout: 2_000 });
      if (stdout.trim() === 'PONG') return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`redis-server did not answer on port ${port} within 15 s`);
}
