import type { Column, DataType } from '../types/data-type.js';
import type { ConfigSpec, ResolvedOptions } from './config-spec.js';
import type { Registry } from './registry.js';
import type { Logger } from './logger.js';
import type { Sink } from './sink.js';
import type { Source } from './source.js';
import type { VectorSearcher, VectorSearchRequest } from './vector-searcher.js';

/** A column a connector reads or writes: physical, or metadata read from/written to the record. */
export interface TableColumn extends Column {
  /** Set for `METADATA [FROM 'key']` columns: the connector's metadata key. */
  readonly metadataKey?: string;
  /** `METADATA ... VIRTUAL`: read-only, never written by a sink. */
  readonly virtual?: boolean;
}

/**
 * A table as a connector sees it. Computed columns are the planner's business and are not
 * listed. Sources produce rows with one value per column, in this order; sinks receive rows
 * with one value per non-virtual column, in this order.
 */
export interface TableDefinition {
  readonly name: string;
  readonly connector: string;
  readonly columns: readonly TableColumn[];
  readonly primaryKey: readonly string[];
  readonly options: ResolvedOptions;
}

export interface MetadataSpec {
  readonly key: string;
  readonly type: DataType;
  /** Whether a sink can write it (Kafka: timestamp, headers); otherwise only VIRTUAL use is allowed. */
  readonly writable: boolean;
  readonly description: string;
}

/**
 * A problem found by `checkTable`: a plain message is reported as PD2011 at the table name; the
 * object form names its own catalog code and the option whose value is at fault.
 */
export type TableProblem = string | { readonly code: `PD2${string}`; readonly message: string; readonly option?: string };

/** How a query uses a table: read, written, or searched by VECTOR_SEARCH. */
export type TableRole = 'source' | 'sink' | 'search';

export interface ConnectorContext {
  readonly jobId: string;
  readonly log: Logger;
  /**
   * The daemon's environment. Not for option values: those arrive with `${NAME}` and
   * `${file:PATH}` already resolved (daemon/resolve-plan-refs.ts), so no connector resolves them.
   */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Formats and other plugins, for connectors that decode bytes. */
  readonly registry: Registry;
}

export interface ConnectorFactory {
  /** The 'connector' option value, e.g. 'kafka'. */
  readonly name: string;
  readonly summary: string;
  readonly spec: ConfigSpec;
  readonly metadata?: readonly MetadataSpec[];
  /** Extra checks beyond the spec (e.g. key.fields must name physical columns); returns problems. */
  checkTable?(table: TableDefinition, role: TableRole): readonly TableProblem[];
  createSource?(table: TableDefinition, ctx: ConnectorContext): Source;
  createSink?(table: TableDefinition, ctx: ConnectorContext): Sink;
  /** Tables that VECTOR_SEARCH can search (Flink's VectorSearchTableSource). */
  createVectorSearcher?(table: TableDefinition, request: VectorSearchRequest, ctx: ConnectorContext): VectorSearcher;
}
