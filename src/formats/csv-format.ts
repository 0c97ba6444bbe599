import type { ResolvedOptions } from '../spi/config-spec.js';
import { FormatError, type SyncFormat, type SyncFormatFactory } from '../spi/format.js';
import { assertNever, type Column, type DataType, type Value } from '../types/data-type.js';
import { parseCsvRecord, writeCsvRecord, type CsvDialect } from './csv-line.js';
import { utf8Bytes } from './charset.js';
import {
  decodeBase64,
  encodeBase64,
  fitDecimal,
  parseDecimalText,
  parseFloatText,
  parseIntegerText,
  preview,
  typeName,
} from './scalar-text.js';
import { formatTimestampText, parseDateText, parseTimeText, parseTimestampText } from './temporal-text.js';

/** Flink's 'csv' format: one CSV line per message, fields by position. */
export const csvFormat: SyncFormatFactory = {
  name: 'csv',
  summary: 'One CSV line per message; fields by position (Flink csv).',
  spec: {
    options: [
      { key: 'field-delimiter', type: { kind: 'string' }, default: ',', description: "Field delimiter, one character ('\\t' for a tab)." },
      { key: 'quote-character', type: { kind: 'string' }, default: '"', description: 'Quote character around fields that hold the delimiter, quotes or line breaks.' },
      { key: 'disable-quote-character', type: { kind: 'boolean' }, default: 'false', description: 'Read and write without quoting.' },
      { key: 'escape-character', type: { kind: 'string' }, description: 'Escape character (none by default).' },
      { key: 'array-element-delimiter', type: { kind: 'string' }, default: ';', description: 'Separator of ARRAY elements inside one field.' },
      { key: 'null-literal', type: { kind: 'string' }, description: "Text read and written as NULL (none by default: NULL is written as an empty field)." },
      {
        key: 'ignore-parse-errors',
        type: { kind: 'boolean' },
        default: 'false',
        description: 'Skip records that cannot be decoded (counted and logged) instead of failing the job; a line with too few fields fills the rest with NULL.',
      },
    ],
  },
  create(columns: readonly Column[], options: ResolvedOptions): SyncFormat {
    const dialect: CsvDialect = {
      delimiter: oneChar('field-delimiter', options.get<string>('field-delimiter') ?? ','),
      quote: options.get<boolean>('disable-quote-character') ? undefined : oneChar('quote-character', options.get<string>('quote-character') ?? '"'),
      escape: optionalChar('escape-character', options.get<string>('escape-character')),
    };
    const elementDelimiter = unescape(options.get<string>('array-element-delimiter') ?? ';');
    const nullLiteral = options.get<string>('null-literal');
    const lenient = options.get<boolean>('ignore-parse-errors') ?? false;
    const fields = columns.map((c) => ({
      name: c.name,
      read: fieldReader(c, elementDelimiter),
      write: fieldWriter(c, elementDelimiter),
    }));
    const utf8 = new TextDecoder('utf-8', { fatal: true });
    return {
      decode(bytes) {
        let text: string;
        try {
          text = utf8.decode(bytes);
        } catch (err) {
          throw new FormatError('invalid CSV: the message is not UTF-8', { cause: err });
        }
        const texts = parseCsvRecord(text, dialect);
        if (texts.length !== fields.length && !lenient) {
          throw new FormatError(`invalid CSV: ${fields.length} fields expected but the line has ${texts.length}`);
        }
        return fields.map((f, i) => {
          const t = texts[i];
          if (t === undefined || (nullLiteral !== undefined && t === nullLiteral)) return null;
          return f.read(t);
        });
      },
      encode(row) {
        const texts = fields.map((f, i) => {
          const v = row[i] ?? null;
          return v === null ? (nullLiteral ?? '') : f.write(v);
        });
        return utf8Bytes(writeCsvRecord(texts, dialect));
      },
    };
  },
};

function fieldReader(c: Column, elementDelimiter: string): (text: string) => Value {
  if (c.type.kind === 'ARRAY') {
    const element = scalarReader(c.name, c.type.element);
    const textual = ['STRING', 'VARCHAR', 'CHAR'].includes(c.type.element.kind);
    // Elements are written NULL as an empty text; read them back the same way (except for strings).
    return (text) => (text === '' ? [] : text.split(elementDelimiter).map((e) => (e === '' && !textual ? null : element(e))));
  }
  return scalarReader(c.name, c.type);
}

