import { assertNever, type DataType, type Value } from '../types/data-type.js';
import { canExplicitlyCast } from './cast-rules.js';
import { formatType } from '../types/format-type.js';
import { doubleToInteger, wrapInteger } from './integers.js';
import { fitDecimal, parseDecimalText, parseDoubleText, parseIntegerText } from './number-text.js';
import { previewValue, RowError } from './row-error.js';
import {
  dateToTimestamp, formatTimeValue, msOfDay, parseDate, parseTimeMs, parseTimestamp, timestampToDate,
} from './temporal.js';
import { isCharacter, isIntegerKind, isNumeric, type IntegerKind } from './types.js';
import { valueText } from './value-text.js';

/** Converts one non-null value; throws RowError (PD4402) when the value does not convert. */
export type Caster = (value: Value) => Value;

const utf8 = new TextEncoder();
const TRUE_TEXT = new Set(['true', 't', 'yes', 'y', '1']);
const FALSE_TEXT = new Set(['false', 'f', 'no', 'n', '0']);

/**
 * CAST(value AS to) for a value of type `from`, as Flink 1.15+ does it. NULL stays NULL; a value
 * that does not convert throws RowError PD4402 naming the value and the target type. For a value
 * converted once (a VALUES cell); what runs on every row builds its conversion with castOf.
 */
export function castValue(value: Value, from: DataType, to: DataType): Value {
  return castOf(from, to)(value);
}

/**
 * castValue for one (from, to) pair with the conversion built once: what an expression evaluated
 * on every row (a sink's column, a model's input) calls, instead of rebuilding it per value.
 */
export function castOf(from: DataType, to: DataType): (value: Value) => Value {
  const caster = makeCaster(from, to);
  if (caster) return caster;
  return (value) => {
    if (value === null) return null;
    throw new RowError('PD4402', `cannot CAST ${formatType(from)} to ${formatType(to)}`);
  };
}

/** The conversion for one (from, to) pair, built once; undefined when CAST does not allow it. */
export function makeCaster(from: DataType, to: DataType): Caster | undefined {
  if (!canExplicitlyCast(from, to)) return undefined;
  if (from.kind === 'NULL') return () => null;
  const base = casterTo(from, to);
  return (value) => (value === null ? null : base(value));
}

function fail(value: Value, to: DataType): never {
  throw new RowError('PD4402', `CAST of ${previewValue(value)} to ${formatType(to)} failed: not a valid ${formatType({ ...to, nullable: true })}`);
}

