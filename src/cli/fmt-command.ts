import { readdir, readFile, rename, stat, writeFile, chmod } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { formatDiagnostics } from '../errors/diagnostic.js';
import { FormatterError, formatScript } from '../sql/printer/format-script.js';
import { processIo, type CommandIo } from './command-io.js';

export const FMT_USAGE = `Usage: predictd fmt [--check] <file.sql | folder | ->...

Rewrites job files in predictd's canonical Flink SQL layout (the printer of 'predictd explain'),
in place. Every comment is kept: comments between statements stay where they are, and a
statement with a comment inside it is left exactly as written. Formatting twice changes nothing.

  <folder>   every *.sql file directly in it
  -          reads standard input and writes the formatted text to standard output
  --check    writes nothing: lists each file that would change, exit 1 if any would
  -h, --help this text

Prints the name of each file it rewrote (or would rewrite, with --check).
Exit codes: 0 done (or nothing to change), 1 with --check when a file would change,
2 on a usage error or a file that cannot be read or does not parse (file:line:col;
that file is left as it is, the others are still formatted).`;

/** `predictd fmt`: argv is what follows the command name. */
export async function fmtCommand(argv: string[], io: CommandIo = processIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: { check: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } });
  } catch (err) {
    io.stderr(`predictd fmt: ${err instanceof Error ? err.message : String(err)}\n\n${FMT_USAGE}\n`);
    return 2;
  }
  if (parsed.values.help) {
    io.stdout(`${FMT_USAGE}\n`);
    return 0;
  }
  const check = parsed.values.check ?? false;
  if (parsed.positionals.length === 0) {
    io.stderr(`predictd fmt: name at least one .sql file, folder, or - for standard input\n\n${FMT_USAGE}\n`);
    return 2;
  }
  let errors = 0;
  let changed = 0;
  for (const target of parsed.positionals) {
    const files = await expand(target).catch((err: unknown) => {
      errors++;
      io.stderr(`${target}: cannot read: ${message(err)}\n`);
      return [];
    });
    for (const file of files) {
      const outcome = await formatOne(file, check, io);
      if (outcome === 'error') errors++;
      if (outcome === 'changed') changed++;
    }
  }
  if (errors > 0) return 2;
  return check && changed > 0 ? 1 : 0;
}

type Outcome = 'unchanged' | 'changed' | 'error';

async function formatOne(file: string, check: boolean, io: CommandIo): Promise<Outcome> {
  const stdin = file === '-';
  const name = stdin ? '<stdin>' : file;
  let source: string;
  try {
    source = stdin ? await io.stdin() : await readFile(file, 'utf8');
  } catch (err) {
    io.stderr(`${name}: cannot read: ${message(err)}\n`);
    return 'error';
  }
  let result;
  try {
    result = formatScript(source, name);
  } catch (err) {
    if (!(err instanceof FormatterError)) throw err;
    io.stderr(`${err.message}\n`);
    return 'error';
  }
  if (!result.ok) {
    const n = result.diagnostics.length;
    io.stderr(`${formatDiagnostics(name, source, result.diagnostics)}\n${n} error${n === 1 ? '' : 's'} in ${name}: not formatted\n`);
    return 'error';
  }
  const differs = result.text !== source;
  if (stdin) {
    if (!check) io.stdout(result.text);
    else if (differs) io.stdout(`${name}\n`);
    return differs ? 'changed' : 'unchanged';
  }
  if (!differs) return 'unchanged';
  if (!check) await writeInPlace(file, result.text);
  io.stdout(`${file}\n`);
  return 'changed';
}

/** A folder stands for the *.sql files directly in it (as the daemon's jobs folder is read). */
async function expand(target: string): Promise<string[]> {
  if (target === '-') return ['-'];
  if (!(await stat(target)).isDirectory()) return [target];
  const names = (await readdir(target)).filter((n) => n.endsWith('.sql')).sort();
  return names.map((n) => join(target, n));
}

/** Write then rename, so an interrupted run never leaves a half-written job file (the daemon may be watching it). */
async function writeInPlace(file: string, text: string): Promise<void> {
  const temp = `${file}.fmt-${process.pid}.tmp`;
  const { mode } = await stat(file);
  await writeFile(temp, text, 'utf8');
  await chmod(temp, mode);
  await rename(temp, file);
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
