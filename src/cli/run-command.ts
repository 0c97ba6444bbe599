import { Daemon } from '../daemon/daemon.js';
import { stopOnSignals } from '../daemon/signals.js';
import { PredictdError } from '../errors/predictd-error.js';
import { loadCliConfig, parseCommandArgs, processIo, type CommandIo } from './cli-args.js';
import { EXIT } from './exit-codes.js';

export const RUN_USAGE = `Usage: predictd run [--jobs <dir>] [--config <file>] [--log-level <level>]

Runs every *.sql file of the jobs folder, one job per file, and reloads them on change, until
SIGTERM/SIGINT. Exit 0 after a clean drain; 1 on an error during start or shutdown, or a second
signal; 2 on a usage error, a jobs folder that does not exist or cannot be read (PD5001), or an
admin.token that names an unset variable or an unreadable file (PD5002).`;

/** Daemon errors that are the operator's configuration, said in one sentence: exit 2. */
const CONFIGURATION_ERRORS = new Set(['PD5001', 'PD5002']);

export async function runCommand(argv: readonly string[], io: CommandIo = processIo): Promise<number> {
  const args = parseCommandArgs('run', RUN_USAGE, argv, { jobs: { type: 'string' }, config: { type: 'string' }, 'log-level': { type: 'string' } }, io);
  if (typeof args === 'number') return args;
  const { values } = args;
  const overrides: Record<string, unknown> = {};
  if (values['jobs']) overrides['jobs.dir'] = values['jobs'];
  if (values['log-level']) overrides['log.level'] = values['log-level'];
  const config = loadCliConfig(values['config'] as string | undefined, io.env, overrides);
  const daemon = await Daemon.create(config);
  const exit = stopOnSignals(daemon);
  try {
    await daemon.start();
  } catch (err) {
    if (!(err instanceof PredictdError && CONFIGURATION_ERRORS.has(err.code))) throw err;
    io.err(`predictd: ${err.message}\n`);
    return EXIT.USAGE;
  }
  return exit;
}
