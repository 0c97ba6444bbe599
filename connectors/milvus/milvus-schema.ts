import { formatType } from '../../src/types/format-type.js';
import type { TableColumn, TableDefinition } from '../../src/spi/connector.js';
import { assertNever, type DataType, type Row, type Value } from '../../src/types/data-type.js';
import { MilvusConnectorError } from './milvus-connector-error.js';
import { milvusNameProblem } from './milvus-table-options.js';

/** Milvus field types by the names the SDK uses in schemas. */
export type MilvusTypeName =
  | 'Bool' | 'Int8' | 'Int16' | 'Int32' | 'Int64' | 'Float' | 'Double' | 'VarChar' | 'JSON' | 'Array' | 'FloatVector';

/** The part of a Milvus field schema that decides how values are written. */
export interface MilvusField {
  readonly name: string;
  /** Any name the server reports; only MilvusTypeName ones are writable. */
  readonly dataType: string;
  readonly elementType?: string;
  readonly isPrimaryKey: boolean;
  readonly autoId: boolean;
  readonly nullable: boolean;
  readonly hasDefault: boolean;
  readonly isFunctionOutput: boolean;
  readonly dim?: number;
  readonly maxLength?: number;
}

export interface MilvusSchema {
  readonly fields: readonly MilvusField[];
  readonly dynamicField: boolean;
}

/** The field description predictd sends in CreateCollection. */
export interface FieldToCreate {
  readonly name: string;
  readonly data_type: MilvusTypeName;
  readonly is_primary_key?: boolean;
  readonly autoID?: boolean;
  readonly nullable?: boolean;
  readonly description?: string;
  readonly dim?: number;
  readonly max_length?: number;
}

/** Milvus' VARCHAR limit, in bytes. */
export const MAX_VARCHAR_BYTES = 65_535;

/** ARRAY<FLOAT>: written to a FloatVector field (the embeddings ML_PREDICT returns). */
export function isVectorColumn(column: TableColumn): boolean {
  return column.type.kind === 'ARRAY' && column.type.element.kind === 'FLOAT';
}

/** The columns a Milvus sink writes, checked: problems as sentences (empty when the table fits). */
export function checkMilvusColumns(table: TableDefinition): string[] {
  const problems: string[] = [];
  const pk = table.primaryKey;
  if (pk.length === 0) {
    problems.push('a Milvus sink needs PRIMARY KEY (<column>) NOT ENFORCED on a BIGINT or STRING column: rows are upserted by that key, so replays after a restart do not duplicate them');
  } else if (pk.length > 1) {
    problems.push(`Milvus primary keys are a single field; PRIMARY KEY (${pk.join(', ')}) has ${pk.length} columns`);
  } else {
    const column = table.columns.find((c) => c.name === pk[0]);
    if (column && !isPrimaryKeyType(column.type)) {
      problems.push(`primary key column '${column.name}' is ${formatType(column.type)}; Milvus primary keys are BIGINT (Int64) or STRING (VarChar)`);
    }
  }
  const vectors = table.columns.filter(isVectorColumn);
  if (vectors.length === 0) {
    problems.push('a Milvus sink needs an ARRAY<FLOAT> column for the FloatVector field, such as the embeddings ML_PREDICT returns');
  }
  for (const column of table.columns) {
    if (column.metadataKey !== undefined) {
      problems.push(`column '${column.name}': the milvus connector has no metadata columns`);
      continue;
    }
    const nameProblem = milvusNameProblem(`column name`, column.name);
    if (nameProblem) problems.push(`${nameProblem} (Milvus field names follow the same rule)`);
    const typeProblem = unsupportedType(column.type);
    if (typeProblem) problems.push(`column '${column.name}' is ${formatType(column.type)}: ${typeProblem}`);
  }
  return problems;
}

function isPrimaryKeyType(t: DataType): boolean {
  return t.kind === 'BIGINT' || t.kind === 'STRING' || t.kind === 'VARCHAR' || t.kind === 'CHAR';
}

