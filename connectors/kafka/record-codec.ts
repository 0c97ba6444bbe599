import type { Message } from 'kafkajs';
import type { TableColumn, TableDefinition } from '../../src/spi/connector.js';
import { resolveOptions } from '../../src/spi/resolve-options.js';
import { FormatUnavailableError, isPromise, type Format, type FormatContext, type MaybePromise } from '../../src/spi/format.js';
import type { Logger } from '../../src/spi/logger.js';
import type { Registry } from '../../src/spi/registry.js';
import type { Column, Row, Value } from '../../src/types/data-type.js';
import { metadataReader, writeHeaders, writeTimestamp, type ConsumedRecord } from './kafka-metadata.js';
import type { FormatChoice, KafkaTableOptions } from './kafka-table-options.js';

/** Which physical columns travel in the key and which in the value, and with which formats. */
export interface KafkaTableLayout {
  /** Key columns as the table names them (key.fields, or the primary key without key.fields). */
  readonly keyColumns: readonly TableColumn[];
  /** The same columns as the key format sees them: key.fields-prefix removed. */
  readonly keyFormatColumns: readonly Column[];
  readonly keyFormat: FormatChoice | undefined;
  readonly valueColumns: readonly TableColumn[];
  readonly valueFormat: FormatChoice;
}

/** Throws an Error naming the problem when key.fields and the schema do not fit together. */
export function tableLayout(table: TableDefinition, opts: KafkaTableOptions): KafkaTableLayout {
  const physical = table.columns.filter((c) => c.metadataKey === undefined);
  const byName = new Map(physical.map((c) => [c.name, c]));
  // Without key.fields a declared PRIMARY KEY is the message key, written with key.format
  // (or, when that is unset, with the value format).
  const fromPk = opts.keyFields.length === 0 && table.primaryKey.length > 0;
  const keyNames = fromPk ? table.primaryKey : opts.keyFields;
  const keyColumns = keyNames.map((name) => {
    const c = byName.get(name);
    if (!c) throw new Error(`'key.fields' names '${name}', which is not a physical column of '${table.name}'`);
    return c;
  });
  const keyFormat = keyColumns.length === 0 ? undefined : (opts.keyFormat ?? (fromPk ? opts.valueFormat : undefined));
  if (keyColumns.length > 0 && keyFormat === undefined) throw new Error("'key.fields' needs 'key.format'");
  const prefix = opts.keyFieldsPrefix;
  const keyFormatColumns = keyColumns.map((c) => {
    if (!c.name.startsWith(prefix)) throw new Error(`key column '${c.name}' does not start with 'key.fields-prefix' '${prefix}'`);
    return { name: c.name.slice(prefix.length), type: c.type };
  });
  const keySet = new Set(keyNames);
  const valueColumns = opts.valueFieldsInclude === 'EXCEPT_KEY' ? physical.filter((c) => !keySet.has(c.name)) : physical;
  return { keyColumns, keyFormatColumns, keyFormat, valueColumns, valueFormat: opts.valueFormat };
}

export interface BoundFormat {
  readonly name: string;
  readonly format: Format;
  readonly ignoreParseErrors: boolean;
}

/** What the formats of one source or sink share: its logger, its close signal and its one topic. */
export interface FormatOwner {
  readonly log: Logger;
  readonly signal: AbortSignal;
  readonly topic: string | undefined;
}

/** Finds the format in the registry, checks its options against its spec and creates it. */
export function bindFormat(registry: Registry, choice: FormatChoice, columns: readonly Column[], role: 'key' | 'value', owner: FormatOwner): BoundFormat {
  const factory = registry.format(choice.name);
  if (!factory) {
    throw new Error(`unknown ${role} format '${choice.name}'; known formats: ${registry.formatNames().join(', ') || '(none)'}`);
  }
  const { options, problems } = resolveOptions(factory.spec, choice.options);
  if (problems.length > 0) {
    throw new Error(`${role} format '${choice.name}': ${problems.map((p) => p.message.replace(/'([^']+)'/, `'${choice.name}.$1'`)).join('; ')}`);
  }
  const ctx: FormatContext = { log: owner.log.child({ format: factory.name, part: role }), signal: owner.signal, part: role, topic: owner.topic };
  return { name: factory.name, format: factory.create(columns, options, ctx), ignoreParseErrors: options.get<boolean>('ignore-parse-errors') ?? false };
}

