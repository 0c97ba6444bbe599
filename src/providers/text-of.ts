import type { Value } from '../types/data-type.js';

/** A model input as the text sent: '' for NULL, other values as their string form. */
export function textOf(v: Value | undefined): string {
  if (v === null || v === undefined) return '';
  return typeof v === 'string' ? v : String(v);
}
