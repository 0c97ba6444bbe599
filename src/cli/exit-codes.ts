/**
 * The CLI's exit codes, one meaning each (docs/operations.md lists them per command): scripts
 * can tell "the daemon said no" from "I typed it wrong" from "nothing answers".
 */
export const EXIT = {
  OK: 0,
  /** The check failed (a file does not compile), or the daemon refused or failed the request. */
  FAILURE: 1,
  /** Wrong usage: unknown command or flag, a missing argument; or a configuration that cannot serve. */
  USAGE: 2,
  /** The admin API did not answer (daemon not running, wrong --admin address). */
  UNREACHABLE: 3,
} as const;