/** A consumed record that failed to decode; `skippable` when its format has ignore-parse-errors. */
export class RecordDecodeError extends Error {
  readonly part: 'key' | 'value';
  readonly skippable: boolean;

  constructor(part: 'key' | 'value', skippable: boolean, cause: unknown) {
    super(`${part}: ${(cause as Error)?.message ?? String(cause)}`, { cause });
    this.name = 'RecordDecodeError';
    this.part = part;
    this.skippable = skippable;
  }
}

export interface ConsumedMessage extends ConsumedRecord {
  readonly value: Uint8Array | null;
}

/** Kafka record -> table row: key and value through their formats, metadata columns from the record. */
export class RecordDecoder {
  readonly #key: BoundFormat | undefined;
  readonly #value: BoundFormat;
  readonly #valueWidth: number;
  readonly #keyWidth: number;
  readonly #readers: ReadonlyArray<(r: ConsumedMessage, key: Row | undefined, value: Row) => Value>;
  readonly #needsKey: boolean;

  constructor(table: TableDefinition, layout: KafkaTableLayout, registry: Registry, owner: FormatOwner) {
    this.#value = bindFormat(registry, layout.valueFormat, layout.valueColumns, 'value', owner);
    this.#key = layout.keyFormat ? bindFormat(registry, layout.keyFormat, layout.keyFormatColumns, 'key', owner) : undefined;
    this.#valueWidth = layout.valueColumns.length;
    this.#keyWidth = layout.keyFormatColumns.length;
    const valueIndex = new Map(layout.valueColumns.map((c, i) => [c.name, i]));
    const keyIndex = new Map(layout.keyColumns.map((c, i) => [c.name, i]));
    let needsKey = false;
    this.#readers = table.columns.map((c) => {
      if (c.metadataKey !== undefined) {
        const read = metadataReader(c.metadataKey);
        if (!read) throw new Error(`column '${c.name}': unknown Kafka metadata key '${c.metadataKey}'`);
        return (r) => read(r);
      }
      // As in Flink, a column carried by both key and value (value.fields-include = ALL) is taken from the value.
      const vi = valueIndex.get(c.name);
      if (vi !== undefined) return (_r, _k, value) => value[vi] ?? null;
      const ki = keyIndex.get(c.name)!;
      needsKey = true;
      return (_r, key) => key?.[ki] ?? null;
    });
    this.#needsKey = needsKey;
  }

  /** Formats with ignore-parse-errors on: failures there skip the record. */
  get ignoresParseErrors(): boolean {
    return this.#value.ignoreParseErrors || (this.#key?.ignoreParseErrors ?? false);
  }

  /**
   * The row, or undefined for a record with a null value (a tombstone), which Flink's formats
   * turn into no row, except raw, which reads it as a NULL column. Throws RecordDecodeError for
   * a record that cannot be read, FormatUnavailableError when a format's service is down (the
   * same record is to be tried again). A promise only while a format waits for I/O.
   */
  decode(r: ConsumedMessage): MaybePromise<Row | undefined> {
    let value: MaybePromise<Row>;
    if (r.value === null) {
      if (this.#value.name !== 'raw') return undefined;
      value = new Array<Value>(this.#valueWidth).fill(null);
    } else {
      value = decodePart('value', this.#value, r.value);
    }
    let key: MaybePromise<Row> | undefined;
    if (this.#needsKey && this.#key) {
      key = r.key === null ? new Array<Value>(this.#keyWidth).fill(null) : decodePart('key', this.#key, r.key);
    }
    if (isPromise(value) || (key !== undefined && isPromise(key))) {
      return Promise.all([value, key]).then(([v, k]) => this.#assemble(r, k, v));
    }
    return this.#assemble(r, key, value);
  }

  #assemble(r: ConsumedMessage, key: Row | undefined, value: Row): Row {
    return this.#readers.map((read) => read(r, key, value));
  }

  close(): Promise<void> {
    return closeFormats(this.#value, this.#key);
  }
}

/** One part through its format; a failure becomes a RecordDecodeError unless the format's service is down. */
function decodePart(part: 'key' | 'value', bound: BoundFormat, bytes: Uint8Array): MaybePromise<Row> {
  const wrap = (err: unknown): never => {
    if (err instanceof FormatUnavailableError) throw err;
    throw new RecordDecodeError(part, bound.ignoreParseErrors, err);
  };
  try {
    const out = bound.format.decode(bytes);
    return isPromise(out) ? out.catch(wrap) : out;
  } catch (err) {
    return wrap(err);
  }
}

async function closeFormats(...bound: ReadonlyArray<BoundFormat | undefined>): Promise<void> {
  for (const b of bound) await b?.format.close?.();
}

/** Table row (one value per non-virtual column) -> kafkajs message. */
export class RecordEncoder {
  readonly #key: BoundFormat | undefined;
  readonly #value: BoundFormat;
  readonly #keyPositions: readonly number[];
  readonly #valuePositions: readonly number[];
  readonly #timestampPosition: number | undefined;
  readonly #headersPosition: number | undefined;

  constructor(table: TableDefinition, layout: KafkaTableLayout, registry: Registry, owner: FormatOwner) {
    this.#value = bindFormat(registry, layout.valueFormat, layout.valueColumns, 'value', owner);
    this.#key = layout.keyFormat ? bindFormat(registry, layout.keyFormat, layout.keyFormatColumns, 'key', owner) : undefined;
    const written = table.columns.filter((c) => !c.virtual);
    const position = new Map(written.map((c, i) => [c.name, i]));
    this.#keyPositions = layout.keyColumns.map((c) => position.get(c.name)!);
    this.#valuePositions = layout.valueColumns.map((c) => position.get(c.name)!);
    for (const [i, c] of written.entries()) {
      if (c.metadataKey === 'timestamp') this.#timestampPosition = i;
      else if (c.metadataKey === 'headers') this.#headersPosition = i;
      else if (c.metadataKey !== undefined) throw new Error(`column '${c.name}': metadata '${c.metadataKey}' is read-only; declare it VIRTUAL`);
    }
  }

  /**
   * Throws FormatError when a value does not fit its format, FormatUnavailableError when a
   * format's service is down. A promise only while a format waits for I/O (a schema registration).
   */
  encode(row: Row): MaybePromise<Message> {
    const valueRow = this.#valuePositions.map((i) => row[i] ?? null);
    // Flink's raw format writes a NULL column as a null value (a tombstone).
    const value = this.#value.name === 'raw' && valueRow[0] === null ? null : this.#value.format.encode(valueRow);
    let key: MaybePromise<Uint8Array> | null | undefined;
    if (this.#key) {
      const keyRow = this.#keyPositions.map((i) => row[i] ?? null);
      key = this.#key.name === 'raw' && keyRow[0] === null ? null : this.#key.format.encode(keyRow);
    }
    if ((value !== null && isPromise(value)) || (key != null && isPromise(key))) {
      return Promise.all([value, key]).then(([v, k]) => this.#message(row, v, k));
    }
    return this.#message(row, value as Uint8Array | null, key as Uint8Array | null | undefined);
  }

  close(): Promise<void> {
    return closeFormats(this.#value, this.#key);
  }

  #message(row: Row, value: Uint8Array | null, key: Uint8Array | null | undefined): Message {
    const message: Message = { value: value === null ? null : asBuffer(value) };
    if (key !== undefined) message.key = key === null ? null : asBuffer(key);
    if (this.#timestampPosition !== undefined) {
      const ts = writeTimestamp(row[this.#timestampPosition] ?? null);
      if (ts !== undefined) message.timestamp = ts;
    }
    if (this.#headersPosition !== undefined) {
      const headers = writeHeaders(row[this.#headersPosition] ?? null);
      if (headers !== undefined) message.headers = headers;
    }
    return message;
  }
}

/**
 * kafkajs takes a Buffer: a view of the format's bytes, not a copy (nothing writes to them after
 * encode, and kafkajs copies them into its request).
 */
function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