function unsupportedType(t: DataType): string | undefined {
  switch (t.kind) {
    case 'BYTES':
      return 'Milvus has no bytes scalar type; CAST it to STRING (or encode it) first';
    case 'NULL':
      return 'a column of type NULL cannot be stored in Milvus';
    default:
      return undefined;
  }
}

/**
 * The fields of a collection created for the table: the primary key, a FloatVector per
 * ARRAY<FLOAT> column (dimension from `dims`), and scalars by type. Nullability follows the
 * column; the primary key and vectors are never nullable.
 */
export function fieldsToCreate(table: TableDefinition, dims: ReadonlyMap<string, number>): FieldToCreate[] {
  const pk = table.primaryKey[0];
  return table.columns.map((column): FieldToCreate => {
    if (column.name === pk) {
      return column.type.kind === 'BIGINT'
        ? { name: column.name, data_type: 'Int64', is_primary_key: true, autoID: false }
        : { name: column.name, data_type: 'VarChar', is_primary_key: true, autoID: false, max_length: varcharBytes(column.type) };
    }
    if (isVectorColumn(column)) {
      const dim = dims.get(column.name);
      if (dim === undefined) throw new Error(`no dimension for vector column '${column.name}'`);
      return { name: column.name, data_type: 'FloatVector', dim };
    }
    const nullable = column.type.nullable;
    const t = scalarTypeFor(column.type);
    return t === 'VarChar' ? { name: column.name, data_type: t, nullable, max_length: varcharBytes(column.type) } : { name: column.name, data_type: t, nullable };
  });
}

/** The Milvus type a non-key, non-vector column gets in a collection predictd creates. */
export function scalarTypeFor(t: DataType): Exclude<MilvusTypeName, 'FloatVector' | 'Array'> {
  switch (t.kind) {
    case 'BOOLEAN':
      return 'Bool';
    case 'TINYINT':
      return 'Int8';
    case 'SMALLINT':
      return 'Int16';
    case 'INT':
      return 'Int32';
    case 'BIGINT':
    case 'TIMESTAMP':
    case 'TIMESTAMP_LTZ':
      return 'Int64';
    case 'FLOAT':
      return 'Float';
    case 'DOUBLE':
    case 'DECIMAL':
      return 'Double';
    case 'STRING':
    case 'VARCHAR':
    case 'CHAR':
    case 'DATE':
    case 'TIME':
      return 'VarChar';
    case 'ARRAY':
    case 'MAP':
    case 'ROW':
    case 'BYTES':
    case 'NULL':
      return 'JSON';
    default:
      return assertNever(t, 'data type');
  }
}

/** Milvus counts VARCHAR max_length in bytes: room for n UTF-8 characters of up to 4 bytes. */
function varcharBytes(t: DataType): number {
  switch (t.kind) {
    case 'VARCHAR':
    case 'CHAR':
      return Math.min(MAX_VARCHAR_BYTES, Math.max(1, t.length) * 4);
    case 'DATE':
      return 10;
    case 'TIME':
      return 18;
    default:
      return MAX_VARCHAR_BYTES;
  }
}

/** Turns one table row into a Milvus row; throws MilvusConnectorError PD4343 for a row Milvus cannot take. */
export type RowEncoder = (row: Row) => Record<string, unknown>;

/**
 * Matches the table's columns to the collection's fields and compiles one value writer per
 * column. Throws MilvusConnectorError PD4342 naming every mismatch.
 */
