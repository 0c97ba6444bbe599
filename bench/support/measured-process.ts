import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { promisify } from 'node:util';
import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProcessMeter } from './process-meter.js';

/** Compiles predictd into `dist/` (`npm run build`), so the measured daemon is the code of this tree. */
export async function buildPredictd(): Promise<void> {
  await promisify(execFile)(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], { maxBuffer: 16 * 1024 * 1024 });
}

/**
 * What a figure measures runs in its own process — predictd, or the raw kafkajs loop — so its
 * CPU and RSS are read from /proc apart from the emulator's and the bench's own Kafka clients.
 */
export class MeasuredProcess {
  readonly meter: ProcessMeter;
  readonly #child: ChildProcess;
  readonly #dir: string;
  readonly #logFile: string;
  readonly #exited: Promise<number | null>;
  #stopped = false;

  private constructor(child: ChildProcess, dir: string, logFile: string) {
    this.#child = child;
    this.#dir = dir;
    this.#logFile = logFile;
    this.#exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    this.meter = new ProcessMeter(child.pid!);
  }

  /**
   * `predictd run` over a fresh jobs folder holding `jobs` (file name -> SQL), admin server off.
   * It runs the published entry point, `bin/predictd.js` over the compiled `dist/` (the bench
   * builds it first: `buildPredictd()`), as the container and `npm start` of a package do; under
   * tsx every module is transformed on load and every function expression is wrapped to keep its
   * name, which costs the daemon about a tenth of its CPU per row and 40 MB of RSS.
   */
  static async predictd(jobs: Readonly<Record<string, string>>, env: Readonly<Record<string, string>> = {}): Promise<MeasuredProcess> {
    const dir = await mkdtemp(join(tmpdir(), 'predictd-bench-'));
    await mkdir(join(dir, 'jobs'));
    for (const [name, sql] of Object.entries(jobs)) await writeFile(join(dir, 'jobs', name), sql);
    // BENCH_CPU_PROF=<dir>: the daemon writes a V8 CPU profile there when it exits (open it in Chrome DevTools).
    return MeasuredProcess.#spawn(dir, [...(process.env.BENCH_CPU_PROF ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_CPU_PROF] : []), 'bin/predictd.js', 'run', '--jobs', join(dir, 'jobs')], {
      PREDICTD_ADMIN_PORT: '0',
      PREDICTD_LOG_LEVEL: 'info',
      ...env,
    });
  }

  /** A TypeScript file of the bench as its own process (under tsx). */
  static async script(file: string, args: readonly string[], env: Readonly<Record<string, string>> = {}): Promise<MeasuredProcess> {
    return MeasuredProcess.#spawn(await mkdtemp(join(tmpdir(), 'predictd-bench-')), ['--import', 'tsx', file, ...args], env);
  }

  static async #spawn(dir: string, args: readonly string[], env: Readonly<Record<string, string>>): Promise<MeasuredProcess> {
    const logFile = join(dir, 'process.log');
    const log = createWriteStream(logFile);
    const child = spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.pipe(log);
    child.stderr!.pipe(log);
    return new MeasuredProcess(child, dir, logFile);
  }

  get pid(): number {
    return this.#child.pid!;
  }

  async log(): Promise<string> {
    return readFile(this.#logFile, 'utf8').catch(() => '');
  }

  /** Resolves once the process has logged `text` (`count` times); fails with the log's tail if it exits or takes too long. */
  async waitForLog(text: string, opts: { readonly count?: number; readonly timeoutMs?: number } = {}): Promise<void> {
    const deadline = Date.now() + (opts.timeoutMs ?? 60_000);
    let exited = false;
    void this.#exited.then(() => (exited = true));
    for (;;) {
      const log = await this.log();
      if (log.split(text).length - 1 >= (opts.count ?? 1)) return;
      if (exited || Date.now() > deadline) throw new Error(`${exited ? 'exited' : 'timed out'} before logging "${text}"; log tail:\n${log.slice(-2000)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** SIGTERM, then SIGKILL if it has not exited within `graceMs`; removes its folder. Idempotent. */
  async stop(graceMs = 15_000): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    await this.meter.stop();
    if (this.#child.exitCode === null && this.#child.signalCode === null) {
      this.#child.kill('SIGTERM');
      const timer = setTimeout(() => this.#child.kill('SIGKILL'), graceMs);
      await this.#exited;
      clearTimeout(timer);
    }
    await rm(this.#dir, { recursive: true, force: true });
  }
}
