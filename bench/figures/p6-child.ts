import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { ProcessMeter } from '../support/process-meter.js';

/**
 * One process of figure P6 (the Flink JVM or the predictd daemon), metered from /proc like the
 * other figures' processes. Its stdout is read line by line (Flink's result line, predictd's
 * log); stderr is where each side's sink writes or Flink's own chatter goes, so only its tail is
 * kept, for the error message when the process fails.
 */
export class P6Child {
  readonly meter: ProcessMeter;
  readonly startedAt = Date.now();
  readonly exited: Promise<number | null>;
  readonly #lines: string[] = [];
  readonly #waiters: { readonly test: (line: string) => boolean; readonly resolve: (line: string) => void }[] = [];
  readonly #kill: (signal: NodeJS.Signals) => void;
  #stderrTail = '';

  constructor(command: string, args: readonly string[], env: Readonly<Record<string, string>> = {}) {
    const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    this.meter = new ProcessMeter(child.pid!);
    this.#kill = (signal) => child.kill(signal);
    this.exited = new Promise((resolve) => {
      child.once('exit', (code) => resolve(code));
      child.once('error', () => resolve(null));
    });
    createInterface({ input: child.stdout! }).on('line', (line) => this.#line(line));
    // The sink's rows go here: kept small, never held whole.
    child.stderr!.on('data', (chunk: Buffer) => (this.#stderrTail = (this.#stderrTail + chunk.toString('utf8')).slice(-4000)));
  }

  /** Resolves with the first stdout line (so far or to come) that passes `test`; fails if the process exits first or `timeoutMs` passes. */
  async waitForLine(test: (line: string) => boolean, timeoutMs: number): Promise<string> {
    const seen = this.#lines.find(test);
    if (seen !== undefined) return seen;
    let timer: NodeJS.Timeout | undefined;
    const found = new Promise<string>((resolve) => this.#waiters.push({ test, resolve }));
    const failed = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${Math.round(timeoutMs / 1000)} s; ${this.tail()}`)), timeoutMs);
      void this.exited.then((code) => setTimeout(() => reject(new Error(`exited (code ${code}) first; ${this.tail()}`)), 200));
    });
    try {
      return await Promise.race([found, failed]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** The last lines of both streams, for an error message. */
  tail(): string {
    return `stdout tail:\n${this.#lines.slice(-15).join('\n')}\nstderr tail:\n${this.#stderrTail.slice(-1500)}`;
  }

  get peakRssMb(): number {
    return Math.round(Math.max(0, ...this.meter.samples.map((s) => s.rssMb)));
  }

  /** SIGTERM, then SIGKILL after `graceMs`; stops the meter. Idempotent. */
  async stop(graceMs = 15_000): Promise<void> {
    await this.meter.stop();
    this.#kill('SIGTERM');
    const timer = setTimeout(() => this.#kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }

  #line(line: string): void {
    // Only the recent lines are kept: predictd logs little, but a run must not grow without bound.
    this.#lines.push(line);
    if (this.#lines.length > 200) this.#lines.shift();
    for (let i = this.#waiters.length - 1; i >= 0; i--) {
      const w = this.#waiters[i]!;
      if (w.test(line)) {
        this.#waiters.splice(i, 1);
        w.resolve(line);
      }
    }
  }
}