function casterTo(from: DataType, to: DataType): Caster {
  switch (to.kind) {
    case 'STRING':
      return isCharacter(from) ? identity : (v) => valueText(v, from);
    case 'VARCHAR': {
      const text = isCharacter(from) ? identity : (v: Value) => valueText(v, from);
      const n = to.length;
      return (v) => truncate(text(v) as string, n);
    }
    case 'CHAR': {
      const text = isCharacter(from) ? identity : (v: Value) => valueText(v, from);
      const n = to.length;
      return (v) => truncate(text(v) as string, n).padEnd(n, ' ');
    }
    case 'BOOLEAN':
      if (from.kind === 'BOOLEAN') return identity;
      if (isNumeric(from)) return (v) => v !== 0;
      return (v) => parseBoolean(v as string, to);
    case 'TINYINT':
    case 'SMALLINT':
    case 'INT':
    case 'BIGINT':
      return toInteger(from, to, to.kind);
    case 'FLOAT':
    case 'DOUBLE': {
      const round = to.kind === 'FLOAT' ? Math.fround : (n: number) => n;
      if (from.kind === 'BOOLEAN') return (v) => (v ? 1 : 0);
      if (from.kind === 'TIMESTAMP_LTZ') return (v) => round((v as Date).getTime() / 1000);
      if (isCharacter(from)) return (v) => round(parseDoubleText(v as string) ?? fail(v, to));
      return (v) => round(v as number);
    }
    case 'DECIMAL': {
      const { precision, scale } = to;
      if (from.kind === 'BOOLEAN') return (v) => fitDecimal(v ? 1 : 0, precision, scale);
      if (from.kind === 'TIMESTAMP_LTZ') return (v) => fitDecimal((v as Date).getTime() / 1000, precision, scale);
      if (isCharacter(from)) return (v) => fitDecimal(parseDecimalText(v as string) ?? fail(v, to), precision, scale);
      return (v) => fitDecimal(v as number, precision, scale);
    }
    case 'DATE':
      if (from.kind === 'DATE') return identity;
      if (from.kind === 'TIMESTAMP' || from.kind === 'TIMESTAMP_LTZ') return (v) => timestampToDate(v as Date);
      return (v) => parseDate(v as string) ?? fail(v, to);
    case 'TIME': {
      const p = to.precision;
      if (from.kind === 'TIMESTAMP' || from.kind === 'TIMESTAMP_LTZ') return (v) => formatTimeValue(msOfDay(v as Date), p);
      return (v) => {
        const ms = parseTimeMs(v as string);
        return ms === undefined ? fail(v, to) : formatTimeValue(ms, p);
      };
    }
    case 'TIMESTAMP':
    case 'TIMESTAMP_LTZ': {
      const unit = 10 ** Math.max(0, 3 - to.precision);
      const cut = (d: Date): Date => (unit === 1 || d.getTime() % unit === 0 ? d : new Date(Math.floor(d.getTime() / unit) * unit));
      if (from.kind === 'TIMESTAMP' || from.kind === 'TIMESTAMP_LTZ') return (v) => cut(v as Date);
      if (from.kind === 'DATE') return (v) => dateToTimestamp(v as string);
      if (from.kind === 'TIME') return (v) => new Date(parseTimeMs(v as string) ?? 0);
      if (isNumeric(from)) return (v) => cut(new Date(Math.round((v as number) * 1000)));
      return (v) => {
        const d = parseTimestamp(v as string);
        return d ? cut(d) : fail(v, to);
      };
    }
    case 'BYTES':
      return from.kind === 'BYTES' ? identity : (v) => utf8.encode(v as string);
    case 'ARRAY': {
      const element = makeCaster((from as Extract<DataType, { kind: 'ARRAY' }>).element, to.element)!;
      return (v) => (v as readonly Value[]).map(element);
    }
    case 'MAP': {
      const f = from as Extract<DataType, { kind: 'MAP' }>;
      const key = makeCaster(f.key, to.key)!;
      const val = makeCaster(f.value, to.value)!;
      return (v) => new Map([...(v as ReadonlyMap<Value, Value>)].map(([k, x]) => [key(k), val(x)] as const));
    }
    case 'ROW': {
      const fields = (from as Extract<DataType, { kind: 'ROW' }>).fields.map((f, i) => makeCaster(f.type, to.fields[i].type)!);
      return (v) => (v as readonly Value[]).map((x, i) => fields[i](x));
    }
    case 'NULL':
      return () => null;
    default:
      return assertNever(to, 'data type');
  }
}

function toInteger(from: DataType, to: DataType, kind: IntegerKind): Caster {
  if (isIntegerKind(from.kind)) return (v) => wrapInteger(v as number, kind);
  if (from.kind === 'DECIMAL') return (v) => wrapInteger(Math.trunc(v as number), kind);
  if (from.kind === 'FLOAT' || from.kind === 'DOUBLE') return (v) => doubleToInteger(v as number, kind);
  if (from.kind === 'BOOLEAN') return (v) => (v ? 1 : 0);
  if (from.kind === 'TIMESTAMP_LTZ') return (v) => wrapInteger(Math.floor((v as Date).getTime() / 1000), kind);
  return (v) => parseIntegerText(v as string, kind) ?? fail(v, to);
}

function parseBoolean(text: string, to: DataType): boolean {
  const t = text.trim().toLowerCase();
  if (TRUE_TEXT.has(t)) return true;
  if (FALSE_TEXT.has(t)) return false;
  return fail(text, to);
}

/** VARCHAR(n)/CHAR(n) keep the first n characters (code points), as Flink 1.15+ CAST does. */
function truncate(text: string, n: number): string {
  if (text.length <= n) return text;
  const points = Array.from(text);
  return points.length <= n ? text : points.slice(0, n).join('');
}

function identity(v: Value): Value {
  return v;
}
