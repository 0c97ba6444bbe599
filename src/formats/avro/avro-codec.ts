import avsc from 'avsc';
import { FormatError } from '../../spi/format.js';
import type { Column, Row } from '../../types/data-type.js';
import { alignRecordNames, recordOf, type AvroSchema } from './avro-schema.js';
import { avroToRow, rowToAvro } from './avro-values.js';

type AvscType = ReturnType<typeof avsc.Type.forSchema>;
type AvscResolver = ReturnType<AvscType['createResolver']>;


/**
 * The table's side of Avro: its schema (derived or given) as an avsc type, rows to and from
 * the records of that schema, and readers for records written with other schemas (resolution
 * by Avro's rules, with the table's schema as the reader), built once per writer schema.
 */
export class AvroCodec {
  readonly schema: AvroSchema;
  readonly #type: AvscType;
  readonly #toAvro: ReturnType<typeof rowToAvro>;
  readonly #fromAvro: ReturnType<typeof avroToRow>;

  /** Throws an Error when the schema is not an Avro record or lacks a column. */
  constructor(columns: readonly Column[], schema: AvroSchema) {
    const record = recordOf(schema);
    if (!record) throw new Error('the Avro schema must be a record');
    const fieldNames = new Set(((record.fields as Array<{ name: string }>) ?? []).map((f) => f.name));
    const missing = columns.filter((c) => !fieldNames.has(c.name)).map((c) => c.name);
    if (missing.length > 0) throw new Error(`the Avro schema has no field for column(s) ${missing.map((m) => `'${m}'`).join(', ')}`);
    this.schema = schema;
    this.#type = parseSchema(schema);
    this.#toAvro = rowToAvro(columns);
    this.#fromAvro = avroToRow(columns);
  }

  /** Row -> Avro binary (no header). Throws FormatError when a value does not fit. */
  encode(row: Row): Buffer {
    const record = this.#toAvro(row);
    try {
      return this.#type.toBuffer(record);
    } catch (err) {
      throw new FormatError(`the row does not fit the Avro schema: ${(err as Error).message}`, { cause: err });
    }
  }

  /** Avro binary written with the table's schema -> row. */
  decode(bytes: Uint8Array): Row {
    return this.#read(this.#type, bytes, undefined);
  }

  /**
   * A reader for records written with `writer`. Throws FormatError when the table cannot read
   * them (a column the writer lacks without a default, types that do not resolve).
   */
  readerFor(writer: AvroSchema): (bytes: Uint8Array) => Row {
    let resolver: AvscResolver;
    let reader: AvscType;
    try {
      const writerType = parseSchema(writer);
      reader = parseSchema(alignRecordNames(this.schema, writer));
      resolver = reader.createResolver(writerType);
    } catch (err) {
      throw new FormatError(`the writer's schema cannot be read as the table's: ${(err as Error).message}`, { cause: err });
    }
    return (bytes) => this.#read(reader, bytes, resolver);
  }

  #read(type: AvscType, bytes: Uint8Array, resolver: AvscResolver | undefined): Row {
    let record: unknown;
    try {
      record = type.fromBuffer(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), resolver);
    } catch (err) {
      throw new FormatError(`not an Avro record of the schema: ${(err as Error).message}`, { cause: err });
    }
    return this.#fromAvro(record as Record<string, unknown>);
  }
}

/** Parses schema JSON (text or object) into an avsc type; throws an Error saying what is wrong. */
export function parseSchema(schema: AvroSchema): AvscType {
  const json = typeof schema === 'string' && schema.trimStart().startsWith('{') ? (JSON.parse(schema) as AvroSchema) : schema;
  // Unions unwrapped: a nullable column is ["null", T] and its value is T or null, not {T: value}.
  // A fresh options object each time: avsc keeps the names it has seen in it.
  return avsc.Type.forSchema(json as Parameters<typeof avsc.Type.forSchema>[0], { wrapUnions: false });
}

/** The schema given in an option: JSON text of an Avro record. Throws an Error naming the option. */
export function parseSchemaOption(text: string, option: string): AvroSchema {
  let json: AvroSchema;
  try {
    json = JSON.parse(text) as AvroSchema;
    parseSchema(json);
  } catch (err) {
    throw new Error(`'${option}' is not a valid Avro schema: ${(err as Error).message}`);
  }
  return json;
}
