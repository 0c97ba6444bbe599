import { assertNever, type DataType } from '../types/data-type.js';

/**
 * Small type helpers shared by the compiler families: constructors, family predicates and
 * Flink's "least restrictive type" used by CASE, COALESCE, IN, ARRAY[...] and comparisons.
 */

export type DecimalType = Extract<DataType, { kind: 'DECIMAL' }>;
export type IntegerKind = 'TINYINT' | 'SMALLINT' | 'INT' | 'BIGINT';

export const MAX_DECIMAL_PRECISION = 38;
export const MAX_LENGTH = 2147483647;

export const T = {
  string: (nullable = true): DataType => ({ kind: 'STRING', nullable }),
  boolean: (nullable = true): DataType => ({ kind: 'BOOLEAN', nullable }),
  int: (nullable = true): DataType => ({ kind: 'INT', nullable }),
  bigint: (nullable = true): DataType => ({ kind: 'BIGINT', nullable }),
  double: (nullable = true): DataType => ({ kind: 'DOUBLE', nullable }),
  date: (nullable = true): DataType => ({ kind: 'DATE', nullable }),
  bytes: (nullable = true): DataType => ({ kind: 'BYTES', nullable }),
  null: (): DataType => ({ kind: 'NULL', nullable: true }),
  decimal: (precision: number, scale: number, nullable = true): DecimalType => ({ kind: 'DECIMAL', precision, scale, nullable }),
  time: (precision: number, nullable = true): DataType => ({ kind: 'TIME', precision, nullable }),
  timestamp: (precision: number, nullable = true): DataType => ({ kind: 'TIMESTAMP', precision, nullable }),
  timestampLtz: (precision: number, nullable = true): DataType => ({ kind: 'TIMESTAMP_LTZ', precision, nullable }),
  array: (element: DataType, nullable = true): DataType => ({ kind: 'ARRAY', element, nullable }),
  map: (key: DataType, value: DataType, nullable = true): DataType => ({ kind: 'MAP', key, value, nullable }),
} as const;

export function withNullable(type: DataType, nullable: boolean): DataType {
  return type.nullable === nullable ? type : { ...type, nullable };
}

export function anyNullable(types: readonly DataType[]): boolean {
  return types.some((t) => t.nullable);
}

export function isNullType(t: DataType): boolean {
  return t.kind === 'NULL';
}

/** The operand of WHERE, AND, OR, NOT, IF and CASE WHEN must be BOOLEAN (or an untyped NULL). */
export function isBoolean(t: DataType): boolean {
  return t.kind === 'BOOLEAN' || t.kind === 'NULL';
}

export function isCharacter(t: DataType): boolean {
  return t.kind === 'STRING' || t.kind === 'VARCHAR' || t.kind === 'CHAR';
}

export function isIntegerKind(kind: DataType['kind']): kind is IntegerKind {
  return kind === 'TINYINT' || kind === 'SMALLINT' || kind === 'INT' || kind === 'BIGINT';
}

export function isInteger(t: DataType): boolean {
  return isIntegerKind(t.kind);
}

export function isExactNumeric(t: DataType): boolean {
  return isIntegerKind(t.kind) || t.kind === 'DECIMAL';
}

export function isApproximate(t: DataType): boolean {
  return t.kind === 'FLOAT' || t.kind === 'DOUBLE';
}

export function isNumeric(t: DataType): boolean {
  return isExactNumeric(t) || isApproximate(t);
}

export function isTimestamp(t: DataType): boolean {
  return t.kind === 'TIMESTAMP' || t.kind === 'TIMESTAMP_LTZ';
}

export function isTemporal(t: DataType): boolean {
  return t.kind === 'DATE' || t.kind === 'TIME' || isTimestamp(t);
}

export function isCollection(t: DataType): boolean {
  return t.kind === 'ARRAY' || t.kind === 'MAP';
}

export function isConstructed(t: DataType): boolean {
  return t.kind === 'ARRAY' || t.kind === 'MAP' || t.kind === 'ROW';
}

/** Numeric promotion order: TINYINT < SMALLINT < INT < BIGINT < DECIMAL < FLOAT < DOUBLE. */
const NUMERIC_RANK: Readonly<Partial<Record<DataType['kind'], number>>> = {
  TINYINT: 1, SMALLINT: 2, INT: 3, BIGINT: 4, DECIMAL: 5, FLOAT: 6, DOUBLE: 7,
};

export function numericRank(t: DataType): number {
  return NUMERIC_RANK[t.kind] ?? 0;
}

/** Digits an integer type needs as a DECIMAL, as Flink converts it in mixed arithmetic. */
const INTEGER_DIGITS: Readonly<Record<IntegerKind, number>> = { TINYINT: 3, SMALLINT: 5, INT: 10, BIGINT: 19 };

/** An exact numeric type seen as DECIMAL(p, s). */
export function asDecimal(t: DataType): DecimalType {
  if (t.kind === 'DECIMAL') return t;
  if (isIntegerKind(t.kind)) return T.decimal(INTEGER_DIGITS[t.kind], 0, t.nullable);
  return T.decimal(MAX_DECIMAL_PRECISION, 18, t.nullable);
}

