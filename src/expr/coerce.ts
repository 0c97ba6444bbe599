import type { DataType, Row, Value } from '../types/data-type.js';
import { type Caster, makeCaster } from './cast-value.js';
import { type Compiled, derived } from './compiled-expr.js';
import { formatType } from '../types/format-type.js';
import { isCharacter, isNumeric, isTimestamp, leastRestrictive } from './types.js';

/**
 * Whether a value of `from` must change shape to be read as `to`. Numbers are numbers and
 * strings are strings whatever their SQL type, so most widenings cost nothing at run time.
 */
export function needsConversion(from: DataType, to: DataType): boolean {
  if (from.kind === 'NULL') return false;
  if (isCharacter(from)) return !isCharacter(to);
  if (isNumeric(from)) return !isNumeric(to);
  if (isTimestamp(from)) return !isTimestamp(to);
  switch (from.kind) {
    case 'ARRAY':
      return to.kind !== 'ARRAY' || needsConversion(from.element, to.element);
    case 'MAP':
      return to.kind !== 'MAP' || needsConversion(from.key, to.key) || needsConversion(from.value, to.value);
    case 'ROW':
      return to.kind !== 'ROW' || from.fields.some((f, i) => !to.fields[i] || needsConversion(f.type, to.fields[i].type));
    default:
      return from.kind !== to.kind;
  }
}

/** A caster when the value must change shape, else undefined. */
export function converter(from: DataType, to: DataType): Caster | undefined {
  return needsConversion(from, to) ? makeCaster(from, to) : undefined;
}

/** `c` read as `type` (a CASE branch, a COALESCE argument, an ARRAY element). */
export function coerce(c: Compiled, type: DataType): Compiled {
  const cast = converter(c.type, type);
  if (!cast) return c;
  return derived(type, [c], (row: Row): Value => cast(c.evaluate(row)));
}

/** The common type of branches or elements, or a message for PD2207. */
export function commonType(types: readonly DataType[], what: string): DataType | string {
  const common = leastRestrictive(types);
  if (common) return common;
  return `${what} have no common type: ${types.map(formatType).join(', ')}`;
}
