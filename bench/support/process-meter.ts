import { readFile } from 'node:fs/promises';

/** One reading of a process: wall time (Date.now(), to line up with Kafka timestamps), CPU and RSS. */
export interface ProcSample {
  readonly at: number;
  readonly cpuMs: number;
  readonly rssMb: number;
}

/** Linux reports utime/stime in USER_HZ ticks, which the kernel fixes at 100 for userspace. */
const MS_PER_TICK = 10;

/** CPU (user + system) and RSS of one process from /proc: nothing the measured process has to cooperate with. */
export async function readProc(pid: number): Promise<ProcSample> {
  const [stat, status] = await Promise.all([readFile(`/proc/${pid}/stat`, 'utf8'), readFile(`/proc/${pid}/status`, 'utf8')]);
  // The command name may hold spaces and parentheses: fields are counted after its last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return { at: Date.now(), cpuMs: ticks * MS_PER_TICK, rssMb: rssKb / 1024 };
}

/** The CPU time at `at`, linearly between the samples around it (clamped to the first and last). */
export function cpuAt(samples: readonly ProcSample[], at: number): number {
  if (samples.length === 0) return 0;
  if (at <= samples[0]!.at) return samples[0]!.cpuMs;
  for (let i = 1; i < samples.length; i++) {
    const b = samples[i]!;
    if (at <= b.at) {
      const a = samples[i - 1]!;
      return b.at === a.at ? b.cpuMs : a.cpuMs + ((b.cpuMs - a.cpuMs) * (at - a.at)) / (b.at - a.at);
    }
  }
  return samples[samples.length - 1]!.cpuMs;
}

/**
 * Samples a process every `everyMs` until stopped, so a figure can take the CPU spent between
 * two moments it learns later (the first and last output record's timestamps).
 */
export class ProcessMeter {
  readonly samples: ProcSample[] = [];
  readonly #timer: NodeJS.Timeout;
  #reading = false;

  constructor(readonly pid: number, everyMs = 100) {
    this.#timer = setInterval(() => void this.sample(), everyMs);
  }

  async sample(): Promise<void> {
    if (this.#reading) return;
    this.#reading = true;
    try {
      this.samples.push(await readProc(this.pid));
    } catch {
      // The process has exited: the samples so far are all there will be.
    } finally {
      this.#reading = false;
    }
  }

  /** CPU ms spent between two wall times. */
  cpuBetween(from: number, to: number): number {
    return cpuAt(this.samples, to) - cpuAt(this.samples, from);
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    await this.sample();
  }
}
