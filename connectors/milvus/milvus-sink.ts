import type { DescribeCollectionResponse, FieldSchema, MilvusClient, RowData } from '@zilliz/milvus2-sdk-node';
import { asConnectorError, expectOk, openMilvusClient } from './milvus-client.js';
import type { TableDefinition } from '../../src/spi/connector.js';
import type { Logger } from '../../src/spi/logger.js';
import type { Sink } from '../../src/spi/sink.js';
import type { Row } from '../../src/types/data-type.js';
import { MilvusConnectorError } from './milvus-connector-error.js';
import { fieldsToCreate, isVectorColumn, rowEncoder, type MilvusField, type MilvusSchema, type RowEncoder } from './milvus-schema.js';
import type { MilvusTableOptions } from './milvus-table-options.js';
import { abortable } from '../../src/spi/abortable.js';

export interface MilvusSinkConfig {
  readonly table: TableDefinition;
  readonly options: MilvusTableOptions;
  readonly log: Logger;
}

/** Where the sink stands: no client yet, a client whose collection is (re)checked on the next write, ready, or closed. */
type SinkState =
  | { readonly kind: 'idle' }
  | { readonly kind: 'connected'; readonly client: MilvusClient }
  | { readonly kind: 'ready'; readonly client: MilvusClient; readonly encode: RowEncoder }
  | { readonly kind: 'closed' };

/**
 * Upserts rows into one Milvus collection by primary key, so a replay after a crash rewrites
 * the same entities instead of adding copies. write() resolves once Milvus accepted every
 * upsert request of the batch. The first write connects, creates the collection when missing
 * (with vector indexes, then loads it) and checks that the collection fits the table; after a
 * failed write that check runs again, so a collection dropped or recreated meanwhile is seen.
 */
export class MilvusSink implements Sink {
  readonly #cfg: MilvusSinkConfig;
  #state: SinkState = { kind: 'idle' };
  #unflushed = false;
  #closing: Promise<void> | undefined;

  constructor(cfg: MilvusSinkConfig) {
    this.#cfg = cfg;
  }

