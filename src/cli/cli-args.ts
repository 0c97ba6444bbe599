import { parseArgs, type ParseArgsConfig } from 'node:util';
import { existsSync } from 'node:fs';
import { loadDaemonConfig, type DaemonConfig } from '../daemon/daemon-config.js';
import { EXIT } from './exit-codes.js';

/** What every command gets: its arguments (after the command's name) and where to write. */
export interface CommandIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  readonly env: Readonly<Record<string, string | undefined>>;
}

export const processIo: CommandIo = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  env: process.env,
};

/** Parsed flags, or the exit code of a usage error (already reported with the command's usage). */
export function parseCommandArgs<T extends NonNullable<ParseArgsConfig['options']>>(
  name: string,
  usage: string,
  argv: readonly string[],
  options: T,
  io: CommandIo,
): { values: Record<string, string | boolean | undefined>; positionals: string[] } | number {
  try {
    const parsed = parseArgs({ args: [...argv], allowPositionals: true, options: { ...options, help: { type: 'boolean', short: 'h' } } });
    const values = parsed.values as Record<string, string | boolean | undefined>;
    if (values['help']) {
      io.out(`${usage}\n`);
      return EXIT.OK;
    }
    return { values, positionals: parsed.positionals };
  } catch (err) {
    io.err(`predictd ${name}: ${err instanceof Error ? err.message : String(err)}\n\n${usage}\n`);
    return EXIT.USAGE;
  }
}

/** The daemon configuration as `run` would load it: --config, else config/predictd.json when present, then PREDICTD_* variables. */
export function loadCliConfig(configFile: string | undefined, env: Readonly<Record<string, string | undefined>>, overrides: Record<string, unknown> = {}): DaemonConfig {
  const file = configFile ?? (existsSync('config/predictd.json') ? 'config/predictd.json' : undefined);
  return loadDaemonConfig({ ...(file ? { file } : {}), env, overrides });
}
