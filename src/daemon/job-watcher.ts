import { watch, type FSWatcher } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

export interface JobFileEvents {
  readonly changed: (file: string) => void;
  readonly removed: (file: string) => void;
}

/**
 * Watches a folder of *.sql files: fs.watch for prompt reaction, debounced per file, plus a
 * periodic rescan (fs.watch misses events on some file systems and editors that rename).
 */
export class JobWatcher {
  readonly #dir: string;
  readonly #debounceMs: number;
  readonly #events: JobFileEvents;
  readonly #known = new Map<string, string>(); // file -> mtime+size signature
  readonly #timers = new Map<string, NodeJS.Timeout>();
  #watcher: FSWatcher | undefined;
  #rescan: NodeJS.Timeout | undefined;
  #stopped = false;

  private constructor(dir: string, debounceMs: number, events: JobFileEvents) {
    this.#dir = dir;
    this.#debounceMs = debounceMs;
    this.#events = events;
  }

  /** Reports every existing job file as changed, then keeps watching. */
  static async start(dir: string, debounceMs: number, events: JobFileEvents, rescanMs = 2000): Promise<JobWatcher> {
    const w = new JobWatcher(dir, debounceMs, events);
    await w.#scan();
    try {
      w.#watcher = watch(dir, (_event, name) => {
        if (name && name.toString().endsWith('.sql')) w.#debounce(join(dir, name.toString()));
      });
      w.#watcher.on('error', () => {});
    } catch {
      // No fs.watch here: the rescan alone notices changes.
    }
    w.#rescan = setInterval(() => void w.#scan(), rescanMs);
    w.#rescan.unref();
    return w;
  }

  /**
   * Scans the folder now (SIGHUP), also after stop() when the daemon does not watch (jobs.watch =
   * false): new, changed and removed files are reported exactly as the watcher reports them.
   */
  rescan(): Promise<void> {
    return this.#scan(true);
  }

  stop(): void {
    this.#stopped = true;
    this.#watcher?.close();
    if (this.#rescan) clearInterval(this.#rescan);
    for (const t of this.#timers.values()) clearTimeout(t);
    this.#timers.clear();
  }

  #debounce(file: string): void {
    if (this.#stopped) return;
    clearTimeout(this.#timers.get(file));
    this.#timers.set(
      file,
      setTimeout(() => {
        this.#timers.delete(file);
        void this.#check(file);
      }, this.#debounceMs),
    );
  }

  async #scan(force = false): Promise<void> {
    if (this.#stopped && !force) return;
    let names: string[];
    try {
      names = (await readdir(this.#dir)).filter((n) => n.endsWith('.sql')).sort();
    } catch {
      names = [];
    }
    const files = new Set(names.map((n) => join(this.#dir, n)));
    for (const file of files) await this.#check(file, force);
    for (const file of [...this.#known.keys()]) if (!files.has(file)) await this.#check(file, force);
  }

  async #check(file: string, force = false): Promise<void> {
    if (this.#stopped && !force) return;
    const sig = await stat(file).then((s) => (s.isFile() ? `${s.mtimeMs}:${s.size}` : undefined), () => undefined);
    const before = this.#known.get(file);
    if (sig === before) return;
    if (sig === undefined) {
      this.#known.delete(file);
      this.#events.removed(file);
    } else {
      this.#known.set(file, sig);
      this.#events.changed(file);
    }
  }
}