function fieldWriter(c: Column, elementDelimiter: string): (v: Value) => string {
  if (c.type.kind === 'ARRAY') {
    const element = scalarWriter(c.name, c.type.element);
    return (v) => {
      if (!Array.isArray(v)) throw new FormatError(`field '${c.name}': cannot write ${preview(v)} as ${typeName(c.type)}`);
      return v.map((e: Value) => (e === null ? '' : element(e))).join(elementDelimiter);
    };
  }
  return scalarWriter(c.name, c.type);
}

/** Conversions as Flink's CsvToRowDataConverters: Java parse functions on the trimmed text. */
function scalarReader(name: string, type: DataType): (text: string) => Value {
  const bad = (text: string, why = ''): never => {
    throw new FormatError(`field '${name}': cannot read ${preview(text)} as ${typeName(type)}${why}`);
  };
  switch (type.kind) {
    case 'STRING':
    case 'VARCHAR':
    case 'CHAR':
      return (t) => t;
    case 'BOOLEAN':
      return (t) => t.trim().toLowerCase() === 'true';
    case 'TINYINT':
    case 'SMALLINT':
    case 'INT':
    case 'BIGINT': {
      const kind = type.kind;
      return (t) => parseIntegerText(t.trim(), kind) ?? bad(t);
    }
    case 'FLOAT':
      return (t) => {
        const n = parseFloatText(t.trim());
        return n === undefined ? bad(t) : Math.fround(n);
      };
    case 'DOUBLE':
      return (t) => parseFloatText(t.trim()) ?? bad(t);
    case 'DECIMAL':
      return (t) => {
        const n = parseDecimalText(t.trim());
        return n === undefined ? bad(t) : fitDecimal(n, type);
      };
    case 'DATE':
      return (t) => parseDateText(t) ?? bad(t, " (expected 'yyyy-MM-dd')");
    case 'TIME':
      return (t) => parseTimeText(t, type.precision) ?? bad(t, " (expected 'HH:mm:ss')");
    case 'TIMESTAMP':
      return (t) => parseTimestampText(t, 'SQL', false) ?? bad(t, " (expected 'yyyy-MM-dd HH:mm:ss[.fff]')");
    case 'TIMESTAMP_LTZ':
      return (t) => parseTimestampText(t, 'SQL', true) ?? bad(t, " (expected 'yyyy-MM-dd HH:mm:ss[.fff]Z')");
    case 'BYTES':
      return (t) => decodeBase64(t) ?? bad(t, ' (expected base64 text)');
    case 'NULL':
      return () => null;
    case 'ARRAY':
    case 'MAP':
    case 'ROW':
      throw new Error(`csv: column '${name}' is ${typeName(type)}; the csv format supports scalar columns and ARRAYs of scalars`);
    default:
      return assertNever(type, 'data type');
  }
}

function scalarWriter(name: string, type: DataType): (v: Value) => string {
  const bad = (v: Value): never => {
    throw new FormatError(`field '${name}': cannot write ${preview(v)} as ${typeName(type)}`);
  };
  switch (type.kind) {
    case 'TIMESTAMP':
    case 'TIMESTAMP_LTZ': {
      const zoned = type.kind === 'TIMESTAMP_LTZ';
      return (v) => (v instanceof Date ? formatTimestampText(v, 'SQL', zoned) : bad(v));
    }
    case 'BYTES':
      return (v) => (v instanceof Uint8Array ? encodeBase64(v) : bad(v));
    case 'ARRAY':
    case 'MAP':
    case 'ROW':
      throw new Error(`csv: column '${name}' is ${typeName(type)}; the csv format supports scalar columns and ARRAYs of scalars`);
    default:
      return (v) => (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : bad(v));
  }
}

/** Flink lets these options be written with a backslash escape: '\t' is a tab. */
function unescape(text: string): string {
  const map: Record<string, string> = { '\\t': '\t', '\\n': '\n', '\\r': '\r', '\\\\': '\\', "\\'": "'" };
  return map[text] ?? text.replace(/^\\u([0-9a-fA-F]{4})$/, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

function oneChar(key: string, value: string): string {
  const c = unescape(value);
  if ([...c].length !== 1) throw new Error(`csv: '${key}' must be one character, got '${value}'`);
  return c;
}

function optionalChar(key: string, value: string | undefined): string | undefined {
  return value === undefined ? undefined : oneChar(key, value);
}
