import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { Daemon } from '../daemon/daemon.js';
import { loadDaemonConfig } from '../daemon/daemon-config.js';
import { createDefaultRegistry } from '../daemon/default-registry.js';
import { compileJob, redactSecretOptions } from '../daemon/compile-job.js';
import { resolvePlanRefs } from '../daemon/resolve-plan-refs.js';
import { stopOnSignals } from '../daemon/signals.js';
import { explainPipeline } from '../planner/explain.js';
import { modelSpecFor } from '../providers/index.js';
import type { CatalogContext } from '../catalog/catalog-context.js';
import { DiagnosticsError, formatDiagnostics } from '../errors/diagnostic.js';
import { PredictdError } from '../errors/predictd-error.js';

const USAGE = `predictd: run Flink SQL ML_PREDICT jobs over Kafka

Usage:
  predictd run [--jobs <dir>] [--config <file>] [--log-level <level>]
  predictd validate [--strict] <file.sql>...
  predictd explain <file.sql>...
  predictd --help | --version

run        runs every *.sql file of the jobs folder, one job per file, and reloads them on change;
           exit 2 when the folder does not exist or cannot be read
validate   checks job files (syntax, names, types, WITH options); exit 1 with every error otherwise.
           An option naming an environment variable that is not set is a warning (exit 0);
           --strict makes it an error (exit 1)
explain    prints the plan of each INSERT: source -> stages -> sink

Configuration: --config <file> (JSON), else config/predictd.json when present; PREDICTD_* environment
variables override it (see docs/operations.md).`;

async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        jobs: { type: 'string' },
        config: { type: 'string' },
        'log-level': { type: 'string' },
        strict: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean' },
      },
    });
  } catch (err) {
    // A usage error (unknown flag, missing flag value) exits 2, as an unknown command does.
    process.stderr.write(`predictd: ${err instanceof Error ? err.message : String(err)}\n\n${USAGE}\n`);
    return 2;
  }
  const { values, positionals } = parsed;
  const [command, ...files] = positionals;
  if (values.version) {
    const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8').catch(() => readFile(new URL('../../../package.json', import.meta.url), 'utf8'))) as { version: string };
    process.stdout.write(`predictd ${pkg.version}\n`);
    return 0;
  }
  if (values.help || !command) {
    process.stdout.write(`${USAGE}\n`);
    return command || values.help ? 0 : 2;
  }
  const configFile = values.config ?? (existsSync('config/predictd.json') ? 'config/predictd.json' : undefined);
  const overrides: Record<string, unknown> = {};
  if (values.jobs) overrides['jobs.dir'] = values.jobs;
  if (values['log-level']) overrides['log.level'] = values['log-level'];
  const config = loadDaemonConfig({ ...(configFile ? { file: configFile } : {}), env: process.env, overrides });

  switch (command) {
    case 'run': {
      const daemon = await Daemon.create(config);
      const exit = stopOnSignals(daemon);
      try {
        await daemon.start();
      } catch (err) {
        if (!(err instanceof PredictdError && err.code === 'PD5001')) throw err;
        process.stderr.write(`predictd: ${err.message}\n`);
        return 2;
      }
      return exit;
    }
    case 'validate':
    case 'explain': {
      if (files.length === 0) {
        process.stderr.write(`predictd ${command}: name at least one .sql file\n`);
        return 2;
      }
      const ctx: CatalogContext = { registry: createDefaultRegistry(), modelSpec: modelSpecFor, defaultKafkaBootstrap: config.kafka.bootstrapServers };
      let failed = 0;
      for (const file of files) {
        let source: string;
        try {
          source = await readFile(file, 'utf8');
        } catch (err) {
          // One unreadable file fails the run but does not stop the others from being checked.
          failed++;
          process.stderr.write(`${file}: cannot read: ${err instanceof Error ? err.message : String(err)}\n`);
          continue;
        }
        try {
          const plan = compileJob(file, source, ctx);
          if (command === 'validate') {
            const unset = resolvePlanRefs(plan, ctx, { env: process.env }).diagnostics;
            if (unset.length > 0) {
              const n = unset.length;
              process.stderr.write(`${formatDiagnostics(file, redactSecretOptions(source), unset)}\n`);
              process.stderr.write(`${n} ${values.strict ? 'error' : 'warning'}${n === 1 ? '' : 's'} in ${file}${values.strict ? '' : ' (errors with --strict)'}\n`);
              if (values.strict) {
                failed++;
                continue;
              }
            }
            const count = (kind: string) => plan.catalog.entries().filter((e) => e.kind === kind).length;
            const n = (k: number, word: string) => `${k} ${word}${k === 1 ? '' : 's'}`;
            process.stdout.write(`${file}: OK (${n(count('table'), 'table')}, ${n(count('view'), 'view')}, ${n(count('model'), 'model')}, ${n(plan.pipelines.length, 'pipeline')})\n`);
          } else {
            const all = [...plan.pipelines, ...plan.explained];
            const shown = plan.shown.map((s) => `-- ${file}:${s.line}\n${s.text}`);
            const text = [...shown, ...all.map((p) => explainPipeline(p, file))];
            process.stdout.write(text.length ? `${text.join('\n\n')}\n` : `${file}: no INSERT or SELECT to explain\n`);
          }
        } catch (err) {
          if (!(err instanceof DiagnosticsError)) throw err;
          failed++;
          process.stderr.write(`${err.message}\n${err.diagnostics.length} error${err.diagnostics.length === 1 ? '' : 's'} in ${file}\n`);
        }
      }
      return failed > 0 ? 1 : 0;
    }
    default:
      process.stderr.write(`predictd: unknown command '${command}'\n\n${USAGE}\n`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`predictd: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
