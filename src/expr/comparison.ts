import type { DataType, Value } from '../types/data-type.js';
import type { Caster } from './cast-value.js';
import { converter } from './coerce.js';
import { formatType } from '../types/format-type.js';
import {
  isCharacter, isConstructed, isNumeric, isTemporal, isTimestamp, leastRestrictive,
} from './types.js';
import { compareValues, valuesEqual } from './value-compare.js';

export type ComparisonOp = '=' | '<>' | '<' | '<=' | '>' | '>=';
type Test = (a: Value, b: Value) => boolean;

/**
 * How two types compare: each side's conversion (a string compared with a number is cast to
 * the number's type, as Flink's implicit coercion does; a DATE compared with a TIMESTAMP becomes
 * a TIMESTAMP) and the comparison functions. Arrays, maps and rows support = and <> only.
 */
export interface Comparison {
  readonly left?: Caster;
  readonly right?: Caster;
  readonly equalityOnly: boolean;
  test(op: ComparisonOp): Test;
}

export function prepareComparison(a: DataType, b: DataType): Comparison | string {
  if (a.kind === 'NULL' || b.kind === 'NULL') return make('primitive', false);
  if (isNumeric(a) && isNumeric(b)) return make('primitive', false);
  if (isCharacter(a) && isCharacter(b)) return make('primitive', false);
  if (a.kind === 'BOOLEAN' && b.kind === 'BOOLEAN') return make('primitive', false);
  if ((a.kind === 'DATE' && b.kind === 'DATE') || (a.kind === 'TIME' && b.kind === 'TIME')) return make('primitive', false);
  if (isTimestamp(a) && isTimestamp(b)) return make('date', false);
  if (a.kind === 'BYTES' && b.kind === 'BYTES') return make('generic', false);
  if (a.kind === 'DATE' && isTimestamp(b)) return make('date', false, converter(a, b));
  if (isTimestamp(a) && b.kind === 'DATE') return make('date', false, undefined, converter(b, a));
  const castable = (t: DataType): boolean => isNumeric(t) || t.kind === 'BOOLEAN' || isTemporal(t);
  if (isCharacter(a) && castable(b)) return make(isTimestamp(b) ? 'date' : 'primitive', false, converter(a, b));
  if (castable(a) && isCharacter(b)) return make(isTimestamp(a) ? 'date' : 'primitive', false, undefined, converter(b, a));
  if (isConstructed(a) && a.kind === b.kind && leastRestrictive([a, b])) return make('generic', true);
  return `cannot compare ${formatType(a)} with ${formatType(b)}`;
}

function make(kind: 'primitive' | 'date' | 'generic', equalityOnly: boolean, left?: Caster, right?: Caster): Comparison {
  return {
    ...(left ? { left } : {}),
    ...(right ? { right } : {}),
    equalityOnly,
    test: (op) => TESTS[kind][op],
  };
}

const time = (v: Value): number => (v as Date).getTime();

const TESTS: Readonly<Record<'primitive' | 'date' | 'generic', Readonly<Record<ComparisonOp, Test>>>> = {
  primitive: {
    '=': (a, b) => a === b,
    '<>': (a, b) => a !== b,
    '<': (a, b) => (a as number) < (b as number),
    '<=': (a, b) => (a as number) <= (b as number),
    '>': (a, b) => (a as number) > (b as number),
    '>=': (a, b) => (a as number) >= (b as number),
  },
  date: {
    '=': (a, b) => time(a) === time(b),
    '<>': (a, b) => time(a) !== time(b),
    '<': (a, b) => time(a) < time(b),
    '<=': (a, b) => time(a) <= time(b),
    '>': (a, b) => time(a) > time(b),
    '>=': (a, b) => time(a) >= time(b),
  },
  generic: {
    '=': (a, b) => valuesEqual(a, b),
    '<>': (a, b) => !valuesEqual(a, b),
    '<': (a, b) => compareValues(a, b) < 0,
    '<=': (a, b) => compareValues(a, b) <= 0,
    '>': (a, b) => compareValues(a, b) > 0,
    '>=': (a, b) => compareValues(a, b) >= 0,
  },
};

/** Orders two values of the prepared types (GREATEST, LEAST): negative, zero or positive. */
export function orderOf(c: Comparison): (a: Value, b: Value) => number {
  const lt = c.test('<');
  const gt = c.test('>');
  return (a, b) => {
    const x = c.left ? c.left(a) : a;
    const y = c.right ? c.right(b) : b;
    return lt(x, y) ? -1 : gt(x, y) ? 1 : 0;
  };
}
