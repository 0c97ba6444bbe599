import type { ConnectorContext, ConnectorFactory, TableDefinition, TableRole } from '../../src/spi/connector.js';
import type { VectorSearcher, VectorSearchRequest } from '../../src/spi/vector-searcher.js';
import type { Registry } from '../../src/spi/registry.js';
import type { Sink } from '../../src/spi/sink.js';
import { checkMilvusColumns } from './milvus-schema.js';
import { compileSearchOptions, MilvusSearcher } from './milvus-searcher.js';
import { MilvusSink } from './milvus-sink.js';
import { MILVUS_SPEC } from './milvus-spec.js';
import { compileMilvusOptions } from './milvus-table-options.js';

/** Alibaba VVR's 'milvus' connector: a sink that upserts rows by primary key into a Milvus collection, and a VECTOR_SEARCH table. */
export const milvusConnector: ConnectorFactory = {
  name: 'milvus',
  summary: 'Upserts rows by primary key into a Milvus collection (created from the table when missing; replays are idempotent) and answers VECTOR_SEARCH.',
  spec: MILVUS_SPEC,
  checkTable(table: TableDefinition, role: TableRole): readonly string[] {
    if (role === 'source') return ['the milvus connector cannot be read as a stream: search it with VECTOR_SEARCH'];
    const problems: string[] = [];
    try {
      compileMilvusOptions(table.options);
      if (role === 'search') compileSearchOptions(table.options);
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
  createVectorSearcher(table: TableDefinition, request: VectorSearchRequest, ctx: ConnectorContext): VectorSearcher {
    const options = compileMilvusOptions(table.options);
    const log = ctx.log.child({ table: table.name, connector: 'milvus' });
    return new MilvusSearcher({ table, options, search: compileSearchOptions(table.options), request, log });
  },
};

/** Registers the 'milvus' connector. */
export function register(registry: Registry): void {
  registry.registerConnector(milvusConnector);
}
