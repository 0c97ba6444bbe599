import { FormatError } from '../../spi/format.js';
import { assertNever, type Column, type DataType, type Row, type Value } from '../../types/data-type.js';
import { preview, typeName } from '../scalar-text.js';

/** What avsc reads and writes for a record (unions unwrapped, logical types as their underlying type). */
type AvroValue = unknown;
type ToAvro = (v: Value, path: string) => AvroValue;
type FromAvro = (v: AvroValue) => Value;

const DAY_MS = 86_400_000;

/** Row (one value per column) -> the object avsc encodes, by Flink's type mapping. */
export function rowToAvro(columns: readonly Column[]): (row: Row) => Record<string, AvroValue> {
  const fields = columns.map((c) => ({ name: c.name, write: toAvro(c.type) }));
  return (row) => {
    const out: Record<string, AvroValue> = {};
    fields.forEach((f, i) => (out[f.name] = f.write(row[i] ?? null, f.name)));
    return out;
  };
}

/** The object avsc decoded (with the table's schema as the reader) -> one value per column. */
export function avroToRow(columns: readonly Column[]): (record: Record<string, AvroValue>) => Row {
  const fields = columns.map((c) => ({ name: c.name, read: fromAvro(c.type) }));
  return (record) => fields.map((f) => f.read(record[f.name]));
}

function toAvro(type: DataType): ToAvro {
  const inner = nonNullToAvro(type);
  return (v, path) => {
    if (v !== null) return inner(v, path);
    // avsc would report a bare "invalid"; name the column instead.
    if (!type.nullable) throw new FormatError(`field '${path}': NULL in a NOT NULL column (${typeName(type)})`);
    return null;
  };
}

