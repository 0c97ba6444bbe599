import type { ConnectorContext, ConnectorFactory, TableDefinition } from '../../src/spi/connector.js';
import type { Registry } from '../../src/spi/registry.js';
import type { PartitionProgress, Source } from '../../src/spi/source.js';
import { fieldGenerators, checkFieldOptions } from './field-generator.js';

/**
 * Flink's datagen source: rows at 'rows-per-second', 'number-of-rows' in all (unbounded when
 * unset), each field 'random' or 'sequence'. Acks are not needed for replay: it has no offsets.
 */
export const datagenConnector: ConnectorFactory = {
  name: 'datagen',
  summary: 'Generates rows (random or sequence fields) for demos and tests.',
  spec: {
    options: [
      { key: 'connector', type: { kind: 'string' }, required: true, description: "Must be 'datagen'." },
      { key: 'rows-per-second', type: { kind: 'double', min: 0 }, default: '10000', description: 'Rows generated per second (0: as fast as the pipeline takes them).' },
      { key: 'number-of-rows', type: { kind: 'int', min: 0 }, description: 'Rows to generate before the input ends; unbounded when unset.' },
      { key: 'seed', type: { kind: 'int' }, description: 'Seed of the random generator, for repeatable runs (predictd extension).' },
    ],
    passthroughPrefixes: ['fields.'],
  },
  checkTable(table: TableDefinition) {
    return checkFieldOptions(table);
  },
  createSource(table: TableDefinition, ctx: ConnectorContext): Source {
    const rate = table.options.get<number>('rows-per-second') ?? 10000;
    const total = table.options.get<number>('number-of-rows');
    const gens = fieldGenerators(table, table.options.get<number>('seed'));
    const log = ctx.log;
    let acked = 0;
    return {
      ...(total !== undefined
        ? {
            bounded: true,
            progress: (): PartitionProgress[] => [{ topic: table.name, partition: 0, committedOffset: String(acked), endOffset: String(total), lag: total - acked }],
          }
        : {}),
      async run({ signal, flow, push }) {
        const started = Date.now();
        for (let i = 0; total === undefined || i < total; i++) {
          if (signal.aborted) return;
          if (flow.full) await flow.drained(signal);
          if (rate > 0) {
            const due = started + (i * 1000) / rate - Date.now();
            if (due > 0) await new Promise((r) => setTimeout(r, due));
          }
          if (signal.aborted) return;
          const row = gens.map((g) => g(i));
          if (row.some((v) => v === undefined)) {
            log.info({ rows: i }, 'datagen: a sequence field reached its end; input ends');
            return;
          }
          push({ row: row as never, ack: () => void acked++, nack() {} });
        }
      },
      async close() {},
    };
  },
};

export function register(registry: Registry): void {
  registry.registerConnector(datagenConnector);
}
