import { INTEGER_RANGE } from './number-text.js';
import type { IntegerKind } from './types.js';

const BITS: Readonly<Record<IntegerKind, number>> = { TINYINT: 8, SMALLINT: 16, INT: 32, BIGINT: 64 };

/** Java's two's-complement overflow: INT 2147483647 + 1 is -2147483648, as Flink computes it. */
export function wrapInteger(n: number, kind: IntegerKind): number {
  const [min, max] = INTEGER_RANGE[kind];
  if (n >= min && n <= max) return n;
  if (!Number.isFinite(n)) return 0;
  return Number(BigInt.asIntN(BITS[kind], BigInt(Math.trunc(n))));
}

/** Java's (int)/(long) cast of a double: truncated, NaN -> 0, saturated at the range; narrower types then wrap. */
export function doubleToInteger(n: number, kind: IntegerKind): number {
  if (Number.isNaN(n)) return 0;
  const t = Math.trunc(n);
  if (kind === 'BIGINT') return Math.min(Math.max(t, INTEGER_RANGE.BIGINT[0]), INTEGER_RANGE.BIGINT[1]);
  const asInt = Math.min(Math.max(t, INTEGER_RANGE.INT[0]), INTEGER_RANGE.INT[1]);
  return wrapInteger(asInt, kind);
}

/** Exact integer arithmetic past 2^53, done in BigInt and wrapped at 64 bits like Java's long. */
export function bigintOp(a: number, b: number, op: (x: bigint, y: bigint) => bigint): number {
  return Number(BigInt.asIntN(64, op(BigInt(a), BigInt(b))));
}
