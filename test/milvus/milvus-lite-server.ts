import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, constants, openSync } from 'node:fs';
import { access, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createConnection, createServer } from 'node:net';
import { delimiter, join } from 'node:path';
import { tmpdir } from 'node:os';

/** The PyPI packages the Milvus tests run against; .ci/run installs exactly these. */
export const MILVUS_LITE_INSTALL = "python3 -m pip install 'pymilvus[milvus-lite]==3.0.2' 'milvus-lite==3.2.2'";

export interface RunningMilvus {
  /** 'host:port' for the Milvus SDK. */
  readonly host: string;
  readonly port: number;
  readonly logFile: string;
  stop(): Promise<void>;
}

/**
 * A Milvus server for one test file, in this order: PREDICTD_TEST_MILVUS ('host:port' of a
 * running Milvus) when set; else a milvus-lite server (PyPI, pure Python) started on a free
 * loopback port with its data and log in a temporary folder. Fails with one sentence naming
 * what to install when milvus-lite is not there.
 */
export async function provideMilvus(): Promise<RunningMilvus> {
  const given = process.env.PREDICTD_TEST_MILVUS;
  if (given) {
    const m = /^(.+):(\d+)$/.exec(given.trim());
    if (!m) throw new Error(`PREDICTD_TEST_MILVUS must be 'host:port', got '${given}'`);
    return { host: m[1]!, port: Number(m[2]), logFile: '(external Milvus)', stop: async () => {} };
  }
  const command = await findMilvusLite();
  if (!command) {
    throw new Error(
      `The Milvus tests need the milvus-lite server on the PATH: install it with ${MILVUS_LITE_INSTALL} (Python 3.10+), ` +
        'or set PREDICTD_MILVUS_LITE to its path, or PREDICTD_TEST_MILVUS to a running Milvus (host:port).',
    );
  }
  return startMilvusLite(command);
}

/** PREDICTD_MILVUS_LITE, else the first executable 'milvus-lite' on the PATH. */
export async function findMilvusLite(): Promise<string | undefined> {
  const explicit = process.env.PREDICTD_MILVUS_LITE;
  if (explicit) return explicit;
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, 'milvus-lite');
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

/**
 * Starts `milvus-lite server` on 127.0.0.1 and a free port, output to milvus-lite.log. A
 * watchdog shell stops the server when this Node process goes away, even by SIGKILL, so no
 * server outlives the test run. stop() ends it and removes its folder.
 */
export async function startMilvusLite(command: string): Promise<RunningMilvus> {
  const dir = await mkdtemp(join(tmpdir(), 'predictd-milvus-'));
  const port = await freePort();
  const logFile = join(dir, 'milvus-lite.log');
  const out = openSync(logFile, 'a');
  const server = [command, 'server', '--data-dir', join(dir, 'data'), '--host', '127.0.0.1', '--port', String(port)].map(shellQuote).join(' ');
  // The watchdog: start the server, then poll the parent; when either dies, take the other down.
  const script =
    `${server} & sp=$!; trap 'kill $sp 2>/dev/null; wait $sp; exit 0' TERM INT; ` +
    `while kill -0 ${process.pid} 2>/dev/null && kill -0 $sp 2>/dev/null; do sleep 1; done; kill $sp 2>/dev/null; wait $sp`;
  const child: ChildProcess = spawn('sh', ['-c', script], { stdio: ['ignore', out, out] });
  closeSync(out);
  let exited = false;
  const exit = new Promise<void>((resolve) => child.once('exit', () => { exited = true; resolve(); }));
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    if (!exited) child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exit;
    clearTimeout(timer);
    await rm(dir, { recursive: true, force: true }).catch(() => {});
  };
  try {
    await waitForPort(port, () => exited, logFile);
  } catch (err) {
    stopped = true;
    child.kill('SIGKILL');
    throw err;
  }
  return { host: '127.0.0.1', port, logFile, stop };
}

async function waitForPort(port: number, hasExited: () => boolean, logFile: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (hasExited()) {
      const tail = (await readFile(logFile, 'utf8').catch(() => '')).trim().split('\n').slice(-3).join(' | ');
      throw new Error(`milvus-lite exited during start-up (${tail || 'no output'}); is it installed with ${MILVUS_LITE_INSTALL}? Log: ${logFile}`);
    }
    if (await answers(port)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`milvus-lite did not listen on 127.0.0.1:${port} within 60 s; see ${logFile}`);
}

function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => { socket.destroy(); resolve(false); });
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no free port'))));
    });
  });
}

function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}
