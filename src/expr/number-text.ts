import type { IntegerKind } from './types.js';

/** Number <-> text the way Java (and so Flink) writes and reads them. */

export const INTEGER_RANGE: Readonly<Record<IntegerKind, readonly [number, number]>> = {
  TINYINT: [-128, 127],
  SMALLINT: [-32768, 32767],
  INT: [-2147483648, 2147483647],
  BIGINT: [-(2 ** 63), 2 ** 63 - 1],
};

const INTEGER_TEXT = /^([+-]?)(\d+)(?:\.(\d*))?$/;
const DOUBLE_TEXT = /^[+-]?(?:NaN|Infinity|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?[fFdD]?)$/;
const DECIMAL_TEXT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * Integer text as Flink's BinaryStringDataUtil.toLong reads it: trimmed, optional sign,
 * digits, and a fraction that is cut off. Undefined when malformed or out of range.
 */
export function parseIntegerText(text: string, kind: IntegerKind): number | undefined {
  const m = INTEGER_TEXT.exec(text.trim());
  if (!m || (m[2] === '' && !m[3])) return undefined;
  const big = BigInt(m[1] === '-' ? `-${m[2]}` : m[2]);
  const [min, max] = INTEGER_RANGE[kind];
  if (big < BigInt(min) || big > BigInt(2 ** 63) - 1n || (kind !== 'BIGINT' && big > BigInt(max))) return undefined;
  return Number(big);
}

/** Java's Double.parseDouble: 'NaN', 'Infinity', '1e3', '2.5d', surrounding whitespace. */
export function parseDoubleText(text: string): number | undefined {
  const trimmed = text.trim();
  if (!DOUBLE_TEXT.test(trimmed)) return undefined;
  return Number(trimmed.replace(/[fFdD]$/, ''));
}

/** `new BigDecimal(text.trim())`. */
export function parseDecimalText(text: string): number | undefined {
  const trimmed = text.trim();
  return DECIMAL_TEXT.test(trimmed) ? Number(trimmed) : undefined;
}

/** Java's Double.toString: '1.0', '0.8', '1.0E10', '1.0E-5', 'NaN', 'Infinity'. */
export function javaDoubleText(n: number): string {
  return javaFloatingText(n, n.toExponential());
}

/** Java's Float.toString for a FLOAT value: the shortest digits that read back as the same float. */
export function javaFloatText(n: number): string {
  if (!Number.isFinite(n) || n === 0) return javaDoubleText(n);
  const f = Math.fround(n);
  for (let p = 1; p <= 9; p++) {
    const text = f.toExponential(p - 1);
    if (Math.fround(Number(text)) === f) return javaFloatingText(f, text);
  }
  return javaDoubleText(f);
}

function javaFloatingText(n: number, exponential: string): string {
  if (Number.isNaN(n)) return 'NaN';
  if (!Number.isFinite(n)) return n > 0 ? 'Infinity' : '-Infinity';
  if (n === 0) return Object.is(n, -0) ? '-0.0' : '0.0';
  const [mantissa, expText] = exponential.split('e') as [string, string];
  const exp = Number(expText);
  const negative = mantissa.startsWith('-');
  const digits = mantissa.replace(/[-.]/g, '');
  const sign = negative ? '-' : '';
  const abs = Math.abs(n);
  if (abs >= 1e-3 && abs < 1e7) {
    const point = exp + 1;
    if (point <= 0) return `${sign}0.${'0'.repeat(-point)}${digits}`;
    const int = digits.slice(0, point).padEnd(point, '0');
    const frac = digits.slice(point);
    return `${sign}${int}.${frac === '' ? '0' : frac}`;
  }
  const frac = digits.slice(1);
  return `${sign}${digits[0]}.${frac === '' ? '0' : frac}E${exp}`;
}

/** A DECIMAL(p, s) value as text: always `scale` fraction digits, never exponent notation. */
export function decimalText(n: number, scale: number): string {
  if (Math.abs(n) < 1e21) return n.toFixed(scale);
  return BigInt(Math.trunc(n)).toString() + (scale > 0 ? `.${'0'.repeat(scale)}` : '');
}

/**
 * Rounds half-up (away from zero) to `scale` decimals, as BigDecimal.setScale(s, HALF_UP).
 * The decimal string of the double is rounded, not the binary value, so 2.675 -> 2.68.
 */
export function roundHalfUp(n: number, scale: number): number {
  if (!Number.isFinite(n)) return n;
  if (scale >= 0 && Number.isInteger(n)) return n;
  const [mantissa, exp] = Math.abs(n).toExponential().split('e') as [string, string];
  const shifted = Number(`${mantissa}e${Number(exp) + scale}`);
  const result = Number(`${Math.floor(shifted + 0.5)}e${-scale}`);
  if (Number.isNaN(result)) return n;
  return n < 0 ? -result : result;
}

/**
 * A value for DECIMAL(p, s): rounded half-up to the scale, or null when it needs more than
 * p - s integer digits (Flink's DecimalData.fromBigDecimal returns null on overflow).
 */
export function fitDecimal(n: number, precision: number, scale: number): number | null {
  if (!Number.isFinite(n)) return null;
  const rounded = roundHalfUp(n, scale);
  return Math.abs(rounded) >= 10 ** (precision - scale) ? null : rounded === 0 ? 0 : rounded;
}
