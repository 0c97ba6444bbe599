import { formatType } from '../types/format-type.js';
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
  return columns.map((c) => `${c.name} ${formatType(c.type)}`).join(', ');
}
