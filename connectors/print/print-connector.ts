import type { ConnectorContext, ConnectorFactory, TableDefinition } from '../../src/spi/connector.js';
import type { Registry } from '../../src/spi/registry.js';
import type { Sink } from '../../src/spi/sink.js';
import { formatRow } from './format-row.js';

/** Flink's print sink: `[identifier> ]+I[v1, v2, ...]` per row, to stdout, stderr or the logger (VVR's 'logger'). */
export const printConnector: ConnectorFactory = {
  name: 'print',
  summary: 'Writes every row to standard output, standard error or the log, as Flink prints rows.',
  spec: {
    options: [
      { key: 'connector', type: { kind: 'string' }, required: true, description: "Must be 'print'." },
      { key: 'print-identifier', type: { kind: 'string' }, description: 'A prefix printed before every row, followed by "> ".' },
      { key: 'standard-error', type: { kind: 'boolean' }, default: 'false', description: 'Print to standard error instead of standard output.' },
      { key: 'logger', type: { kind: 'boolean' }, default: 'false', description: "Write rows through the daemon's logger (JSON log lines with jobId) instead of stdout, as VVR's print 'logger'='true'." },
      { key: 'sink.parallelism', type: { kind: 'int', min: 1 }, description: 'Accepted for Flink compatibility; predictd writes from one task per job.' },
    ],
  },
  createSink(table: TableDefinition, ctx: ConnectorContext): Sink {
    const id = table.options.get<string>('print-identifier');
    const prefix = id ? `${id}> ` : '';
    const toLogger = table.options.get<boolean>('logger') === true;
    const stream = table.options.get<boolean>('standard-error') ? process.stderr : process.stdout;
    const log = ctx.log.child({ sink: table.name });
    const types = table.columns.filter((c) => !c.virtual).map((c) => c.type);
    return {
      async write(rows) {
        const lines = rows.map((row) => prefix + formatRow(row, types));
        if (toLogger) {
          for (const line of lines) log.info({ row: line }, 'PrintSinkOutputWriter');
          return;
        }
        await new Promise<void>((resolve, reject) => {
          stream.write(lines.join('\n') + '\n', (err) => (err ? reject(err) : resolve()));
        });
      },
      async close() {},
    };
  },
};

export function register(registry: Registry): void {
  registry.registerConnector(printConnector);
}
