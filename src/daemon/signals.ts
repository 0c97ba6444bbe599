import type { Daemon } from './daemon.js';

export interface SignalOptions {
  /** Milliseconds since some origin; tests pass their own. */
  readonly now?: () => number;
  /** Where signals come from (the process by default); tests pass an EventEmitter. */
  readonly source?: Pick<NodeJS.Process, 'on'>;
}

/**
 * A Ctrl-C reaches the daemon more than once: the terminal signals the whole process group, and a
 * parent that forwards signals (npm, tsx) sends it again a moment later. The same signal within
 * this window is that one keystroke, not an operator's second request.
 */
const SAME_SIGNAL_WINDOW_MS = 1_000;

/**
 * SIGTERM/SIGINT -> a graceful stop under the configured deadline; another signal while stopping
 * (after the window above) gives up waiting. SIGHUP rescans the jobs folder, like the watcher,
 * and never stops anything (systemd's ExecReload). Resolves with the exit code the CLI should use.
 */
export function stopOnSignals(daemon: Daemon, opts: SignalOptions = {}): Promise<number> {
  const now = opts.now ?? (() => performance.now());
  const source = opts.source ?? process;
  source.on('SIGHUP', () => {
    daemon.reload().catch((err: unknown) => daemon.log.error({ err }, 'SIGHUP: rescanning the jobs folder failed'));
  });
  return new Promise((resolve) => {
    let first: { signal: NodeJS.Signals; at: number } | undefined;
    const onSignal = (signal: NodeJS.Signals) => {
      if (first) {
        if (signal === first.signal && now() - first.at < SAME_SIGNAL_WINDOW_MS) return;
        daemon.log.warn({ signal }, 'second signal: exiting without waiting for the drain');
        resolve(1);
        return;
      }
      first = { signal, at: now() };
      daemon.log.info({ signal }, 'signal received');
      daemon.stop().then(
        () => resolve(0),
        (err: unknown) => {
          daemon.log.error({ err }, 'error during shutdown');
          resolve(1);
        },
      );
    };
    source.on('SIGTERM', onSignal);
    source.on('SIGINT', onSignal);
  });
}
