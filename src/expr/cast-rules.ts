import type { DataType } from '../types/data-type.js';
import type { DataTypeNode } from '../sql/ast/data-type-node.js';
import { isCharacter, isConstructed, isNumeric, isTemporal, numericRank } from './types.js';

/**
 * Flink's cast matrix (LogicalTypeCasts). Nullability is not part of the check: a nullable
 * value may go into a NOT NULL column, and the sink's not-null enforcer rejects the NULLs at
 * run time, as Flink's `table.exec.sink.not-null-enforcer` does.
 */

/**
 * Casts Flink inserts on its own: INSERT column matching and ML_PREDICT descriptor columns to
 * the model's INPUT types. Numeric widening (TINYINT < SMALLINT < INT < BIGINT < DECIMAL <
 * FLOAT < DOUBLE), CHAR/VARCHAR/STRING among themselves, TIMESTAMP <-> TIMESTAMP_LTZ, an
 * untyped NULL to anything, and ARRAY/MAP/ROW when their parts cast implicitly.
 */
export function canImplicitlyCast(from: DataType, to: DataType): boolean {
  if (from.kind === 'NULL') return true;
  if (isCharacter(from) && isCharacter(to)) return true;
  if (isNumeric(from) && isNumeric(to)) return numericRank(from) <= numericRank(to);
  if (from.kind === 'TIMESTAMP' || from.kind === 'TIMESTAMP_LTZ') return to.kind === 'TIMESTAMP' || to.kind === 'TIMESTAMP_LTZ';
  switch (to.kind) {
    case 'ARRAY':
      return from.kind === 'ARRAY' && canImplicitlyCast(from.element, to.element);
    case 'MAP':
      return from.kind === 'MAP' && canImplicitlyCast(from.key, to.key) && canImplicitlyCast(from.value, to.value);
    case 'ROW':
      return (
        from.kind === 'ROW' &&
        from.fields.length === to.fields.length &&
        from.fields.every((f, i) => canImplicitlyCast(f.type, to.fields[i].type))
      );
    default:
      return from.kind === to.kind;
  }
}

/**
 * What CAST and TRY_CAST accept: the implicit casts plus anything to a character string,
 * character strings to BOOLEAN, numbers, temporal types and BYTES, numbers to and from BOOLEAN,
 * numbers to and from TIMESTAMP_LTZ (epoch seconds), and between DATE, TIME and the timestamps.
 */
export function canExplicitlyCast(from: DataType, to: DataType): boolean {
  if (canImplicitlyCast(from, to)) return true;
  if (isCharacter(to)) return true;
  if (isCharacter(from)) return !isConstructed(to) && to.kind !== 'NULL';
  if (isNumeric(from)) return isNumeric(to) || to.kind === 'BOOLEAN' || to.kind === 'TIMESTAMP_LTZ';
  if (from.kind === 'BOOLEAN') return isNumeric(to);
  if (from.kind === 'TIMESTAMP_LTZ' && isNumeric(to)) return true;
  if (isTemporal(from) && isTemporal(to)) return !(from.kind === 'DATE' && to.kind === 'TIME') && !(from.kind === 'TIME' && to.kind === 'DATE');
  switch (to.kind) {
    case 'ARRAY':
      return from.kind === 'ARRAY' && canExplicitlyCast(from.element, to.element);
    case 'MAP':
      return from.kind === 'MAP' && canExplicitlyCast(from.key, to.key) && canExplicitlyCast(from.value, to.value);
    case 'ROW':
      return (
        from.kind === 'ROW' &&
        from.fields.length === to.fields.length &&
        from.fields.every((f, i) => canExplicitlyCast(f.type, to.fields[i].type))
      );
    default:
      return false;
  }
}

/** The logical type a DataTypeNode (a column or CAST type as written) stands for. */
export function typeFromNode(node: DataTypeNode): DataType {
  return node.type;
}
