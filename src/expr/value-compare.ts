import type { Value } from '../types/data-type.js';

/**
 * Orders two non-null values of one comparable type: numbers, strings (code unit order),
 * booleans (FALSE < TRUE), Dates, DATE/TIME text, byte strings (unsigned) and arrays/rows
 * (element by element).
 */
export function compareValues(a: Value, b: Value): number {
  if (typeof a === 'number' && typeof b === 'number') return a < b ? -1 : a > b ? 1 : a === b ? 0 : compareNaN(a, b);
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'boolean' && typeof b === 'boolean') return a === b ? 0 : a ? 1 : -1;
  if (a instanceof Date && b instanceof Date) return Math.sign(a.getTime() - b.getTime());
  if (a instanceof Uint8Array && b instanceof Uint8Array) return compareBytes(a, b);
  if (Array.isArray(a) && Array.isArray(b)) return compareArrays(a, b);
  if (a instanceof Map && b instanceof Map) return mapsEqual(a, b) ? 0 : a.size - b.size || 1;
  return String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0;
}

/** Java's Double.compare puts NaN above everything, and equal to itself. */
function compareNaN(a: number, b: number): number {
  if (Number.isNaN(a)) return Number.isNaN(b) ? 0 : 1;
  return -1;
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}

function compareArrays(a: readonly Value[], b: readonly Value[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i];
    const y = b[i];
    if (x === null || y === null) {
      if (x !== y) return x === null ? -1 : 1;
      continue;
    }
    const c = compareValues(x, y);
    if (c !== 0) return c;
  }
  return a.length - b.length;
}

/** Deep equality, NULL equal to NULL (for collections, IN lists and map keys). */
export function valuesEqual(a: Value, b: Value): boolean {
  if (a === b) return true;
  if (a === null || b === null) return false;
  if (typeof a !== 'object' || typeof b !== 'object') return false;
  if (a instanceof Map && b instanceof Map) return mapsEqual(a, b);
  return compareValues(a, b) === 0;
}

function mapsEqual(a: ReadonlyMap<Value, Value>, b: ReadonlyMap<Value, Value>): boolean {
  if (a.size !== b.size) return false;
  for (const [k, v] of a) {
    const other = mapGet(b, k);
    if (other === undefined || !valuesEqual(v, other)) return false;
  }
  return true;
}

/** Map lookup that also finds keys that are equal but not identical (Dates, arrays, bytes). */
export function mapGet(map: ReadonlyMap<Value, Value>, key: Value): Value | undefined {
  const direct = map.get(key);
  if (direct !== undefined || key === null || typeof key !== 'object') return direct;
  for (const [k, v] of map) if (valuesEqual(k, key)) return v;
  return undefined;
}
