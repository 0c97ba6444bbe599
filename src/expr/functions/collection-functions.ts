import type { DataType, Value } from '../../types/data-type.js';
import { prepareComparison } from '../comparison.js';
import { RowError } from '../row-error.js';
import { T, withNullable } from '../types.js';
import { valuesEqual } from '../value-compare.js';
import { checkFamilies, fn, type FunctionDef, strict, typed } from './function-def.js';

const STRICT_NULLS = 'NULL if any argument is NULL';

function elementType(t: DataType): DataType {
  return t.kind === 'ARRAY' ? t.element : T.null();
}

export const COLLECTION_FUNCTIONS: Readonly<Record<string, FunctionDef>> = {
  CARDINALITY: fn({
    signature: 'CARDINALITY(c ARRAY | MAP) → INT',
    nulls: STRICT_NULLS,
    minArgs: 1,
    returns: typed(['COLLECTION'], T.int()),
    build: strict((c: readonly Value[] | ReadonlyMap<Value, Value>) => (Array.isArray(c) ? c.length : (c as ReadonlyMap<Value, Value>).size)),
  }),
  ELEMENT: fn({
    signature: 'ELEMENT(a ARRAY<T>) → T',
    nulls: `${STRICT_NULLS}; NULL for an empty array; fails the row (PD4403) when it has more than one element`,
    minArgs: 1,
    returns: (types) => checkFamilies(types, ['ARRAY']) ?? withNullable(elementType(types[0]), true),
    build: strict((a: readonly Value[]) => {
      if (a.length > 1) throw new RowError('PD4403', `ELEMENT needs an array of at most one element, got ${a.length} elements`);
      return a.length === 0 ? null : a[0];
    }),
  }),
  ARRAY_CONTAINS: fn({
    signature: 'ARRAY_CONTAINS(a ARRAY<T>, value T) → BOOLEAN',
    nulls: 'NULL if the array is NULL; a NULL value matches a NULL element',
    minArgs: 2,
    returns: (types) => {
      const problem = checkFamilies(types, ['ARRAY', 'ANY']);
      if (problem) return problem;
      const c = prepareComparison(elementType(types[0]), types[1]);
      return typeof c === 'string' ? c : T.boolean(types[0].nullable);
    },
    build: ([array, value]) => (row) => {
      const a = array.evaluate(row) as readonly Value[] | null;
      if (a === null) return null;
      const v = value.evaluate(row);
      return a.some((x) => valuesEqual(x, v));
    },
  }),
  MAP_KEYS: fn({
    signature: 'MAP_KEYS(m MAP<K, V>) → ARRAY<K>',
    nulls: STRICT_NULLS,
    minArgs: 1,
    returns: (types) => checkFamilies(types, ['MAP']) ?? (types[0].kind === 'MAP' ? T.array(types[0].key, types[0].nullable) : T.array(T.null())),
    build: strict((m: ReadonlyMap<Value, Value>) => [...m.keys()]),
  }),
  MAP_VALUES: fn({
    signature: 'MAP_VALUES(m MAP<K, V>) → ARRAY<V>',
    nulls: STRICT_NULLS,
    minArgs: 1,
    returns: (types) => checkFamilies(types, ['MAP']) ?? (types[0].kind === 'MAP' ? T.array(types[0].value, types[0].nullable) : T.array(T.null())),
    build: strict((m: ReadonlyMap<Value, Value>) => [...m.values()]),
  }),
};
