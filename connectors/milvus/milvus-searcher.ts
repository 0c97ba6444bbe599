import type { MilvusClient } from '@zilliz/milvus2-sdk-node';
import type { ResolvedOptions } from '../../src/spi/config-spec.js';
import type { TableDefinition } from '../../src/spi/connector.js';
import type { Logger } from '../../src/spi/logger.js';
import type { VectorSearcher, VectorSearchRequest } from '../../src/spi/vector-searcher.js';
import type { DataType, Value } from '../../src/types/data-type.js';
import { abortable } from '../../src/spi/abortable.js';
import { asConnectorError, expectOk, openMilvusClient } from './milvus-client.js';
import { MilvusConnectorError } from './milvus-connector-error.js';
import type { MetricType, MilvusTableOptions } from './milvus-table-options.js';

/** The 'search.*' options, compiled once. */
export interface MilvusSearchOptions {
  readonly filter: string | undefined;
  readonly metricType: MetricType | undefined;
  readonly params: Readonly<Record<string, unknown>> | undefined;
  readonly requestTimeoutMs: number;
}

/** Throws MilvusConnectorError (PD4341) when 'search.params' is not a JSON object. */
export function compileSearchOptions(options: ResolvedOptions): MilvusSearchOptions {
  const rawParams = options.get<string>('search.params');
  let params: Record<string, unknown> | undefined;
  if (rawParams !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(rawParams);
    } catch {
      parsed = undefined;
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new MilvusConnectorError('PD4341', `'search.params' must be a JSON object such as '{"ef": 64}', got '${rawParams}'`);
    }
    params = parsed as Record<string, unknown>;
  }
  return {
    filter: options.get<string>('search.filter'),
    metricType: options.get<MetricType>('search.metric-type'),
    params,
    requestTimeoutMs: options.get<number>('search.request-timeout') ?? 30_000,
  };
}

export interface MilvusSearcherConfig {
  readonly table: TableDefinition;
  readonly options: MilvusTableOptions;
  readonly search: MilvusSearchOptions;
  readonly request: VectorSearchRequest;
  readonly log: Logger;
}

/**
 * VECTOR_SEARCH over one Milvus collection: one search request per query vector, returning every
 * column of the table plus Milvus' score, nearest first. Connects on the first search; a failed
 * request throws (the runtime retries it), a collection that lacks a column throws a permanent error.
 */
export class MilvusSearcher implements VectorSearcher {
  readonly target: string;
  readonly #cfg: MilvusSearcherConfig;
  #client: Promise<MilvusClient> | undefined;
  #closed = false;

  constructor(cfg: MilvusSearcherConfig) {
    this.#cfg = cfg;
    this.target = `milvus:${cfg.options.address}/${cfg.options.database}/${cfg.options.collection}`;
  }

  async search(vector: readonly number[], opts: { readonly signal: AbortSignal }): Promise<readonly (readonly Value[])[]> {
    if (this.#closed) throw new MilvusConnectorError('PD4345', `milvus search of '${this.#cfg.table.name}': search() after close()`);
    opts.signal.throwIfAborted();
    return abortable(this.#search(vector), opts.signal);
  }

  async #search(vector: readonly number[]): Promise<Value[][]> {
    const { table, options, search, request } = this.#cfg;
    const client = await this.#connect();
    const doing = `searching collection '${options.collection}'`;
    let results: Array<Record<string, unknown>>;
    try {
      const answer = await client.search({
        collection_name: options.collection,
        anns_field: request.column,
        data: [...vector],
        limit: request.topK,
        output_fields: table.columns.map((c) => c.name),
        timeout: search.requestTimeoutMs,
        ...(search.filter !== undefined ? { filter: search.filter } : {}),
        ...(search.metricType !== undefined ? { metric_type: search.metricType } : {}),
        ...(search.params !== undefined ? { params: search.params as Record<string, never> } : {}),
        ...(options.partition ? { partition_names: [options.partition] } : {}),
      });
      expectOk(answer.status, doing);
      results = answer.results as unknown as Array<Record<string, unknown>>;
    } catch (err) {
      throw asConnectorError(err, doing);
    }
    return results.map((hit) => [...table.columns.map((c) => decode(c.type, hit[c.name], c.name, options.collection)), Number(hit.score)]);
  }

  #connect(): Promise<MilvusClient> {
    this.#client ??= openMilvusClient(this.#cfg.options).catch((err: unknown) => {
      this.#client = undefined;
      throw asConnectorError(err, `connecting to Milvus at ${this.#cfg.options.address}`);
    });
    return this.#client;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const client = await this.#client?.catch(() => undefined);
    await client?.closeConnection().catch((err: unknown) => this.#cfg.log.warn({ err }, 'milvus: closing the search client failed'));
  }
}

/** A field of a hit as the column's SQL value (Int64 may arrive as a string, JSON as an object). */
function decode(type: DataType, v: unknown, column: string, collection: string): Value {
  if (v === undefined) throw new MilvusConnectorError('PD4342', `collection '${collection}' returned no field '${column}' for a search hit`);
  if (v === null) return null;
  switch (type.kind) {
    case 'TINYINT':
    case 'SMALLINT':
    case 'INT':
    case 'BIGINT':
    case 'FLOAT':
    case 'DOUBLE':
    case 'DECIMAL':
      return Number(v);
    case 'BOOLEAN':
      return v === true || v === 'true';
    case 'STRING':
    case 'VARCHAR':
    case 'CHAR':
      return typeof v === 'string' ? v : JSON.stringify(v);
    case 'ARRAY':
      return Array.isArray(v) ? v.map((x) => decode(type.element, x, column, collection)) : null;
    default:
      return v as Value;
  }
}
