import { describe, expect, it } from 'vitest';
import { formatFloat32, formatRow } from '../../../connectors/print/format-row.js';
import type { DataType } from '../../../src/spi/index.js';

const t = (kind: 'FLOAT' | 'DOUBLE' | 'BIGINT' | 'STRING'): DataType => ({ kind, nullable: true });

describe('print rows as Flink does', () => {
  it('prints FLOAT as the shortest decimal of the 32-bit value, DOUBLE as is', () => {
    expect(formatFloat32(Math.fround(0.1))).toBe('0.1');
    expect(formatFloat32(Math.fround(-0.794719398021698))).toBe('-0.7947194');
    expect(formatFloat32(1e-7)).toBe('1e-7');
    expect(formatFloat32(0)).toBe('0');
    const row = [1, 'a', [Math.fround(0.1), Math.fround(0.25)], 0.1 + 0.2, null];
    const types: DataType[] = [t('BIGINT'), t('STRING'), { kind: 'ARRAY', element: t('FLOAT'), nullable: true }, t('DOUBLE'), t('STRING')];
    expect(formatRow(row, types)).toBe('+I[1, a, [0.1, 0.25], 0.30000000000000004, null]');
  });
});
