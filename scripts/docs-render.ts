import { ERROR_CODES } from '../src/errors/error-codes.js';
import { describeDaemonConfig } from '../src/daemon/daemon-config.js';

const FAMILIES: Array<[RegExp, string, string]> = [
  [/^PD1/, 'PD1xxx: SQL syntax', 'Reported by `predictd validate` and at load time, with `file:line:col` and a caret under the column. Nothing of the file runs.'],
  [/^PD22/, 'PD22xx: expressions', 'Column references, function calls and types in SELECT, WHERE, computed columns and ML_PREDICT arguments.'],
  [/^PD2/, 'PD2xxx: catalog, options and plans', 'Names that do not resolve, WITH options that do not fit the connector, format or provider spec, and queries whose shapes or types do not fit. Reported before anything runs.'],
  [/^PD41/, 'PD41xx: runtime', 'A running pipeline.'],
  [/^PD42/, 'PD42xx: model providers', 'Calls to model APIs, rate limits and retries. Messages never contain credentials.'],
  [/^PD43/, 'PD43xx: connectors and formats', 'Reading and writing Kafka, Milvus and the formats.'],
  [/^PD44/, 'PD44xx: row evaluation', 'A row that fails while an expression is evaluated (for example CAST of a bad number). The job stops before the failed record; nothing past it is committed.'],
  [/^PD51/, 'PD51xx: job-file tools', '`predictd test` (test definitions, fixtures, mocked answers, expected rows; see docs/testing-jobs.md) and `predictd fmt`. Exit code 2, with `file:line:col` where there is a file.'],
  [/^PD5/, 'PD5xxx: daemon and configuration', 'Start-up, configuration and the command line.'],
];

/** docs/errors.md: every code, grouped by family, in code order. */
export function renderErrorsDoc(): string {
  const codes = Object.entries(ERROR_CODES).sort(([a], [b]) => a.localeCompare(b));
  const out = [
    '# Error codes',
    '',
    'Every error predictd reports carries a stable code. Errors about a job file read',
    '`file:line:col: message [CODE]`, followed by the source line and a caret under the column;',
    'a file reports all of its errors at once. This page is generated from `src/errors/` by',
    '`npm run docs`; a test keeps the two in step.',
    '',
  ];
  const done = new Set<string>();
  for (const [pattern, title, intro] of FAMILIES) {
    const rows = codes.filter(([c]) => pattern.test(c) && !done.has(c));
    if (rows.length === 0) continue;
    out.push(`## ${title}`, '', intro, '', '| code | meaning |', '| --- | --- |');
    for (const [code, meaning] of rows) {
      done.add(code);
      out.push(`| ${code} | ${meaning.replace(/\|/g, '\\|')} |`);
    }
    out.push('');
  }
  return out.join('\n');
}

/** The table of daemon settings in docs/operations.md. */
export function renderOperationsConfigTable(): string {
  const rows = describeDaemonConfig().map((c) => `| \`${c.key}\` | \`${c.env}\` | \`${JSON.stringify(c.default)}\` | ${c.doc} |`);
  return ['| key | environment variable | default | meaning |', '| --- | --- | --- | --- |', ...rows, ''].join('\n');
}
