import { assertNever, type Column, type DataType } from '../../types/data-type.js';
import { typeName } from '../scalar-text.js';

/** An Avro schema as JSON (avsc's input, the registry's payload). */
export type AvroSchema = string | { readonly [k: string]: unknown } | readonly AvroSchema[];

export interface AvroSchemaOptions {
  /**
   * Flink's 'avro.timestamp_mapping.legacy' (true by default): TIMESTAMP and TIMESTAMP_LTZ both map to
   * timestamp-millis/micros; false maps TIMESTAMP to local-timestamp-millis/micros.
   */
  readonly legacyTimestamps: boolean;
}

/** Flink's name for the top-level record of a derived schema (AvroSchemaConverter). */
export const RECORD_NAMESPACE = 'org.apache.flink.avro.generated';

/**
 * The Avro schema Flink derives from a table's columns (AvroSchemaConverter.convertToSchema):
 * a record named 'record' in 'org.apache.flink.avro.generated', nested rows 'record_<path>',
 * a nullable type as the union ["null", T] with default null, logical types for DECIMAL
 * (bytes), DATE, TIME and TIMESTAMP(_LTZ). Throws an Error naming a column Avro cannot carry.
 */
export function deriveAvroSchema(columns: readonly Column[], opts: AvroSchemaOptions): AvroSchema {
  return { ...recordSchema(columns, 'record', opts), namespace: RECORD_NAMESPACE };
}

function recordSchema(fields: readonly Column[], name: string, opts: AvroSchemaOptions): { [k: string]: unknown } {
  return {
    type: 'record',
    name,
    fields: fields.map((f) => {
      const type = fieldType(f.type, `${name}_${f.name}`, f.name, opts);
      return f.type.nullable ? { name: f.name, type, default: null } : { name: f.name, type };
    }),
  };
}

function fieldType(t: DataType, recordName: string, path: string, opts: AvroSchemaOptions): AvroSchema {
  const inner = nonNullType(t, recordName, path, opts);
  return t.nullable ? ['null', inner] : inner;
}

function nonNullType(t: DataType, recordName: string, path: string, opts: AvroSchemaOptions): AvroSchema {
  switch (t.kind) {
    case 'STRING':
    case 'VARCHAR':
    case 'CHAR':
      return 'string';
    case 'BOOLEAN':
      return 'boolean';
    case 'TINYINT':
    case 'SMALLINT':
    case 'INT':
      return 'int';
    case 'BIGINT':
      return 'long';
    case 'FLOAT':
      return 'float';
    case 'DOUBLE':
      return 'double';
    case 'BYTES':
      return 'bytes';
    case 'DECIMAL':
      return { type: 'bytes', logicalType: 'decimal', precision: t.precision, scale: t.scale };
    case 'DATE':
      return { type: 'int', logicalType: 'date' };
    case 'TIME':
      return { type: 'int', logicalType: 'time-millis' };
    case 'TIMESTAMP':
    case 'TIMESTAMP_LTZ': {
      const unit = t.precision <= 3 ? 'millis' : 'micros';
      const local = t.kind === 'TIMESTAMP' && !opts.legacyTimestamps;
      return { type: 'long', logicalType: `${local ? 'local-' : ''}timestamp-${unit}` };
    }
    case 'ARRAY':
      return { type: 'array', items: fieldType(t.element, recordName, `${path}[]`, opts) };
    case 'MAP':
      if (t.key.kind !== 'STRING' && t.key.kind !== 'VARCHAR' && t.key.kind !== 'CHAR') {
        throw new Error(`column '${path}' is ${typeName(t)}, but Avro map keys are strings`);
      }
      return { type: 'map', values: fieldType(t.value, recordName, `${path}{}`, opts) };
    case 'ROW':
      return recordSchema(t.fields.map((f) => ({ name: f.name, type: f.type })), recordName, opts);
    case 'NULL':
      return 'null';
    default:
      return assertNever(t, 'data type');
  }
}

/** The record schema inside a schema that may be a ["null", record] union. */
export function recordOf(schema: AvroSchema): { [k: string]: unknown } | undefined {
  if (Array.isArray(schema)) {
    const branches = schema.filter((b) => b !== 'null');
    return branches.length === 1 ? recordOf(branches[0] as AvroSchema) : undefined;
  }
  if (typeof schema === 'object' && schema !== null && (schema as { type?: unknown }).type === 'record') return schema as { [k: string]: unknown };
  return undefined;
}

/**
 * A copy of `reader` whose record names are those of `writer`, field by field: Avro resolution
 * matches records by name, and a table's derived names ('record', 'record_x') are not the
 * producer's ('com.acme.Order'). Field types and defaults stay the reader's.
 */
export function alignRecordNames(reader: AvroSchema, writer: AvroSchema): AvroSchema {
  if (Array.isArray(reader)) return reader.map((b) => alignRecordNames(b as AvroSchema, nonNullBranch(writer) ?? writer));
  if (typeof reader !== 'object' || reader === null) return reader;
  const w = nonNullBranch(writer) ?? writer;
  if (typeof w !== 'object' || w === null || Array.isArray(w)) return reader;
  const r = reader as { [k: string]: unknown };
  const wo = w as { [k: string]: unknown };
  if (r.type === 'record' && wo.type === 'record') {
    const writerFields = new Map(((wo.fields as Array<{ name: string; type: AvroSchema }>) ?? []).map((f) => [f.name, f.type]));
    return {
      ...r,
      name: wo.name,
      namespace: wo.namespace ?? '',
      fields: (r.fields as Array<{ name: string; type: AvroSchema }>).map((f) => {
        const wt = writerFields.get(f.name);
        return wt === undefined ? f : { ...f, type: alignRecordNames(f.type, wt) };
      }),
    };
  }
  if (r.type === 'array' && wo.type === 'array') return { ...r, items: alignRecordNames(r.items as AvroSchema, wo.items as AvroSchema) };
  if (r.type === 'map' && wo.type === 'map') return { ...r, values: alignRecordNames(r.values as AvroSchema, wo.values as AvroSchema) };
  return reader;
}

function nonNullBranch(s: AvroSchema): AvroSchema | undefined {
  if (!Array.isArray(s)) return undefined;
  const branches = s.filter((b) => b !== 'null');
  return branches.length === 1 ? (branches[0] as AvroSchema) : undefined;
}
