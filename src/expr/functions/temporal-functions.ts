import type { DataType, Value } from '../../types/data-type.js';
import { datePattern } from '../date-pattern.js';
import {
  dateToTimestamp, formatTimeValue, MS_PER_DAY, msOfDay, parseDate, parseTimeMs, parseTimestamp, timestampToDate,
} from '../temporal.js';
import { T } from '../types.js';
import { fn, type FunctionDef, strict, typed } from './function-def.js';

const STRICT_NULLS = 'NULL if any argument is NULL';
const DEFAULT_FORMAT = 'yyyy-MM-dd HH:mm:ss';
const LONG_MIN = -(2 ** 63);

/** A DATE, TIME or TIMESTAMP value as a Date (UTC wall clock) for field extraction. */
export function asDate(value: Value, type: DataType): Date {
  if (type.kind === 'DATE') return dateToTimestamp(value as string);
  if (type.kind === 'TIME') return new Date(parseTimeMs(value as string) ?? 0);
  return value as Date;
}

function isoWeek(d: Date): number {
  const t = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
  t.setUTCDate(t.getUTCDate() + 4 - (t.getUTCDay() || 7));
  return Math.ceil(((t.getTime() - Date.UTC(t.getUTCFullYear(), 0, 1)) / MS_PER_DAY + 1) / 7);
}

function dayOfYear(d: Date): number {
  return Math.floor((Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()) - Date.UTC(d.getUTCFullYear(), 0, 1)) / MS_PER_DAY) + 1;
}

/** EXTRACT units (Calcite semantics: MILLISECOND counts the seconds too, DOW is 1 = Sunday). `time` marks units a TIME has. */
export const EXTRACT_UNITS: Readonly<Record<string, { readonly time: boolean; readonly get: (d: Date) => number }>> = {
  MILLENNIUM: { time: false, get: (d) => Math.ceil(d.getUTCFullYear() / 1000) },
  CENTURY: { time: false, get: (d) => Math.ceil(d.getUTCFullYear() / 100) },
  DECADE: { time: false, get: (d) => Math.floor(d.getUTCFullYear() / 10) },
  YEAR: { time: false, get: (d) => d.getUTCFullYear() },
  QUARTER: { time: false, get: (d) => Math.floor(d.getUTCMonth() / 3) + 1 },
  MONTH: { time: false, get: (d) => d.getUTCMonth() + 1 },
  WEEK: { time: false, get: isoWeek },
  DAY: { time: false, get: (d) => d.getUTCDate() },
  DOY: { time: false, get: dayOfYear },
  DOW: { time: false, get: (d) => d.getUTCDay() + 1 },
  ISODOW: { time: false, get: (d) => d.getUTCDay() || 7 },
  HOUR: { time: true, get: (d) => d.getUTCHours() },
  MINUTE: { time: true, get: (d) => d.getUTCMinutes() },
  SECOND: { time: true, get: (d) => d.getUTCSeconds() },
  MILLISECOND: { time: true, get: (d) => d.getUTCSeconds() * 1000 + d.getUTCMilliseconds() },
  MICROSECOND: { time: true, get: (d) => (d.getUTCSeconds() * 1000 + d.getUTCMilliseconds()) * 1000 },
  EPOCH: { time: false, get: (d) => Math.floor(d.getTime() / 1000) },
};

function fieldFn(name: string, unit: keyof typeof EXTRACT_UNITS): FunctionDef {
  const { time, get } = EXTRACT_UNITS[unit];
  return fn({
    signature: `${name}(${time ? 'ts TIMESTAMP | TIME' : 'd DATE | TIMESTAMP'}) → BIGINT`,
    nulls: STRICT_NULLS,
    minArgs: 1,
    returns: typed([time ? 'TEMPORAL' : 'DATETIME'], T.bigint()),
    build: (args, type) => {
      const argType = args[0].type;
      return strict((v: Value) => get(asDate(v, argType)))(args, type);
    },
  });
}

function now(signature: string, type: DataType, value: () => Value): FunctionDef {
  return fn({ signature, nulls: 'never NULL; evaluated for every row', minArgs: 0, deterministic: false, returns: () => type, build: () => value });
}

/** Text to an instant: the default format also takes 'yyyy-MM-dd', a 'T' and a fraction, as Flink's parser does. */
function parseWith(text: string, format?: string): Date | undefined {
  return format === undefined ? parseTimestamp(text) : datePattern(format).parse(text);
}

