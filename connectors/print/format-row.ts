import type { Row, Value } from '../../src/spi/index.js';

/** A row as Flink's print connector shows an insert: `+I[1, Her Story, positive]`. */
export function formatRow(row: Row): string {
  return `+I[${row.map(formatValue).join(', ')}]`;
}

export function formatValue(v: Value): string {
  if (v === null) return 'null';
  if (v instanceof Date) return v.toISOString().replace('T', ' ').replace('Z', '');
  if (v instanceof Uint8Array) return `x'${Buffer.from(v).toString('hex')}'`;
  if (v instanceof Map) return `{${[...v].map(([k, val]) => `${formatValue(k)}=${formatValue(val)}`).join(', ')}}`;
  if (Array.isArray(v)) return `[${v.map(formatValue).join(', ')}]`;
  return String(v);
}
