import { readFile } from 'node:fs/promises';
import { closestMatch } from '../spi/did-you-mean.js';
import { COMMANDS } from './commands.js';
import { EXIT } from './exit-codes.js';

function usage(): string {
  const width = Math.max(...Object.values(COMMANDS).map((c) => c.synopsis.length));
  const lines = Object.values(COMMANDS).map((c) => `  predictd ${c.synopsis.padEnd(width)}  ${c.summary}`);
  return `predictd: run Flink SQL ML_PREDICT jobs over Kafka

Usage:
${lines.join('\n')}
  predictd ${'<command> --help'.padEnd(width)}  that command's flags and exit codes
  predictd --help | --version

Exit codes: 0 ok; 1 a check failed or the daemon refused the request; 2 usage (unknown command or
flag, missing argument, a configuration that cannot serve); 3 the daemon's admin API does not answer.

Configuration: --config <file> (JSON), else config/predictd.json when present; PREDICTD_* environment
variables override it (see docs/operations.md).`;
}

async function version(): Promise<string> {
  const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8').catch(() => readFile(new URL('../../../package.json', import.meta.url), 'utf8'))) as { version: string };
  return pkg.version;
}

async function main(argv: string[]): Promise<number> {
  const [first, ...rest] = argv;
  if (first === '--version') {
    process.stdout.write(`predictd ${await version()}\n`);
    return EXIT.OK;
  }
  if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
    const topic = first === 'help' ? rest[0] : undefined;
    if (topic && COMMANDS[topic]) return COMMANDS[topic].run(['--help']);
    process.stdout.write(`${usage()}\n`);
    return first === undefined ? EXIT.USAGE : EXIT.OK;
  }
  const command = COMMANDS[first];
  if (!command) {
    const near = first.startsWith('-') ? undefined : closestMatch(first, Object.keys(COMMANDS));
    const what = first.startsWith('-') ? `name a command before the flag '${first}'` : `unknown command '${first}'${near ? `; did you mean '${near}'?` : ''}`;
    process.stderr.write(`predictd: ${what}\n\n${usage()}\n`);
    return EXIT.USAGE;
  }
  return command.run(rest);
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`predictd: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(EXIT.FAILURE);
  },
);
