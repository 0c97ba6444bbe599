import type { Logger, LogFn } from '../spi/logger.js';

/**
 * A logger that keeps the run's warnings and errors as lines for the test report (a row dropped
 * by IGNORE, a failed pipeline) instead of printing JSON log lines between the results.
 */
export function collectingLogger(): { log: Logger; notes: string[] } {
  const notes: string[] = [];
  const quiet: LogFn = () => {};
  const keep: LogFn = (objOrMsg: object | string, msg?: string) => {
    if (typeof objOrMsg === 'string') {
      notes.push(objOrMsg);
      return;
    }
    const err = (objOrMsg as { err?: unknown }).err;
    const cause = err instanceof Error ? err.message : typeof err === 'string' ? err : undefined;
    notes.push([msg ?? '', cause].filter((s) => s).join(': '));
  };
  const log: Logger = { debug: quiet, info: quiet, warn: keep, error: keep, child: () => log };
  return { log, notes };
}
