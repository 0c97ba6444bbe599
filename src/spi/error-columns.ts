import { assertNever, type Column, type DataType, type Value } from '../types/data-type.js';

/**
 * Flink's error metadata columns (FLINK-38581): a model's OUTPUT may declare them next to its
 * physical outputs; they are NULL on success and describe the failure of a row that the error
 * strategy lets go. Providers never see them: the framework strips them before `checkSchema`.
 */
export const ERROR_COLUMNS = Object.freeze(['error-string', 'http-status-code', 'http-headers-map'] as const);

export type ErrorColumn = (typeof ERROR_COLUMNS)[number];

/** The declared type each error column must have, as Flink documents it. */
export const ERROR_COLUMN_TYPES: Readonly<Record<ErrorColumn, string>> = Object.freeze({
  'error-string': 'STRING',
  'http-status-code': 'INT',
  'http-headers-map': 'MAP<STRING, ARRAY<STRING>>',
});

export function errorColumnOf(name: string): ErrorColumn | undefined {
  return (ERROR_COLUMNS as readonly string[]).includes(name) ? (name as ErrorColumn) : undefined;
}

/** Whether `type` fits the error column (character types for the string and map parts; INT for the status). */
export function errorColumnTypeFits(column: ErrorColumn, type: DataType): boolean {
  const text = (t: DataType) => t.kind === 'STRING' || t.kind === 'VARCHAR' || t.kind === 'CHAR';
  switch (column) {
    case 'error-string':
      return text(type);
    case 'http-status-code':
      return type.kind === 'INT';
    case 'http-headers-map':
      return type.kind === 'MAP' && text(type.key) && type.value.kind === 'ARRAY' && text(type.value.element);
    default:
      return assertNever(column, 'error column');
  }
}

/** The outputs a provider sees: every declared output that is not an error column. */
export function physicalOutputs(outputs: readonly Column[]): Column[] {
  return outputs.filter((c) => errorColumnOf(c.name) === undefined);
}

/** What fills the error columns of a failed row. */
export interface RowErrorInfo {
  readonly message: string;
  readonly status: number | undefined;
  readonly headers: Readonly<Record<string, readonly string[]>> | undefined;
}

/**
 * The declared OUTPUT layout over a provider's physical row: physical values in order, error
 * columns NULL (success) or set from `error` (a row let go), the physical outputs then NULL.
 */
export function layoutOutputRow(outputs: readonly Column[], physical: readonly Value[] | undefined, error?: RowErrorInfo): Value[] {
  let next = 0;
  return outputs.map((c): Value => {
    const column = errorColumnOf(c.name);
    if (column === undefined) return physical ? (physical[next++] ?? null) : null;
    if (!error) return null;
    switch (column) {
      case 'error-string':
        return error.message;
      case 'http-status-code':
        return error.status ?? null;
      case 'http-headers-map':
        return error.headers ? new Map<Value, Value>(Object.entries(error.headers).map(([k, v]) => [k, [...v]])) : null;
      default:
        return assertNever(column, 'error column');
    }
  });
}