  get #name(): string {
    return `milvus sink '${this.#cfg.table.name}'`;
  }

  async write(rows: readonly Row[], opts: { readonly signal: AbortSignal }): Promise<void> {
    if (this.#state.kind === 'closed') throw new MilvusConnectorError('PD4345', `${this.#name}: write() after close()`);
    if (rows.length === 0) return;
    opts.signal.throwIfAborted();
    await abortable(this.#write(rows), opts.signal);
  }

  async #write(rows: readonly Row[]): Promise<void> {
    const { client, encode } = await this.#ready(rows);
    const { collection, partition, maxRowsPerRequest, requestTimeoutMs } = this.#cfg.options;
    // Encode everything first: a row Milvus cannot take fails the batch before any of it is sent.
    const data = rows.map(encode);
    try {
      for (let start = 0; start < data.length; start += maxRowsPerRequest) {
        const chunk = data.slice(start, start + maxRowsPerRequest);
        const result = await client.upsert({
          collection_name: collection,
          // The encoder produced values of the field types the collection declares.
          data: chunk as RowData[],
          timeout: requestTimeoutMs,
          ...(partition ? { partition_name: partition } : {}),
        });
        expectOk(result.status, `upserting ${chunk.length} rows into collection '${collection}'`);
        if (result.err_index.length > 0) {
          throw new MilvusConnectorError('PD4344', `upserting into collection '${collection}': Milvus refused ${result.err_index.length} of ${chunk.length} rows`);
        }
        this.#unflushed = true;
      }
    } catch (err) {
      if (this.#state.kind === 'ready') this.#state = { kind: 'connected', client };
      throw asConnectorError(err, `upserting ${rows.length} rows into collection '${collection}'`);
    }
  }

  async #ready(rows: readonly Row[]): Promise<{ client: MilvusClient; encode: RowEncoder }> {
    const state = this.#state;
    if (state.kind === 'ready') return state;
    const client = state.kind === 'connected' ? state.client : await this.#connect();
    try {
      const { collection, requestTimeoutMs: timeout, dimension } = this.#cfg.options;
      const has = await client.hasCollection({ collection_name: collection, timeout });
      expectOk(has.status, `looking up collection '${collection}'`);
      if (!has.value) await this.#createCollection(client, rows);
      const described = await client.describeCollection({ collection_name: collection, cache: false, timeout });
      expectOk(described.status, `describing collection '${collection}'`);
      const encode = rowEncoder(this.#cfg.table, toSchema(described), collection, dimension);
      if (this.#state.kind !== 'closed') this.#state = { kind: 'ready', client, encode };
      return { client, encode };
    } catch (err) {
      throw asConnectorError(err, `preparing collection '${this.#cfg.options.collection}'`);
    }
  }

  async #connect(): Promise<MilvusClient> {
    const client = await openMilvusClient(this.#cfg.options);
    if (this.#state.kind === 'closed') {
      void client.closeConnection().catch(() => {});
      throw new MilvusConnectorError('PD4345', `${this.#name}: closed while connecting`);
    }
    this.#state = { kind: 'connected', client };
    return client;
  }

  /** Creates the collection from the table (vector dimensions from 'vector.dimension' or the first row), indexes every vector field, loads it. */
  async #createCollection(client: MilvusClient, rows: readonly Row[]): Promise<void> {
    const { table, options: o, log } = this.#cfg;
    const dims = new Map<string, number>();
    table.columns.forEach((column, i) => {
      if (!isVectorColumn(column)) return;
      const sample = rows.find((r) => Array.isArray(r[i]) && (r[i] as unknown[]).length > 0)?.[i] as unknown[] | undefined;
      const dim = o.dimension ?? sample?.length;
      if (dim === undefined) {
        throw new MilvusConnectorError('PD4343', `cannot create collection '${o.collection}': no row of the first write has a value in vector column '${column.name}' to take the dimension from; set 'vector.dimension'`);
      }
      dims.set(column.name, dim);
    });
    const timeout = o.requestTimeoutMs;
    const fields = fieldsToCreate(table, dims);
    const created = await client.createCollection({
      collection_name: o.collection,
      fields,
      enable_dynamic_field: false,
      description: `created by predictd for table ${table.name}`,
      timeout,
    });
    expectOk(created, `creating collection '${o.collection}'`);
    for (const field of dims.keys()) {
      const indexed = await client.createIndex({ collection_name: o.collection, field_name: field, index_name: field, index_type: o.indexType, metric_type: o.metricType, timeout });
      expectOk(indexed, `indexing field '${field}' of collection '${o.collection}'`);
    }
    const loaded = await client.loadCollection({ collection_name: o.collection, timeout });
    expectOk(loaded, `loading collection '${o.collection}'`);
    log.info({ collection: o.collection, database: o.database, fields: fields.map((f) => `${f.name} ${f.data_type}${f.dim ? `(${f.dim})` : ''}`), index: o.indexType, metric: o.metricType }, 'milvus: created collection');
  }

  /** Asks Milvus to seal what this sink wrote (best effort; upserts were already durable in its log), then closes the client. Idempotent. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      const state = this.#state;
      this.#state = { kind: 'closed' };
      if (state.kind === 'idle' || state.kind === 'closed') return;
      const { collection, requestTimeoutMs: timeout } = this.#cfg.options;
      if (this.#unflushed) {
        try {
          const flushed = await state.client.flush({ collection_names: [collection], timeout });
          expectOk(flushed.status, `flushing collection '${collection}'`);
        } catch (err) {
          this.#cfg.log.warn({ err: asConnectorError(err, `flushing collection '${collection}'`) }, 'milvus: flush on close failed');
        }
      }
      await state.client.closeConnection().catch((err: unknown) => this.#cfg.log.warn({ err }, 'milvus: closing the client failed'));
    })();
    return this.#closing;
  }
}

function toSchema(described: DescribeCollectionResponse): MilvusSchema {
  const schema = described.schema;
  return {
    dynamicField: schema.enable_dynamic_field === true,
    fields: schema.fields.map(toField),
  };
}

function toField(f: FieldSchema): MilvusField {
  const param = (key: string): number | undefined => {
    const raw = f.type_params.find((p) => p.key === key)?.value ?? (f as Record<string, unknown>)[key];
    return raw === undefined || raw === null || raw === '' ? undefined : Number(raw);
  };
  return {
    name: f.name,
    dataType: String(f.data_type),
    elementType: f.element_type === undefined ? undefined : String(f.element_type),
    isPrimaryKey: f.is_primary_key === true,
    autoId: f.autoID === true,
    nullable: f.nullable === true,
    hasDefault: f.default_value !== undefined && f.default_value !== null,
    isFunctionOutput: f.is_function_output === true,
    dim: param('dim'),
    maxLength: param('max_length'),
  };
}
