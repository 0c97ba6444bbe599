import { readFile } from 'node:fs/promises';
import type { CatalogContext } from '../catalog/catalog-context.js';
import { createDefaultRegistry } from '../daemon/default-registry.js';
import { compileJob } from '../daemon/compile-job.js';
import { validateJob } from '../daemon/validate-job.js';
import { DiagnosticsError, formatDiagnostics } from '../errors/diagnostic.js';
import { explainPipeline } from '../planner/explain.js';
import { modelSpecFor } from '../providers/index.js';
import { loadCliConfig, parseCommandArgs, processIo, type CommandIo } from './cli-args.js';
import { EXIT } from './exit-codes.js';

export const VALIDATE_USAGE = `Usage: predictd validate [--strict] [--config <file>] <file.sql>...

Checks job files (syntax, names, types, WITH options) without running anything; exit 1 with every
error otherwise. An option naming an environment variable that is not set is a warning (exit 0);
--strict makes it an error (exit 1). Exit 2 on a usage error. The daemon answers the same checks
on POST /validate.`;

export const EXPLAIN_USAGE = `Usage: predictd explain [--config <file>] <file.sql>...

Prints the plan of each INSERT (source -> stages -> sink); exit 1 when a file does not compile.`;

function catalogContext(configFile: string | undefined, io: CommandIo): CatalogContext {
  const config = loadCliConfig(configFile, io.env);
  return { registry: createDefaultRegistry(), modelSpec: modelSpecFor, defaultKafkaBootstrap: config.kafka.bootstrapServers };
}

/** Reads a file; one unreadable file fails the run but does not stop the others from being checked. */
async function readJob(file: string, io: CommandIo): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    io.err(`${file}: cannot read: ${err instanceof Error ? err.message : String(err)}\n`);
    return undefined;
  }
}

export async function validateCommand(argv: readonly string[], io: CommandIo = processIo): Promise<number> {
  const args = parseCommandArgs('validate', VALIDATE_USAGE, argv, { strict: { type: 'boolean' }, config: { type: 'string' } }, io);
  if (typeof args === 'number') return args;
  const strict = args.values['strict'] === true;
  return eachJobFile('validate', VALIDATE_USAGE, args, io, (file, source, ctx) => {
    const result = validateJob(file, source, ctx, io.env, strict);
    if (!result.plan) {
      io.err(`${formatDiagnostics(file, result.source, result.errors)}\n${result.errors.length} error${result.errors.length === 1 ? '' : 's'} in ${file}\n`);
      return false;
    }
    const unset = strict ? result.errors : result.warnings;
    if (unset.length > 0) {
      const n = unset.length;
      io.err(`${formatDiagnostics(file, result.source, unset)}\n`);
      io.err(`${n} ${strict ? 'error' : 'warning'}${n === 1 ? '' : 's'} in ${file}${strict ? '' : ' (errors with --strict)'}\n`);
      if (strict) return false;
    }
    const plan = result.plan;
    const count = (kind: string) => plan.catalog.entries().filter((e) => e.kind === kind).length;
    const n = (k: number, word: string) => `${k} ${word}${k === 1 ? '' : 's'}`;
    io.out(`${file}: OK (${n(count('table'), 'table')}, ${n(count('view'), 'view')}, ${n(count('model'), 'model')}, ${n(plan.pipelines.length, 'pipeline')})\n`);
    return true;
  });
}

export async function explainCommand(argv: readonly string[], io: CommandIo = processIo): Promise<number> {
  const args = parseCommandArgs('explain', EXPLAIN_USAGE, argv, { config: { type: 'string' } }, io);
  if (typeof args === 'number') return args;
  return eachJobFile('explain', EXPLAIN_USAGE, args, io, (file, source, ctx) => {
    try {
      const plan = compileJob(file, source, ctx);
      const all = [...plan.pipelines, ...plan.explained];
      const shown = plan.shown.map((s) => `-- ${file}:${s.line}\n${s.text}`);
      const text = [...shown, ...all.map((p) => explainPipeline(p, file))];
      io.out(text.length ? `${text.join('\n\n')}\n` : `${file}: no INSERT or SELECT to explain\n`);
      return true;
    } catch (err) {
      if (!(err instanceof DiagnosticsError)) throw err;
      io.err(`${err.message}\n${err.diagnostics.length} error${err.diagnostics.length === 1 ? '' : 's'} in ${file}\n`);
      return false;
    }
  });
}

/**
 * The loop validate and explain share: at least one file named, each read (an unreadable one
 * fails the run but not the others) and checked; exit 1 when any check failed.
 */
async function eachJobFile(
  command: string,
  usage: string,
  args: { readonly positionals: readonly string[]; readonly values: Readonly<Record<string, unknown>> },
  io: CommandIo,
  check: (file: string, source: string, ctx: CatalogContext) => boolean,
): Promise<number> {
  if (args.positionals.length === 0) {
    io.err(`predictd ${command}: name at least one .sql file\n\n${usage}\n`);
    return EXIT.USAGE;
  }
  const ctx = catalogContext(args.values['config'] as string | undefined, io);
  let failed = 0;
  for (const file of args.positionals) {
    const source = await readJob(file, io);
    if (source === undefined || !check(file, source, ctx)) failed++;
  }
  return failed > 0 ? EXIT.FAILURE : EXIT.OK;
}