function nonNullToAvro(type: DataType): ToAvro {
  const bad = (v: unknown, path: string): never => {
    throw new FormatError(`field '${path}': cannot write ${preview(v)} as ${typeName(type)}`);
  };
  switch (type.kind) {
    case 'STRING':
    case 'VARCHAR':
    case 'CHAR':
      return (v, path) => (typeof v === 'string' ? v : bad(v, path));
    case 'BOOLEAN':
      return (v, path) => (typeof v === 'boolean' ? v : bad(v, path));
    case 'TINYINT':
    case 'SMALLINT':
    case 'INT':
    case 'BIGINT':
      return (v, path) => (typeof v === 'number' && Number.isInteger(v) ? v : bad(v, path));
    case 'FLOAT':
    case 'DOUBLE':
      return (v, path) => (typeof v === 'number' ? v : bad(v, path));
    case 'BYTES':
      return (v, path) => (v instanceof Uint8Array ? Buffer.from(v.buffer, v.byteOffset, v.byteLength) : bad(v, path));
    case 'DECIMAL': {
      const { scale } = type;
      return (v, path) => (typeof v === 'number' && Number.isFinite(v) ? decimalBytes(v, scale) : bad(v, path));
    }
    case 'DATE':
      return (v, path) => {
        const ms = typeof v === 'string' ? Date.parse(`${v}T00:00:00Z`) : NaN;
        return Number.isNaN(ms) ? bad(v, path) : Math.round(ms / DAY_MS);
      };
    case 'TIME':
      return (v, path) => {
        const m = typeof v === 'string' ? /^(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?$/.exec(v) : null;
        if (!m) return bad(v, path);
        const frac = Number(((m[4] ?? '') + '000').slice(0, 3));
        return ((Number(m[1]) * 60 + Number(m[2])) * 60 + Number(m[3])) * 1000 + frac;
      };
    case 'TIMESTAMP':
    case 'TIMESTAMP_LTZ': {
      const factor = type.precision <= 3 ? 1 : 1000;
      return (v, path) => (v instanceof Date && !Number.isNaN(v.getTime()) ? v.getTime() * factor : bad(v, path));
    }
    case 'ARRAY': {
      const item = toAvro(type.element);
      return (v, path) => (Array.isArray(v) ? v.map((e: Value, i: number) => item(e, `${path}[${i}]`)) : bad(v, path));
    }
    case 'MAP': {
      const value = toAvro(type.value);
      return (v, path) => {
        if (!(v instanceof Map)) return bad(v, path);
        const out: Record<string, AvroValue> = {};
        for (const [k, e] of v) {
          if (typeof k !== 'string') throw new FormatError(`field '${path}': map key ${preview(k)} is not a string (Avro map keys are strings)`);
          out[k] = value(e, `${path}.${k}`);
        }
        return out;
      };
    }
    case 'ROW': {
      const fields = type.fields.map((f) => ({ name: f.name, write: toAvro(f.type) }));
      return (v, path) => {
        if (!Array.isArray(v)) return bad(v, path);
        const out: Record<string, AvroValue> = {};
        fields.forEach((f, i) => (out[f.name] = f.write((v as Value[])[i] ?? null, `${path}.${f.name}`)));
        return out;
      };
    }
    case 'NULL':
      return () => null;
    default:
      return assertNever(type, 'data type');
  }
}

function fromAvro(type: DataType): FromAvro {
  const inner = nonNullFromAvro(type);
  return (v) => (v === null || v === undefined ? null : inner(v));
}

function nonNullFromAvro(type: DataType): FromAvro {
  switch (type.kind) {
    case 'STRING':
    case 'VARCHAR':
    case 'CHAR':
    case 'BOOLEAN':
    case 'TINYINT':
    case 'SMALLINT':
    case 'INT':
    case 'BIGINT':
    case 'FLOAT':
    case 'DOUBLE':
      return (v) => v as Value;
    case 'BYTES':
      // A copy: avsc hands out views into the record's buffer.
      return (v) => new Uint8Array(v as Uint8Array);
    case 'DECIMAL': {
      const { scale } = type;
      return (v) => decimalFromBytes(v as Uint8Array, scale);
    }
    case 'DATE':
      return (v) => new Date((v as number) * DAY_MS).toISOString().slice(0, 10);
    case 'TIME':
      return (v) => {
        const text = new Date(v as number).toISOString().slice(11, 23);
        return text.endsWith('.000') ? text.slice(0, 8) : text;
      };
    case 'TIMESTAMP':
    case 'TIMESTAMP_LTZ': {
      const factor = type.precision <= 3 ? 1 : 1000;
      return (v) => new Date(Math.floor((v as number) / factor));
    }
    case 'ARRAY': {
      const item = fromAvro(type.element);
      return (v) => (v as AvroValue[]).map(item);
    }
    case 'MAP': {
      const value = fromAvro(type.value);
      return (v) => new Map(Object.entries(v as Record<string, AvroValue>).map(([k, e]) => [k, value(e)]));
    }
    case 'ROW': {
      const read = avroToRow(type.fields);
      return (v) => read(v as Record<string, AvroValue>);
    }
    case 'NULL':
      return () => null;
    default:
      return assertNever(type, 'data type');
  }
}

/** Avro's decimal: the unscaled value as big-endian two's complement, in as few bytes as it takes. */
export function decimalBytes(n: number, scale: number): Buffer {
  const text = n.toFixed(scale);
  let unscaled = BigInt(text.replace('.', ''));
  const bytes: number[] = [];
  const negative = unscaled < 0n;
  // Emit bytes until the remaining value is all sign bits and the top byte carries the right sign.
  for (;;) {
    bytes.unshift(Number(unscaled & 0xffn));
    unscaled >>= 8n;
    const top = bytes[0]!;
    if ((unscaled === 0n && !negative && top < 0x80) || (unscaled === -1n && negative && top >= 0x80)) break;
  }
  return Buffer.from(bytes);
}

export function decimalFromBytes(bytes: Uint8Array, scale: number): number {
  if (bytes.length === 0) return 0;
  let unscaled = 0n;
  for (const b of bytes) unscaled = (unscaled << 8n) | BigInt(b);
  if (bytes[0]! >= 0x80) unscaled -= 1n << BigInt(bytes.length * 8);
  const negative = unscaled < 0n;
  const digits = (negative ? -unscaled : unscaled).toString().padStart(scale + 1, '0');
  const text = scale === 0 ? digits : `${digits.slice(0, digits.length - scale)}.${digits.slice(digits.length - scale)}`;
  return Number(`${negative ? '-' : ''}${text}`);
}
