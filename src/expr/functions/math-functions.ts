import type { DataType, Value } from '../../types/data-type.js';
import { arithmeticFn, arithmeticType } from '../compile-arithmetic.js';
import type { Compiled } from '../compiled-expr.js';
import { wrapInteger } from '../integers.js';
import { fitDecimal, roundHalfUp } from '../number-text.js';
import { boundedDecimal, isIntegerKind, T, withNullable } from '../types.js';
import { checkFamilies, constantArg, fn, type FunctionDef, strict, typed } from './function-def.js';

const STRICT_NULLS = 'NULL if any argument is NULL';
const D = T.double();

/** A DOUBLE function of DOUBLE arguments (POWER, SQRT, LN, ...), with Java's NaN/Infinity results. */
function doubleFn(signature: string, arity: number, f: (...x: number[]) => number): FunctionDef {
  return fn({ signature, nulls: STRICT_NULLS, minArgs: arity, returns: typed(Array(arity).fill('NUMERIC'), D), build: strict(f) });
}

/** Same type as the argument (ABS, SIGN); FLOOR/CEIL of a DECIMAL(p, s) drop the scale. */
function sameNumeric(types: readonly DataType[], dropScale = false): DataType | string {
  const problem = checkFamilies(types, ['NUMERIC']);
  if (problem) return problem;
  const t = types[0].kind === 'NULL' ? T.double() : types[0];
  if (dropScale && t.kind === 'DECIMAL') return boundedDecimal(t.precision - t.scale + (t.scale > 0 ? 1 : 0), 0, t.nullable);
  return t;
}

/** Keeps a result inside its type: integers wrap, DECIMAL overflow is NULL. */
function integerSafe(type: DataType, f: (n: number) => number): (n: number) => number | null {
  const kind = type.kind;
  if (isIntegerKind(kind)) return (n) => wrapInteger(f(n), kind) || 0;
  if (kind === 'DECIMAL') return (n) => fitDecimal(f(n), type.precision, type.scale);
  return f;
}

/** ROUND(DECIMAL(p, s), r) is DECIMAL(1 + p - s + r, r) for 0 <= r < s, as Flink's findRoundDecimalType. */
function roundType(types: readonly DataType[], args: readonly Compiled[]): DataType | string {
  const problem = checkFamilies(types, ['NUMERIC', 'INTEGER']);
  if (problem) return problem;
  const t = types[0].kind === 'NULL' ? T.double() : types[0];
  const nullable = types.some((x) => x.nullable);
  if (t.kind !== 'DECIMAL') return withNullable(t, nullable);
  const r = args.length > 1 ? constantArg(args[1]) : 0;
  if (typeof r !== 'number') return withNullable(t, nullable);
  if (r >= t.scale) return withNullable(t, nullable);
  if (r < 0) return boundedDecimal(1 + t.precision - t.scale, 0, nullable);
  return boundedDecimal(1 + t.precision - t.scale + r, r, nullable);
}

