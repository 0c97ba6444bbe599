import { FormatError } from '../spi/format.js';
import { utf8Bytes } from './charset.js';
import { assertNever, type Column, type DataType, type Row, type Value } from '../types/data-type.js';
import { encodeBase64, plainNumberText, preview, typeName } from './scalar-text.js';
import { formatTimestampText, type TimestampStandard } from './temporal-text.js';

export type MapNullKeyMode = 'FAIL' | 'DROP' | 'LITERAL';

export interface JsonEncodeOptions {
  readonly timestampStandard: TimestampStandard;
  readonly decimalAsPlainNumber: boolean;
  readonly ignoreNullFields: boolean;
  readonly mapNullKeyMode: MapNullKeyMode;
  readonly mapNullKeyLiteral: string;
}

type Writer = (v: Value, path: string) => string;

/**
 * Builds an encoder from rows to JSON text, following Flink's RowDataToJsonConverters:
 * an object keyed by column name, timestamps in the configured standard, BYTES as base64,
 * MAP as an object (keys as text), NaN and infinities as strings (Jackson's default).
 */
export function createJsonEncoder(columns: readonly Column[], opts: JsonEncodeOptions): (row: Row) => Uint8Array {
  const root = rowWriter(columns, opts);
  return (row) => utf8Bytes(root(row, ''));
}

function rowWriter(fields: readonly Column[], opts: JsonEncodeOptions): (row: readonly Value[], path: string) => string {
  const writers = fields.map((f) => ({ key: JSON.stringify(f.name), name: f.name, write: writer(f.type, opts) }));
  const { ignoreNullFields } = opts;
  // Once per row and column: one string grown in place, no array of parts and no closure per column.
  return (row, path) => {
    let out = '{';
    for (let i = 0; i < writers.length; i++) {
      const w = writers[i]!;
      const v = row[i] ?? null;
      if (v === null && ignoreNullFields) continue;
      if (out.length > 1) out += ',';
      out += `${w.key}:${v === null ? 'null' : w.write(v, path ? `${path}.${w.name}` : w.name)}`;
    }
    return `${out}}`;
  };
}

function writer(type: DataType, opts: JsonEncodeOptions): Writer {
  const inner = nonNullWriter(type, opts);
  return (v, path) => (v === null ? 'null' : inner(v, path));
}

function nonNullWriter(type: DataType, opts: JsonEncodeOptions): Writer {
  const bad = (v: unknown, path: string): never => {
    throw new FormatError(`field '${path}': cannot write ${preview(v)} as ${typeName(type)}`);
  };
  switch (type.kind) {
    case 'STRING':
    case 'VARCHAR':
    case 'CHAR':
    case 'DATE':
    case 'TIME':
      return (v, path) => (typeof v === 'string' ? JSON.stringify(v) : bad(v, path));
    case 'BOOLEAN':
      return (v, path) => (typeof v === 'boolean' ? String(v) : bad(v, path));
    case 'TINYINT':
    case 'SMALLINT':
    case 'INT':
    case 'BIGINT':
      return (v, path) => (typeof v === 'number' && Number.isInteger(v) ? String(v) : bad(v, path));
    case 'FLOAT':
    case 'DOUBLE':
      return (v, path) => (typeof v === 'number' ? (Number.isFinite(v) ? String(v) : JSON.stringify(String(v))) : bad(v, path));
    case 'DECIMAL':
      return (v, path) => {
        if (typeof v !== 'number' || !Number.isFinite(v)) return bad(v, path);
        return opts.decimalAsPlainNumber ? plainNumberText(v) : String(v);
      };
    case 'TIMESTAMP':
    case 'TIMESTAMP_LTZ': {
      const zoned = type.kind === 'TIMESTAMP_LTZ';
      return (v, path) =>
        v instanceof Date && !Number.isNaN(v.getTime()) ? JSON.stringify(formatTimestampText(v, opts.timestampStandard, zoned)) : bad(v, path);
    }
    case 'BYTES':
      return (v, path) => (v instanceof Uint8Array ? JSON.stringify(encodeBase64(v)) : bad(v, path));
    case 'ARRAY': {
      const element = writer(type.element, opts);
      return (v, path) => (Array.isArray(v) ? `[${v.map((e: Value, i: number) => element(e, `${path}[${i}]`)).join(',')}]` : bad(v, path));
    }
    case 'MAP': {
      const value = writer(type.value, opts);
      return (v, path) => {
        if (!(v instanceof Map)) return bad(v, path);
        const parts: string[] = [];
        for (const [k, item] of v) {
          let key: string;
          if (k === null) {
            if (opts.mapNullKeyMode === 'DROP') continue;
            if (opts.mapNullKeyMode === 'FAIL') {
              throw new FormatError(`field '${path}': a MAP has a NULL key; set json.map-null-key.mode to DROP or LITERAL`);
            }
            key = opts.mapNullKeyLiteral;
          } else {
            key = k instanceof Date ? k.toISOString() : String(k);
          }
          parts.push(`${JSON.stringify(key)}:${value(item, `${path}.${key}`)}`);
        }
        return `{${parts.join(',')}}`;
      };
    }
    case 'ROW': {
      const row = rowWriter(type.fields, opts);
      return (v, path) => (Array.isArray(v) ? row(v, path) : bad(v, path));
    }
    case 'NULL':
      return () => 'null';
    default:
      return assertNever(type, 'data type');
  }
}
