import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Daemon } from '../../../src/daemon/daemon.js';
import { loadDaemonConfig } from '../../../src/daemon/daemon-config.js';

export interface DaemonHarness {
  readonly daemon: Daemon;
  readonly dir: string;
  /** Parsed JSON log lines so far. */
  readonly logs: Array<Record<string, unknown>>;
  /** Rows the print sink wrote through the logger ('logger'='true'), in order. */
  printed(): string[];
  stop(): Promise<void>;
}

/**
 * A daemon in this process over a fresh jobs folder holding the given files. Its admin HTTP
 * server is off (`admin.port` 0) unless the settings name a port, so daemons never collide on one.
 */
export async function startDaemon(files: Record<string, string>, settings: Record<string, unknown> = {}): Promise<DaemonHarness> {
  const dir = await mkdtemp(join(tmpdir(), 'predictd-jobs-'));
  for (const [name, sql] of Object.entries(files)) await writeFile(join(dir, name), sql);
  const config = loadDaemonConfig({ env: {}, overrides: { 'jobs.dir': dir, 'log.level': 'info', 'shutdown.timeoutMs': 10_000, 'admin.port': 0, ...settings } });
  const logs: Array<Record<string, unknown>> = [];
  const daemon = await Daemon.create(config, { env: process.env, writeLog: (line) => logs.push(JSON.parse(line) as Record<string, unknown>) });
  await daemon.start();
  return {
    daemon,
    dir,
    logs,
    printed: () => logs.filter((l) => l['msg'] === 'PrintSinkOutputWriter').map((l) => String(l['row'])),
    stop: async () => {
      await daemon.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export async function waitFor<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 30_000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