export function rowEncoder(table: TableDefinition, schema: MilvusSchema, collection: string, dimension: number | undefined): RowEncoder {
  const problems: string[] = [];
  const byName = new Map(schema.fields.map((f) => [f.name, f]));
  const pkName = table.primaryKey[0];
  const pkField = schema.fields.find((f) => f.isPrimaryKey);
  if (!pkField) problems.push('it has no primary key field');
  else if (pkField.name !== pkName) problems.push(`its primary key field is '${pkField.name}', the table's PRIMARY KEY is '${pkName}'`);
  else if (pkField.autoId) problems.push(`its primary key '${pkField.name}' is auto-id, so upserts could not be idempotent; create it with autoID off`);

  const writers: Array<{ name: string; index: number; write: (v: Value) => unknown }> = [];
  table.columns.forEach((column, index) => {
    const field = byName.get(column.name);
    if (!field) {
      if (!schema.dynamicField) problems.push(`it has no field '${column.name}' (and no dynamic field)`);
      else writers.push({ name: column.name, index, write: (v) => toJson(column.type, v) });
      return;
    }
    if (field.isFunctionOutput) {
      problems.push(`field '${field.name}' is computed by a Milvus function and cannot be written`);
      return;
    }
    if (field.dataType === 'FloatVector' && dimension !== undefined && field.dim !== dimension) {
      problems.push(`vector field '${field.name}' has dimension ${field.dim}, 'vector.dimension' is ${dimension}`);
      return;
    }
    const write = valueWriter(column, field);
    if (typeof write === 'string') problems.push(write);
    else writers.push({ name: column.name, index, write: nullGuard(field, write) });
  });
  const columns = new Set(table.columns.map((c) => c.name));
  for (const f of schema.fields) {
    if (!columns.has(f.name) && !f.nullable && !f.hasDefault && !f.autoId && !f.isFunctionOutput) {
      problems.push(`its field '${f.name}' (${f.dataType}) is required but the table has no column '${f.name}'`);
    }
  }
  if (problems.length > 0) {
    throw new MilvusConnectorError('PD4342', `collection '${collection}' does not fit table '${table.name}': ${problems.join('; ')}`);
  }
  const pkIndex = table.columns.findIndex((c) => c.name === pkName);
  return (row) => {
    const out: Record<string, unknown> = {};
    for (const w of writers) {
      try {
        out[w.name] = w.write(row[w.index] ?? null);
      } catch (err) {
        if (!(err instanceof RowError)) throw err;
        const key = row[pkIndex];
        throw new MilvusConnectorError('PD4343', `row with ${pkName} = ${key === null || key === undefined ? 'NULL' : JSON.stringify(key)}: column '${w.name}' ${err.message}`);
      }
    }
    return out;
  };
}

/** A value a Milvus field cannot hold; rowEncoder adds the row's key and the column. */
class RowError extends Error {}

function nullGuard(field: MilvusField, write: (v: Value) => unknown): (v: Value) => unknown {
  const refusal = field.isPrimaryKey ? 'is the primary key' : field.dataType === 'FloatVector' ? 'is a vector' : field.nullable || field.hasDefault ? undefined : 'is not nullable in Milvus';
  return (v) => {
    if (v !== null) return write(v);
    // A NULL sent to a field with a default value makes Milvus store the default.
    if (refusal === undefined) return null;
    throw new RowError(`is NULL but ${refusal}`);
  };
}

const INTEGER_KINDS = new Set(['TINYINT', 'SMALLINT', 'INT', 'BIGINT']);
const STRING_KINDS = new Set(['STRING', 'VARCHAR', 'CHAR', 'DATE', 'TIME']);
const WRITABLE = new Set<string>(['Bool', 'Int8', 'Int16', 'Int32', 'Int64', 'Float', 'Double', 'VarChar', 'JSON', 'Array', 'FloatVector']);