/** Flink's LogicalTypeMerging.adjustPrecisionScale: keep integer digits, give up scale down to 6. */
export function boundedDecimal(precision: number, scale: number, nullable: boolean): DecimalType {
  if (precision <= MAX_DECIMAL_PRECISION) return T.decimal(Math.max(precision, 1), scale, nullable);
  const integerDigits = precision - scale;
  const adjusted = Math.max(MAX_DECIMAL_PRECISION - integerDigits, Math.min(scale, 6));
  return T.decimal(MAX_DECIMAL_PRECISION, adjusted, nullable);
}

/** Type equality ignoring nullability at every level. */
export function sameType(a: DataType, b: DataType): boolean {
  if (a.kind !== b.kind) return false;
  switch (a.kind) {
    case 'VARCHAR':
    case 'CHAR':
      return a.length === (b as typeof a).length;
    case 'DECIMAL':
      return a.precision === (b as typeof a).precision && a.scale === (b as typeof a).scale;
    case 'TIME':
    case 'TIMESTAMP':
    case 'TIMESTAMP_LTZ':
      return a.precision === (b as typeof a).precision;
    case 'ARRAY':
      return sameType(a.element, (b as typeof a).element);
    case 'MAP':
      return sameType(a.key, (b as typeof a).key) && sameType(a.value, (b as typeof a).value);
    case 'ROW': {
      const fb = (b as typeof a).fields;
      return a.fields.length === fb.length && a.fields.every((f, i) => f.name === fb[i].name && sameType(f.type, fb[i].type));
    }
    case 'STRING':
    case 'BOOLEAN':
    case 'TINYINT':
    case 'SMALLINT':
    case 'INT':
    case 'BIGINT':
    case 'FLOAT':
    case 'DOUBLE':
    case 'DATE':
    case 'BYTES':
    case 'NULL':
      return true;
    default:
      return assertNever(a, 'data type');
  }
}

/**
 * The type all of `types` convert to without loss (Flink's LogicalTypeMerging.findCommonType),
 * or undefined when there is none. An untyped NULL joins anything and makes it nullable.
 */
export function leastRestrictive(types: readonly DataType[]): DataType | undefined {
  const nullable = types.some((t) => t.nullable);
  const typed = types.filter((t) => t.kind !== 'NULL');
  if (typed.length === 0) return T.null();
  let result: DataType | undefined = typed[0];
  for (let i = 1; i < typed.length && result; i++) result = commonOfTwo(result, typed[i]);
  return result && withNullable(result, nullable);
}

function commonOfTwo(a: DataType, b: DataType): DataType | undefined {
  const nullable = a.nullable || b.nullable;
  if (sameType(a, b)) return withNullable(a, nullable);
  if (isCharacter(a) && isCharacter(b)) {
    if (a.kind === 'STRING' || b.kind === 'STRING') return T.string(nullable);
    const length = Math.max((a as { length: number }).length, (b as { length: number }).length);
    return { kind: a.kind === 'CHAR' && b.kind === 'CHAR' ? 'CHAR' : 'VARCHAR', length, nullable };
  }
  if (isNumeric(a) && isNumeric(b)) return commonNumeric(a, b, nullable);
  if (isTemporal(a) && isTemporal(b)) return commonTemporal(a, b, nullable);
  if (a.kind === 'ARRAY' && b.kind === 'ARRAY') {
    const element = commonOfTwo(a.element, b.element);
    return element && T.array(element, nullable);
  }
  if (a.kind === 'MAP' && b.kind === 'MAP') {
    const key = commonOfTwo(a.key, b.key);
    const value = commonOfTwo(a.value, b.value);
    return key && value && T.map(key, value, nullable);
  }
  if (a.kind === 'ROW' && b.kind === 'ROW' && a.fields.length === b.fields.length) {
    const fields = [];
    for (let i = 0; i < a.fields.length; i++) {
      const type = commonOfTwo(a.fields[i].type, b.fields[i].type);
      if (!type) return undefined;
      fields.push({ name: a.fields[i].name, type });
    }
    return { kind: 'ROW', fields, nullable };
  }
  return undefined;
}

/** The result type of arithmetic and comparison between two numeric types. */
export function commonNumeric(a: DataType, b: DataType, nullable: boolean): DataType {
  const top = numericRank(a) >= numericRank(b) ? a : b;
  if (top.kind !== 'DECIMAL') return withNullable(top, nullable);
  const da = asDecimal(a);
  const db = asDecimal(b);
  const scale = Math.max(da.scale, db.scale);
  const integerDigits = Math.max(da.precision - da.scale, db.precision - db.scale);
  return boundedDecimal(integerDigits + scale, scale, nullable);
}

function commonTemporal(a: DataType, b: DataType, nullable: boolean): DataType | undefined {
  const precision = (t: DataType): number => ('precision' in t ? t.precision : 0);
  if (a.kind === b.kind) return { kind: a.kind, precision: Math.max(precision(a), precision(b)), nullable } as DataType;
  if (a.kind === 'TIME' || b.kind === 'TIME') return undefined;
  const kind = a.kind === 'TIMESTAMP_LTZ' || b.kind === 'TIMESTAMP_LTZ' ? 'TIMESTAMP_LTZ' : 'TIMESTAMP';
  return { kind, precision: Math.max(precision(a), precision(b)), nullable };
}
