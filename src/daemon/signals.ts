import type { Daemon } from './daemon.js';

/**
 * SIGTERM/SIGINT -> a graceful stop under the configured deadline. A second signal while
 * stopping gives up waiting. Resolves with the exit code the CLI should use.
 */
export function stopOnSignals(daemon: Daemon): Promise<number> {
  return new Promise((resolve) => {
    let signalled = false;
    const onSignal = (signal: NodeJS.Signals) => {
      if (signalled) {
        daemon.log.warn({ signal }, 'second signal: exiting without waiting for the drain');
        resolve(1);
        return;
      }
      signalled = true;
      daemon.log.info({ signal }, 'signal received');
      daemon.stop().then(
        () => resolve(0),
        (err: unknown) => {
          daemon.log.error({ err }, 'error during shutdown');
          resolve(1);
        },
      );
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  });
}
