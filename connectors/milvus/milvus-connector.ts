import type { ConnectorContext, ConnectorFactory, TableDefinition } from '../../src/spi/connector.js';
import type { Registry } from '../../src/spi/registry.js';
import type { Sink } from '../../src/spi/sink.js';
import { checkMilvusColumns } from './milvus-schema.js';
import { MilvusSink } from './milvus-sink.js';
import { MILVUS_SPEC } from './milvus-spec.js';
import { compileMilvusOptions } from './milvus-table-options.js';

/** Alibaba VVR's 'milvus' connector: a sink that upserts rows by primary key into a Milvus collection. */
export const milvusConnector: ConnectorFactory = {
  name: 'milvus',
  summary: 'Upserts rows by primary key into a Milvus collection (created from the table when missing); replays are idempotent.',
  spec: MILVUS_SPEC,
  checkTable(table: TableDefinition, role: 'source' | 'sink'): readonly string[] {
    if (role === 'source') return ['the milvus connector is a sink: it cannot be read (vector-table lookups are not supported)'];
    const problems: string[] = [];
    try {
      compileMilvusOptions(table.options);
    } catch (err) {
      problems.push((err as Error).message);
    }
    problems.push(...checkMilvusColumns(table));
    return problems;
  },
  createSink(table: TableDefinition, ctx: ConnectorContext): Sink {
    const options = compileMilvusOptions(table.options);
    const log = ctx.log.child({ table: table.name, connector: 'milvus' });
    if (options.collection !== options.declaredCollection) {
      log.info(
        { collectionName: options.declaredCollection, collection: options.collection },
        "milvus: 'collectionName' is not a valid Milvus name; writing to the sanitized name ('collection.name-mapping' = 'verbatim' keeps it)",
      );
    }
    if (table.options.get<number>('sink.buffer-flush.interval') !== undefined) {
      log.debug("milvus: 'sink.buffer-flush.interval' is accepted for compatibility; the runtime's sink linger decides when rows are written");
    }
    return new MilvusSink({ table, options, log });
  },
};

/** Registers the 'milvus' connector. */
export function register(registry: Registry): void {
  registry.registerConnector(milvusConnector);
}
