import type { DataType, Row, Value } from '../../types/data-type.js';
import type { Compiled } from '../compiled-expr.js';
import { formatType } from '../../types/format-type.js';
import {
  isBoolean, isCharacter, isCollection, isInteger, isNumeric, isTemporal, isTimestamp, withNullable,
} from '../types.js';

/**
 * A type rule's verdict: the result type, or why the arguments do not fit: a string is PD2206;
 * PD2207 is for arguments without a common type, PD2210 for a bad constant argument.
 */
export type TypeVerdict = DataType | string | { readonly code: 'PD2207' | 'PD2210'; readonly message: string };

/** One entry of the FUNCTIONS table: adding a function is adding one of these. */
export interface FunctionDef {
  /** As documented in docs/functions.md, e.g. `SUBSTRING(s STRING, start INT [, length INT]) → STRING`. */
  readonly signature: string;
  /** What NULL arguments do, for docs/functions.md. */
  readonly nulls: string;
  readonly minArgs: number;
  /** Infinity for variadic functions. */
  readonly maxArgs: number;
  /** False for functions evaluated per row even with constant arguments (NOW, RAND, UUID). */
  readonly deterministic?: false;
  /** The result type for these argument types (the compiled arguments are there to read constants). */
  readonly returns: (types: readonly DataType[], args: readonly Compiled[]) => TypeVerdict;
  /** The row function for one call site, built once at compile time. */
  readonly build: (args: readonly Compiled[], type: DataType) => (row: Row) => Value;
}

/** Argument families, as Flink's input type strategies name them. */
export type Family =
  | 'STRING' | 'INTEGER' | 'NUMERIC' | 'BOOLEAN' | 'DATE' | 'TIME' | 'TIMESTAMP' | 'DATETIME' | 'TEMPORAL'
  | 'ARRAY' | 'MAP' | 'COLLECTION' | 'BYTES' | 'STRING_OR_BYTES' | 'ANY';

const FAMILY: Readonly<Record<Family, { test: (t: DataType) => boolean; label: string }>> = {
  STRING: { test: isCharacter, label: 'a character string' },
  INTEGER: { test: isInteger, label: 'an integer' },
  NUMERIC: { test: isNumeric, label: 'a number' },
  BOOLEAN: { test: isBoolean, label: 'BOOLEAN' },
  DATE: { test: (t) => t.kind === 'DATE', label: 'a DATE' },
  TIME: { test: (t) => t.kind === 'TIME', label: 'a TIME' },
  TIMESTAMP: { test: isTimestamp, label: 'a TIMESTAMP' },
  DATETIME: { test: (t) => t.kind === 'DATE' || isTimestamp(t), label: 'a DATE or TIMESTAMP' },
  TEMPORAL: { test: isTemporal, label: 'a DATE, TIME or TIMESTAMP' },
  ARRAY: { test: (t) => t.kind === 'ARRAY', label: 'an ARRAY' },
  MAP: { test: (t) => t.kind === 'MAP', label: 'a MAP' },
  COLLECTION: { test: isCollection, label: 'an ARRAY or MAP' },
  BYTES: { test: (t) => t.kind === 'BYTES', label: 'BYTES' },
  STRING_OR_BYTES: { test: (t) => isCharacter(t) || t.kind === 'BYTES', label: 'a character string or BYTES' },
  ANY: { test: () => true, label: 'any value' },
};

/** Undefined when every argument fits its family (an untyped NULL fits all); else the message. */
export function checkFamilies(types: readonly DataType[], families: readonly Family[], rest?: Family): string | undefined {
  for (let i = 0; i < types.length; i++) {
    const family = families[i] ?? rest ?? 'ANY';
    if (types[i].kind !== 'NULL' && !FAMILY[family].test(types[i])) {
      return `argument ${i + 1} must be ${FAMILY[family].label}, got ${formatType(types[i])}`;
    }
  }
  return undefined;
}

/**
 * The usual rule: arguments of these families, a fixed result type that is nullable when any
 * argument is (`alwaysNullable` when the function itself can return NULL, e.g. on no match).
 */
export function typed(
  families: readonly Family[],
  result: DataType | ((types: readonly DataType[]) => DataType),
  options: { rest?: Family; alwaysNullable?: boolean } = {},
): FunctionDef['returns'] {
  return (types) => {
    const problem = checkFamilies(types, families, options.rest);
    if (problem) return problem;
    const type = typeof result === 'function' ? result(types) : result;
    return withNullable(type, options.alwaysNullable === true || types.some((t) => t.nullable));
  };
}

/** NULL if any argument is NULL, else `fn` of the values: Flink's default for scalar functions. */
export function strict(fn: (...values: any[]) => Value): FunctionDef['build'] {
  return (args) => {
    if (args.length === 0) return () => fn();
    if (args.length === 1) {
      const [a] = args;
      return (row) => {
        const x = a.evaluate(row);
        return x === null ? null : fn(x);
      };
    }
    if (args.length === 2) {
      const [a, b] = args;
      return (row) => {
        const x = a.evaluate(row);
        if (x === null) return null;
        const y = b.evaluate(row);
        return y === null ? null : fn(x, y);
      };
    }
    return (row) => {
      const values: Value[] = [];
      for (const arg of args) {
        const v = arg.evaluate(row);
        if (v === null) return null;
        values.push(v);
      }
      return fn(...values);
    };
  };
}

/** `fn` gets every value, NULLs included, and decides itself (CONCAT_WS, GREATEST). */
export function eager(fn: (values: Value[], types: readonly DataType[]) => Value): FunctionDef['build'] {
  return (args) => {
    const types = args.map((a) => a.type);
    return (row) => fn(args.map((a) => a.evaluate(row)), types);
  };
}

/** Reads the value of a constant argument at compile time, undefined when it is not constant. */
export function constantArg(arg: Compiled | undefined): Value | undefined {
  return arg?.constant ? arg.evaluate([]) : undefined;
}

/** Builds a FunctionDef with the common defaults: fixed arity from `minArgs` unless given. */
export function fn(def: Omit<FunctionDef, 'maxArgs'> & { maxArgs?: number }): FunctionDef {
  return Object.freeze({ ...def, maxArgs: def.maxArgs ?? def.minArgs });
}