export const TEMPORAL_FUNCTIONS: Readonly<Record<string, FunctionDef>> = {
  CURRENT_TIMESTAMP: now('CURRENT_TIMESTAMP → TIMESTAMP_LTZ(3)', T.timestampLtz(3, false), () => new Date()),
  NOW: now('NOW() → TIMESTAMP_LTZ(3)', T.timestampLtz(3, false), () => new Date()),
  CURRENT_ROW_TIMESTAMP: now('CURRENT_ROW_TIMESTAMP() → TIMESTAMP_LTZ(3)', T.timestampLtz(3, false), () => new Date()),
  LOCALTIMESTAMP: now('LOCALTIMESTAMP → TIMESTAMP(3)', T.timestamp(3, false), () => new Date()),
  CURRENT_DATE: now('CURRENT_DATE → DATE', T.date(false), () => timestampToDate(new Date())),
  CURRENT_TIME: now('CURRENT_TIME → TIME(0)', T.time(0, false), () => formatTimeValue(msOfDay(new Date()), 0)),
  LOCALTIME: now('LOCALTIME → TIME(0)', T.time(0, false), () => formatTimeValue(msOfDay(new Date()), 0)),
  UNIX_TIMESTAMP: fn({
    signature: "UNIX_TIMESTAMP([s STRING [, format STRING]]) → BIGINT",
    nulls: `${STRICT_NULLS}; -9223372036854775808 when s does not parse (as Flink); no arguments: the current time`,
    minArgs: 0,
    maxArgs: 2,
    deterministic: false,
    returns: (types) => (types.length === 0 ? T.bigint(false) : typed(['STRING', 'STRING'], T.bigint())(types, [])),
    build: (args, type) => {
      if (args.length === 0) return () => Math.floor(Date.now() / 1000);
      return strict((s: string, format = DEFAULT_FORMAT) => {
        const d = datePattern(format).parse(s);
        return d ? Math.floor(d.getTime() / 1000) : LONG_MIN;
      })(args, type);
    },
  }),
  FROM_UNIXTIME: fn({
    signature: "FROM_UNIXTIME(seconds NUMERIC [, format STRING]) → STRING",
    nulls: STRICT_NULLS,
    minArgs: 1,
    maxArgs: 2,
    returns: typed(['NUMERIC', 'STRING'], T.string()),
    build: strict((seconds: number, format = DEFAULT_FORMAT) => datePattern(format).format(new Date(Math.floor(seconds) * 1000))),
  }),
  TO_TIMESTAMP: fn({
    signature: "TO_TIMESTAMP(s STRING [, format STRING]) → TIMESTAMP(3)",
    nulls: `${STRICT_NULLS}; NULL when s does not parse`,
    minArgs: 1,
    maxArgs: 2,
    returns: typed(['STRING', 'STRING'], T.timestamp(3), { alwaysNullable: true }),
    build: strict((s: string, format?: string) => parseWith(s, format) ?? null),
  }),
  TO_TIMESTAMP_LTZ: fn({
    signature: 'TO_TIMESTAMP_LTZ(epoch NUMERIC [, precision INT]) → TIMESTAMP_LTZ(3)',
    nulls: `${STRICT_NULLS}; precision 0 reads seconds, 3 (the default) milliseconds`,
    minArgs: 1,
    maxArgs: 2,
    returns: typed(['NUMERIC', 'INTEGER'], T.timestampLtz(3)),
    build: strict((n: number, precision = 3) => new Date(precision === 0 ? n * 1000 : n)),
  }),
  TO_DATE: fn({
    signature: "TO_DATE(s STRING [, format STRING]) → DATE",
    nulls: `${STRICT_NULLS}; NULL when s does not parse`,
    minArgs: 1,
    maxArgs: 2,
    returns: typed(['STRING', 'STRING'], T.date(), { alwaysNullable: true }),
    build: strict((s: string, format?: string) => {
      if (format === undefined) return parseDate(s) ?? null;
      const d = datePattern(format).parse(s);
      return d ? timestampToDate(d) : null;
    }),
  }),
  DATE_FORMAT: fn({
    signature: 'DATE_FORMAT(ts TIMESTAMP | STRING, format STRING) → STRING',
    nulls: `${STRICT_NULLS}; NULL when a STRING ts does not parse`,
    minArgs: 2,
    returns: (types, args) => {
      const t = types[0];
      if (t.kind !== 'NULL' && t.kind !== 'TIMESTAMP' && t.kind !== 'TIMESTAMP_LTZ' && t.kind !== 'DATE' && !['STRING', 'VARCHAR', 'CHAR'].includes(t.kind)) {
        return 'argument 1 must be a TIMESTAMP, DATE or character string';
      }
      return typed(['ANY', 'STRING'], T.string(), { alwaysNullable: t.kind !== 'TIMESTAMP' && t.kind !== 'TIMESTAMP_LTZ' })(types, args);
    },
    build: (args, type) => {
      const argType = args[0].type;
      const read = (v: Value): Date | undefined =>
        typeof v === 'string' ? (argType.kind === 'DATE' ? dateToTimestamp(v) : parseTimestamp(v)) : (v as Date);
      return strict((v: Value, format: string) => {
        const d = read(v);
        return d ? datePattern(format).format(d) : null;
      })(args, type);
    },
  }),
  YEAR: fieldFn('YEAR', 'YEAR'),
  QUARTER: fieldFn('QUARTER', 'QUARTER'),
  MONTH: fieldFn('MONTH', 'MONTH'),
  WEEK: fieldFn('WEEK', 'WEEK'),
  DAYOFYEAR: fieldFn('DAYOFYEAR', 'DOY'),
  DAYOFMONTH: fieldFn('DAYOFMONTH', 'DAY'),
  DAYOFWEEK: fieldFn('DAYOFWEEK', 'DOW'),
  HOUR: fieldFn('HOUR', 'HOUR'),
  MINUTE: fieldFn('MINUTE', 'MINUTE'),
  SECOND: fieldFn('SECOND', 'SECOND'),
};
