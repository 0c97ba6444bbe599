import { assertNever } from '../types/data-type.js';
import type { Column, DataType } from '../types/data-type.js';

export function isStringLike(type: DataType): boolean {
  return type.kind === 'STRING' || type.kind === 'VARCHAR' || type.kind === 'CHAR';
}

export function isFloatArray(type: DataType): boolean {
  return type.kind === 'ARRAY' && (type.element.kind === 'FLOAT' || type.element.kind === 'DOUBLE');
}

export function isFloatingPoint(type: DataType): boolean {
  return type.kind === 'FLOAT' || type.kind === 'DOUBLE';
}

/** 'text STRING' style rendering for error messages. */
export function describeColumns(columns: readonly Column[]): string {
  if (columns.length === 0) return 'no columns';
  return columns.map((c) => `${c.name} ${describeType(c.type)}`).join(', ');
}

export function describeType(type: DataType): string {
  switch (type.kind) {
    case 'VARCHAR':
    case 'CHAR':
      return `${type.kind}(${type.length})`;
    case 'ARRAY':
      return `ARRAY<${describeType(type.element)}>`;
    case 'MAP':
      return `MAP<${describeType(type.key)}, ${describeType(type.value)}>`;
    case 'ROW':
      return `ROW<${type.fields.map((f) => `${f.name} ${describeType(f.type)}`).join(', ')}>`;
    case 'DECIMAL':
      return `DECIMAL(${type.precision}, ${type.scale})`;
    case 'TIME':
    case 'TIMESTAMP':
    case 'TIMESTAMP_LTZ':
      return `${type.kind}(${type.precision})`;
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
      return type.kind;
    default:
      return assertNever(type, 'data type');
  }
}
