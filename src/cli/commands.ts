import { controlCommand } from './control-command.js';
import { runCommand } from './run-command.js';
import { statusCommand } from './status-command.js';
import { explainCommand, validateCommand } from './validate-command.js';
import { fmtCommand } from './fmt-command.js';
import { testCommand } from './test-command.js';

/** One CLI command: `run` gets the arguments after the command's name and answers the exit code. */
export interface Command {
  /** `predictd <name> ...` as the usage lists it. */
  readonly synopsis: string;
  readonly summary: string;
  readonly run: (argv: string[]) => Promise<number>;
}

/**
 * Every command, in the order `predictd --help` lists them. Adding a command is one entry; it
 * handles its own flags and `--help` (cli-args.ts has the helpers) and returns an exit code
 * (exit-codes.ts), never calling process.exit.
 */
export const COMMANDS: Readonly<Record<string, Command>> = {
  run: { synopsis: 'run [--jobs <dir>] [--config <file>]', summary: 'run every *.sql job of the folder, reloading them on change', run: (a) => runCommand(a) },
  validate: { synopsis: 'validate [--strict] <file.sql>...', summary: 'check job files without running them (file:line:col errors)', run: (a) => validateCommand(a) },
  explain: { synopsis: 'explain <file.sql>...', summary: 'print the plan of each INSERT: source -> stages -> sink', run: (a) => explainCommand(a) },
  test: { synopsis: 'test <job.sql | dir>...', summary: 'run each job on its JOB.test.json fixtures and compare the sink rows', run: (a) => testCommand(a) },
  fmt: { synopsis: 'fmt [--check] <file.sql>...', summary: 'rewrite job files in the canonical layout, comments kept', run: (a) => fmtCommand(a) },
  status: { synopsis: 'status [JOB...] [--watch] [--json]', summary: "the daemon's jobs: state, rows/s, lag, in flight, errors, tokens, cost", run: (a) => statusCommand(a) },
  pause: { synopsis: 'pause JOB', summary: 'stop reading and model calls of a job (kept across restarts)', run: controlCommand('pause') },
  resume: { synopsis: 'resume JOB', summary: 'let a paused job go on', run: controlCommand('resume') },
  restart: { synopsis: 'restart JOB', summary: 'stop a job gracefully and start it anew (also a FAILED one)', run: controlCommand('restart') },
};
