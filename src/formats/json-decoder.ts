import { FormatError } from '../spi/format.js';
import { assertNever, type Column, type DataType, type Row, type Value } from '../types/data-type.js';
import {
  decodeBase64,
  fitDecimal,
  parseDecimalText,
  parseFloatText,
  parseIntegerText,
  INTEGER_RANGE,
  preview,
  typeName,
} from './scalar-text.js';
import { parseDateText, parseTimeText, parseTimestampText, type TimestampStandard } from './temporal-text.js';

export interface JsonDecodeOptions {
  readonly failOnMissingField: boolean;
  readonly timestampStandard: TimestampStandard;
}

type Converter = (node: unknown, path: string) => Value;

/**
 * Builds a decoder from JSON text to rows, following Flink's JsonToRowDataConverters: fields by
 * name, numbers accepted from numeric strings (and strings from any JSON value), nested
 * ROW/ARRAY/MAP. Throws FormatError naming the field path on bad input.
 */
export function createJsonDecoder(columns: readonly Column[], opts: JsonDecodeOptions): (bytes: Uint8Array) => Row {
  const fields = columns.map((c) => ({ name: c.name, convert: converter(c.type, opts) }));
  const utf8 = new TextDecoder('utf-8', { fatal: true });
  return (bytes) => {
    let root: unknown;
    try {
      root = JSON.parse(utf8.decode(bytes));
    } catch (err) {
      throw new FormatError(`invalid JSON: ${(err as Error).message}`, { cause: err });
    }
    if (!isObject(root)) throw new FormatError(`expected a JSON object, got ${preview(root)}`);
    return fields.map((f) => readField(root as Record<string, unknown>, f.name, f.name, f.convert, opts));
  };
}

function readField(obj: Record<string, unknown>, name: string, path: string, convert: Converter, opts: JsonDecodeOptions): Value {
  if (!Object.hasOwn(obj, name)) {
    if (opts.failOnMissingField) throw new FormatError(`field '${path}' is missing`);
    return null;
  }
  return convert(obj[name], path);
}

function converter(type: DataType, opts: JsonDecodeOptions): Converter {
  const inner = nonNullConverter(type, opts);
  return (node, path) => (node === null || node === undefined ? null : inner(node, path));
}

function nonNullConverter(type: DataType, opts: JsonDecodeOptions): Converter {
  const bad = (node: unknown, path: string, why = ''): never => {
    throw new FormatError(`field '${path}': cannot read ${preview(node)} as ${typeName(type)}${why}`);
  };
  switch (type.kind) {
    case 'STRING':
    case 'VARCHAR':
    case 'CHAR':
      return (node) => (typeof node === 'string' ? node : JSON.stringify(node));
    case 'BOOLEAN':
      // Flink: a JSON boolean, or Boolean.parseBoolean(text) for strings ("TRUE" -> true, "no" -> false).
      return (node, path) => {
        if (typeof node === 'boolean') return node;
        if (typeof node === 'string') return node.trim().toLowerCase() === 'true';
        return bad(node, path);
      };
    case 'TINYINT':
    case 'SMALLINT':
    case 'INT':
    case 'BIGINT': {
      const kind = type.kind;
      const [min, max] = INTEGER_RANGE[kind];
      // INT and BIGINT take any JSON number in range (Jackson's asInt truncates 1.9 to 1);
      // TINYINT and SMALLINT parse the text, so they need an integer.
      const truncates = kind === 'INT' || kind === 'BIGINT';
      return (node, path) => {
        if (typeof node === 'number') {
          const n = truncates ? Math.trunc(node) : node;
          if (Number.isInteger(n) && n >= min && n <= max) return n;
          return bad(node, path, ' (out of range or not an integer)');
        }
        if (typeof node === 'string') {
          const n = parseIntegerText(node.trim(), kind);
          if (n !== undefined) return n;
        }
        return bad(node, path);
      };
    }
    case 'FLOAT':
    case 'DOUBLE': {
      const narrow = type.kind === 'FLOAT' ? Math.fround : (n: number) => n;
      return (node, path) => {
        if (typeof node === 'number') return narrow(node);
        if (typeof node === 'string') {
          const n = parseFloatText(node.trim());
          if (n !== undefined) return narrow(n);
        }
        return bad(node, path);
      };
    }
    case 'DECIMAL':
      return (node, path) => {
        const n = typeof node === 'number' ? node : typeof node === 'string' ? parseDecimalText(node.trim()) : undefined;
        return n === undefined ? bad(node, path) : fitDecimal(n, type);
      };
    case 'DATE':
      return (node, path) => (typeof node === 'string' ? parseDateText(node) : undefined) ?? bad(node, path, " (expected 'yyyy-MM-dd')");
    case 'TIME':
      return (node, path) =>
        (typeof node === 'string' ? parseTimeText(node, type.precision) : undefined) ?? bad(node, path, " (expected 'HH:mm:ss[.fff]')");
    case 'TIMESTAMP':
    case 'TIMESTAMP_LTZ': {
      const zoned = type.kind === 'TIMESTAMP_LTZ';
      const pattern = `${opts.timestampStandard === 'SQL' ? "yyyy-MM-dd HH:mm:ss[.fff]" : "yyyy-MM-ddTHH:mm:ss[.fff]"}${zoned ? 'Z' : ''}`;
      return (node, path) =>
        (typeof node === 'string' ? parseTimestampText(node, opts.timestampStandard, zoned) : undefined) ??
        bad(node, path, ` (expected '${pattern}', json.timestamp-format.standard = ${opts.timestampStandard})`);
    }
    case 'BYTES':
      return (node, path) => (typeof node === 'string' ? decodeBase64(node) : undefined) ?? bad(node, path, ' (expected base64 text)');
    case 'ARRAY': {
      const element = converter(type.element, opts);
      return (node, path) => (Array.isArray(node) ? node.map((e, i) => element(e, `${path}[${i}]`)) : bad(node, path));
    }
    case 'MAP': {
      const key = converter(type.key, opts);
      const value = converter(type.value, opts);
      return (node, path) => {
        if (!isObject(node)) return bad(node, path);
        const out = new Map<Value, Value>();
        for (const [k, v] of Object.entries(node)) out.set(key(k, `${path}.${k}`), value(v, `${path}.${k}`));
        return out;
      };
    }
    case 'ROW': {
      const fields = type.fields.map((f) => ({ name: f.name, convert: converter(f.type, opts) }));
      return (node, path) => {
        if (!isObject(node)) return bad(node, path);
        return fields.map((f) => readField(node, f.name, `${path}.${f.name}`, f.convert, opts));
      };
    }
    case 'NULL':
      return () => null;
    default:
      return assertNever(type, 'data type');
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