/** How a column's values are written to a field, or why they cannot be. */
function valueWriter(column: TableColumn, field: MilvusField): ((v: Value) => unknown) | string {
  const t = column.type;
  const mismatch = `column '${column.name}' (${formatType(t)}) cannot be written to field '${field.name}' (${field.dataType}${field.elementType && field.elementType !== 'None' ? `<${field.elementType}>` : ''})`;
  const scalar = scalarWriter(t, field.dataType, field.maxLength);
  if (scalar) return scalar;
  switch (field.dataType) {
    case 'JSON':
      return (v) => toJson(t, v);
    case 'FloatVector': {
      if (t.kind !== 'ARRAY' || (t.element.kind !== 'FLOAT' && t.element.kind !== 'DOUBLE')) return mismatch;
      const dim = field.dim;
      return (v) => {
        const vector = v as readonly Value[];
        if (dim !== undefined && vector.length !== dim) throw new RowError(`has a vector of ${vector.length} values; field '${field.name}' has dimension ${dim}`);
        for (const x of vector) if (typeof x !== 'number') throw new RowError('has a vector with a NULL element');
        return vector;
      };
    }
    case 'Array': {
      if (t.kind !== 'ARRAY' || !field.elementType) return mismatch;
      const element = scalarWriter(t.element, field.elementType, field.maxLength);
      if (!element) return mismatch;
      return (v) => (v as readonly Value[]).map((x) => {
        if (x === null) throw new RowError('has an array with a NULL element; Milvus arrays cannot hold NULL');
        return element(x);
      });
    }
    default:
      return WRITABLE.has(field.dataType) ? mismatch : `${mismatch}: predictd does not write Milvus ${field.dataType} fields`;
  }
}

/** Writers for Milvus scalar types; undefined when the pair does not fit. */
function scalarWriter(t: DataType, milvusType: string, maxLength: number | undefined): ((v: Value) => unknown) | undefined {
  switch (milvusType) {
    case 'Bool':
      return t.kind === 'BOOLEAN' ? (v) => v : undefined;
    case 'Int8':
    case 'Int16':
    case 'Int32':
      return INTEGER_KINDS.has(t.kind) ? (v) => v : undefined;
    case 'Int64':
      if (INTEGER_KINDS.has(t.kind)) return (v) => v;
      if (t.kind === 'TIMESTAMP' || t.kind === 'TIMESTAMP_LTZ') return (v) => (v as Date).getTime();
      return undefined;
    case 'Float':
    case 'Double':
      return INTEGER_KINDS.has(t.kind) || t.kind === 'FLOAT' || t.kind === 'DOUBLE' || t.kind === 'DECIMAL' ? (v) => v : undefined;
    case 'VarChar': {
      const toText =
        STRING_KINDS.has(t.kind) ? (v: Value) => v as string
        : t.kind === 'TIMESTAMP' || t.kind === 'TIMESTAMP_LTZ' ? (v: Value) => (v as Date).toISOString()
        : undefined;
      if (!toText) return undefined;
      if (maxLength === undefined) return toText;
      return (v) => {
        const text = toText(v);
        const bytes = Buffer.byteLength(text, 'utf8');
        if (bytes > maxLength) throw new RowError(`holds ${bytes} bytes of text; the Milvus field allows ${maxLength}`);
        return text;
      };
    }
    default:
      return undefined;
  }
}

/** A value as JSON for a Milvus JSON field: MAP and ROW become objects, dates ISO strings, bytes base64. */
export function toJson(t: DataType, v: Value): unknown {
  if (v === null) return null;
  switch (t.kind) {
    case 'ARRAY':
      return (v as readonly Value[]).map((x) => toJson(t.element, x));
    case 'MAP': {
      const out: Record<string, unknown> = {};
      for (const [k, x] of v as ReadonlyMap<Value, Value>) out[jsonKey(k)] = toJson(t.value, x);
      return out;
    }
    case 'ROW': {
      const values = v as readonly Value[];
      const out: Record<string, unknown> = {};
      t.fields.forEach((f, i) => { out[f.name] = toJson(f.type, values[i] ?? null); });
      return out;
    }
    case 'TIMESTAMP':
    case 'TIMESTAMP_LTZ':
      return (v as Date).toISOString();
    case 'BYTES':
      return Buffer.from(v as Uint8Array).toString('base64');
    case 'FLOAT':
    case 'DOUBLE':
    case 'DECIMAL':
      return Number.isFinite(v) ? v : null;
    default:
      return v;
  }
}

function jsonKey(k: Value): string {
  if (k instanceof Date) return k.toISOString();
  return typeof k === 'string' ? k : JSON.stringify(k);
}
