import type { Logger } from '../../src/spi/logger.js';

/** A logger that drops everything, keeping what was logged for assertions. */
export function silentLogger(lines: Array<{ level: string; args: unknown[] }> = []): Logger {
  const make = (level: string) => (...args: unknown[]) => { lines.push({ level, args }); };
  const log: Logger = { debug: make('debug'), info: make('info'), warn: make('warn'), error: make('error'), child: () => log };
  return log;
}
