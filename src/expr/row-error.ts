import { PredictdError } from '../errors/predictd-error.js';
import type { Value } from '../types/data-type.js';

export type RowErrorCode = 'PD4401' | 'PD4402' | 'PD4403' | 'PD4404';

/**
 * Thrown by `CompiledExpr.evaluate()` when one row cannot be evaluated (division by zero, a
 * CAST of a bad value, ...). The runtime decides what happens to the row; the compiled
 * expression stays usable for the next one.
 */
export class RowError extends PredictdError {
  declare readonly code: RowErrorCode;

  constructor(code: RowErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}

const MAX_PREVIEW = 60;

/**
 * A short rendering of an offending value for a RowError message. Values come from user data,
 * so they are cut short: enough to find the record, never a whole payload.
 */
export function previewValue(value: Value): string {
  let text: string;
  if (value === null) text = 'NULL';
  else if (typeof value === 'string') text = `'${value.replace(/'/g, "''")}'`;
  else if (value instanceof Date) text = Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
  else if (value instanceof Uint8Array) text = `x'${Buffer.from(value.subarray(0, 32)).toString('hex')}'`;
  else if (Array.isArray(value)) text = `[${value.slice(0, 8).map(previewValue).join(', ')}]`;
  else if (value instanceof Map) text = `MAP(${value.size} entries)`;
  else text = String(value);
  return text.length > MAX_PREVIEW ? `${text.slice(0, MAX_PREVIEW - 3)}...` : text;
}
