import type { DataType } from '../types/data-type.js';

/** Value ranges of the integer types, as Java's Byte/Short/Integer/Long.parseX check them. */
export const INTEGER_RANGE: Readonly<Record<'TINYINT' | 'SMALLINT' | 'INT' | 'BIGINT', readonly [number, number]>> = {
  TINYINT: [-128, 127],
  SMALLINT: [-32768, 32767],
  INT: [-2147483648, 2147483647],
  BIGINT: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
};

const INTEGER_TEXT = /^[+-]?\d+$/;
const FLOAT_TEXT = /^[+-]?(?:NaN|Infinity|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)[fFdD]?$/;
const DECIMAL_TEXT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const BASE64_TEXT = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{2,3})?$/;

/** Integer text as Java's parseInt/parseLong read it (trimmed by the caller), or undefined. */
export function parseIntegerText(text: string, kind: keyof typeof INTEGER_RANGE): number | undefined {
  if (!INTEGER_TEXT.test(text)) return undefined;
  const n = Number(text);
  const [min, max] = INTEGER_RANGE[kind];
  return n >= min && n <= max ? n : undefined;
}

/** Float text as Java's Double.parseDouble reads it ('NaN', 'Infinity', '1e3', '2.5f'), or undefined. */
export function parseFloatText(text: string): number | undefined {
  if (!FLOAT_TEXT.test(text)) return undefined;
  return Number(text.replace(/[fFdD]$/, ''));
}

/** Decimal text as `new BigDecimal(text)` reads it, or undefined. */
export function parseDecimalText(text: string): number | undefined {
  return DECIMAL_TEXT.test(text) ? Number(text) : undefined;
}

/**
 * A DECIMAL(p, s) value: rounded half-up to the scale, or null when it needs more than p
 * digits (Flink's DecimalData.fromBigDecimal returns null on overflow).
 */
export function fitDecimal(n: number, type: Extract<DataType, { kind: 'DECIMAL' }>): number | null {
  if (!Number.isFinite(n)) return null;
  const factor = 10 ** type.scale;
  const rounded = Math.sign(n) * Math.round(Math.abs(n) * factor) / factor;
  const integerDigits = Math.trunc(Math.abs(rounded)).toString().replace(/^0$/, '').length;
  return integerDigits > type.precision - type.scale ? null : rounded;
}

/** A number as plain decimal text, never in exponent notation (`json.encode.decimal-as-plain-number`). */
export function plainNumberText(n: number): string {
  const text = String(n);
  if (!/e/i.test(text)) return text;
  const [mantissa, expText] = text.toLowerCase().split('e') as [string, string];
  const exp = Number(expText);
  const negative = mantissa.startsWith('-');
  const [int, frac = ''] = mantissa.replace('-', '').split('.') as [string, string?];
  const digits = int + frac;
  const point = int.length + exp;
  let out: string;
  if (point <= 0) out = `0.${'0'.repeat(-point)}${digits}`;
  else if (point >= digits.length) out = digits + '0'.repeat(point - digits.length);
  else out = `${digits.slice(0, point)}.${digits.slice(point)}`;
  return (negative ? '-' : '') + out;
}

/** Standard base64 (padding optional), or undefined when the text is not base64. */
export function decodeBase64(text: string): Uint8Array | undefined {
  const compact = text.replace(/\s+/g, '');
  if (!BASE64_TEXT.test(compact)) return undefined;
  return new Uint8Array(Buffer.from(compact, 'base64'));
}

export function encodeBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

/** The SQL name of a type, for error messages: 'INT', 'ARRAY<STRING>', 'ROW<a INT>'. */
export function typeName(t: DataType): string {
  switch (t.kind) {
    case 'VARCHAR':
    case 'CHAR':
      return `${t.kind}(${t.length})`;
    case 'DECIMAL':
      return `DECIMAL(${t.precision}, ${t.scale})`;
    case 'TIME':
    case 'TIMESTAMP':
    case 'TIMESTAMP_LTZ':
      return `${t.kind}(${t.precision})`;
    case 'ARRAY':
      return `ARRAY<${typeName(t.element)}>`;
    case 'MAP':
      return `MAP<${typeName(t.key)}, ${typeName(t.value)}>`;
    case 'ROW':
      return `ROW<${t.fields.map((f) => `${f.name} ${typeName(f.type)}`).join(', ')}>`;
    default:
      return t.kind;
  }
}

/** A short, bounded rendering of a bad input value for an error message. */
export function preview(v: unknown): string {
  let text: string;
  try {
    text = typeof v === 'string' ? JSON.stringify(v) : JSON.stringify(v) ?? String(v);
  } catch {
    text = String(v);
  }
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