export const MATH_FUNCTIONS: Readonly<Record<string, FunctionDef>> = {
  ABS: fn({
    signature: 'ABS(n NUMERIC) → same type',
    nulls: STRICT_NULLS,
    minArgs: 1,
    returns: (types) => sameNumeric(types),
    build: (args, type) => strict(integerSafe(type, Math.abs))(args, type),
  }),
  SIGN: fn({
    signature: 'SIGN(n NUMERIC) → same type',
    nulls: STRICT_NULLS,
    minArgs: 1,
    returns: (types) => sameNumeric(types),
    build: strict((n: number) => Math.sign(n) || 0),
  }),
  ROUND: fn({
    signature: 'ROUND(n NUMERIC [, digits INT]) → same type (DECIMAL: scale min(s, digits))',
    nulls: STRICT_NULLS,
    minArgs: 1,
    maxArgs: 2,
    returns: (types, args) => roundType(types, args),
    build: (args, type) => strict((n: number, d = 0) => integerSafe(type, (x) => roundHalfUp(x, d))(n))(args, type),
  }),
  TRUNCATE: fn({
    signature: 'TRUNCATE(n NUMERIC [, digits INT]) → same type',
    nulls: STRICT_NULLS,
    minArgs: 1,
    maxArgs: 2,
    returns: (types, args) => roundType(types, args),
    build: strict((n: number, d = 0) => {
      const f = 10 ** d;
      return Math.trunc(n * f) / f || 0;
    }),
  }),
  FLOOR: fn({
    signature: 'FLOOR(n NUMERIC) → same type (DECIMAL: scale 0)',
    nulls: STRICT_NULLS,
    minArgs: 1,
    returns: (types) => sameNumeric(types, true),
    build: strict((n: number) => Math.floor(n)),
  }),
  CEIL: fn({
    signature: 'CEIL(n NUMERIC) → same type (DECIMAL: scale 0)',
    nulls: STRICT_NULLS,
    minArgs: 1,
    returns: (types) => sameNumeric(types, true),
    build: strict((n: number) => Math.ceil(n) || 0),
  }),
  CEILING: fn({
    signature: 'CEILING(n NUMERIC) → same type (DECIMAL: scale 0)',
    nulls: STRICT_NULLS,
    minArgs: 1,
    returns: (types) => sameNumeric(types, true),
    build: strict((n: number) => Math.ceil(n) || 0),
  }),
  MOD: fn({
    signature: 'MOD(a NUMERIC, b NUMERIC) → as a % b',
    nulls: `${STRICT_NULLS}; fails the row (PD4401) when an exact b is 0`,
    minArgs: 2,
    returns: (types) => arithmeticType('%', types[0], types[1]) ?? 'both arguments must be numeric',
    build: (args, type) => strict(arithmeticFn('%', type))(args, type),
  }),
  POWER: doubleFn('POWER(base NUMERIC, exponent NUMERIC) → DOUBLE', 2, Math.pow),
  SQRT: doubleFn('SQRT(n NUMERIC) → DOUBLE', 1, Math.sqrt),
  LN: doubleFn('LN(n NUMERIC) → DOUBLE', 1, Math.log),
  LOG10: doubleFn('LOG10(n NUMERIC) → DOUBLE', 1, Math.log10),
  LOG2: doubleFn('LOG2(n NUMERIC) → DOUBLE', 1, Math.log2),
  LOG: fn({
    signature: 'LOG(n NUMERIC) / LOG(base NUMERIC, n NUMERIC) → DOUBLE',
    nulls: STRICT_NULLS,
    minArgs: 1,
    maxArgs: 2,
    returns: typed(['NUMERIC', 'NUMERIC'], D),
    build: strict((a: number, b?: number) => (b === undefined ? Math.log(a) : Math.log(b) / Math.log(a))),
  }),
  EXP: doubleFn('EXP(n NUMERIC) → DOUBLE', 1, Math.exp),
  PI: fn({ signature: 'PI() → DOUBLE', nulls: 'never NULL', minArgs: 0, returns: () => T.double(false), build: () => () => Math.PI }),
  RAND: fn({
    signature: 'RAND([seed INT]) → DOUBLE',
    nulls: 'never NULL (a NULL seed counts as no seed)',
    minArgs: 0,
    maxArgs: 1,
    deterministic: false,
    returns: typed(['INTEGER'], T.double(false)),
    build: (args) => randomSource(args[0]?.constant ? args[0].evaluate([]) : null),
  }),
  RAND_INTEGER: fn({
    signature: 'RAND_INTEGER([seed INT,] bound INT) → INT',
    nulls: STRICT_NULLS,
    minArgs: 1,
    maxArgs: 2,
    deterministic: false,
    returns: typed(['INTEGER', 'INTEGER'], T.int()),
    build: (args) => {
      const random = randomSource(args.length === 2 && args[0].constant ? args[0].evaluate([]) : null);
      const bound = args[args.length - 1];
      return (row) => {
        const b = bound.evaluate(row);
        return b === null ? null : Math.floor((random() as number) * (b as number));
      };
    },
  }),
};

/** Math.random, or a seeded generator (mulberry32) so RAND(seed) repeats its sequence. */
function randomSource(seed: Value): () => Value {
  if (typeof seed !== 'number') return Math.random;
  let state = seed | 0;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
