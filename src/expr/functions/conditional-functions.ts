import type { DataType, Row, Value } from '../../types/data-type.js';
import { coerce, commonType } from '../coerce.js';
import type { Compiled } from '../compiled-expr.js';
import { type Comparison, orderOf, prepareComparison } from '../comparison.js';
import { formatType } from '../../types/format-type.js';
import { isBoolean, withNullable } from '../types.js';
import { fn, type FunctionDef, type TypeVerdict } from './function-def.js';

/** The common type of some arguments, with the nullability the caller decides. */
function common(types: readonly DataType[], what: string, nullable: boolean): TypeVerdict {
  const t = commonType(types, what);
  return typeof t === 'string' ? { code: 'PD2207', message: t } : withNullable(t, nullable);
}

function comparable(types: readonly DataType[]): string | undefined {
  for (let i = 1; i < types.length; i++) {
    const c = prepareComparison(types[0], types[i]);
    if (typeof c === 'string') return c;
    if (c.equalityOnly) return `cannot order ${formatType(types[0])}`;
  }
  return undefined;
}

/** `returns` has already rejected incomparable types, so this cannot fail for a compiled call. */
function checked(c: Comparison | string): Comparison {
  if (typeof c === 'string') throw new Error(`internal: ${c}`);
  return c;
}

/** GREATEST / LEAST: NULL if any argument is NULL, as in Flink. */
function extreme(name: 'GREATEST' | 'LEAST'): FunctionDef {
  return fn({
    signature: `${name}(a, b, ...) → common type`,
    nulls: 'NULL if any argument is NULL',
    minArgs: 1,
    maxArgs: Infinity,
    returns: (types) => comparable(types) ?? common(types, `${name} arguments`, types.some((t) => t.nullable)),
    build: (args, type) => {
      const items = args.map((a) => coerce(a, type));
      const order = orderOf(checked(prepareComparison(type, type)));
      const sign = name === 'GREATEST' ? 1 : -1;
      return (row: Row): Value => {
        let best: Value = null;
        for (let i = 0; i < items.length; i++) {
          const v = items[i].evaluate(row);
          if (v === null) return null;
          if (i === 0 || order(v, best) * sign > 0) best = v;
        }
        return best;
      };
    },
  });
}

/** Evaluates the arguments lazily in order: the first non-NULL wins. */
function firstNonNull(args: readonly Compiled[], type: DataType): (row: Row) => Value {
  const items = args.map((a) => coerce(a, type));
  return (row) => {
    for (const item of items) {
      const v = item.evaluate(row);
      if (v !== null) return v;
    }
    return null;
  };
}

export const CONDITIONAL_FUNCTIONS: Readonly<Record<string, FunctionDef>> = {
  COALESCE: fn({
    signature: 'COALESCE(a, b, ...) → common type',
    nulls: 'the first non-NULL argument; NULL only if all are NULL (later arguments are not evaluated)',
    minArgs: 1,
    maxArgs: Infinity,
    returns: (types) => common(types, 'COALESCE arguments', types.every((t) => t.nullable)),
    build: firstNonNull,
  }),
  IFNULL: fn({
    signature: 'IFNULL(a, b) → common type',
    nulls: 'a unless a is NULL, then b',
    minArgs: 2,
    returns: (types) => common(types, 'IFNULL arguments', types.every((t) => t.nullable)),
    build: firstNonNull,
  }),
  NULLIF: fn({
    signature: 'NULLIF(a, b) → type of a',
    nulls: 'NULL when a = b, else a',
    minArgs: 2,
    returns: (types) => {
      const c = prepareComparison(types[0], types[1]);
      return typeof c === 'string' ? c : withNullable(types[0], true);
    },
    build: ([a, b]) => {
      const c = checked(prepareComparison(a.type, b.type));
      const eq = c.test('=');
      return (row) => {
        const x = a.evaluate(row);
        if (x === null) return null;
        const y = b.evaluate(row);
        if (y === null) return x;
        return eq(c.left ? c.left(x) : x, c.right ? c.right(y) : y) ? null : x;
      };
    },
  }),
  IF: fn({
    signature: 'IF(condition BOOLEAN, then, else) → common type',
    nulls: 'else when the condition is FALSE or NULL; only the chosen branch is evaluated',
    minArgs: 3,
    returns: (types) => {
      if (!isBoolean(types[0])) return `argument 1 must be BOOLEAN, got ${formatType(types[0])}`;
      return common(types.slice(1), 'IF branches', types[1].nullable || types[2].nullable);
    },
    build: ([condition, then, otherwise], type) => {
      const a = coerce(then, type);
      const b = coerce(otherwise, type);
      return (row) => (condition.evaluate(row) === true ? a.evaluate(row) : b.evaluate(row));
    },
  }),
  GREATEST: extreme('GREATEST'),
  LEAST: extreme('LEAST'),
};
