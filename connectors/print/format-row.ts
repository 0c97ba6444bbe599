import type { DataType, Row, Value } from '../../src/spi/index.js';

/**
 * A row as Flink's print connector shows an insert: `+I[1, Her Story, [0.1, 0.25]]`. Types
 * matter for the text: a FLOAT prints as Java prints a float (the shortest digits that read
 * back to the same 32-bit value), not as the double JavaScript holds.
 */
export function formatRow(row: Row, types: readonly DataType[]): string {
  return `+I[${row.map((v, i) => formatValue(v, types[i])).join(', ')}]`;
}

export function formatValue(v: Value, type?: DataType): string {
  if (v === null) return 'null';
  if (v instanceof Date) return v.toISOString().replace('T', ' ').replace('Z', '');
  if (v instanceof Uint8Array) return `x'${Buffer.from(v).toString('hex')}'`;
  if (v instanceof Map) {
    const [kt, vt] = type?.kind === 'MAP' ? [type.key, type.value] : [];
    return `{${[...v].map(([k, val]) => `${formatValue(k, kt)}=${formatValue(val, vt)}`).join(', ')}}`;
  }
  if (Array.isArray(v)) {
    const element = type?.kind === 'ARRAY' ? type.element : undefined;
    return `[${v.map((x) => formatValue(x, element)).join(', ')}]`;
  }
  if (typeof v === 'number' && type?.kind === 'FLOAT') return formatFloat32(v);
  return String(v);
}

/** The shortest decimal that rounds to the same float32: 0.1f prints 0.1, not 0.10000000149011612. */
export function formatFloat32(v: number): string {
  const f = Math.fround(v);
  if (!Number.isFinite(f) || f === 0) return String(f);
  for (let p = 1; p <= 9; p++) {
    const text = f.toPrecision(p);
    if (Math.fround(Number(text)) === f) return String(Number(text));
  }
  return String(f);
}
