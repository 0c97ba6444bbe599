import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../../src/errors/diagnostic.js';
import { isErrorCode } from '../../src/errors/error-codes.js';
import { parseScript } from '../../src/sql/index.js';
import { expectedErrors, loadSqlFixtures } from './fixtures.js';

const fixtures = loadSqlFixtures('invalid');

describe('invalid SQL fixtures', () => {
  it('has at least 45 cases, each with an expected error', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(45);
    for (const { name, source } of fixtures) expect(expectedErrors(source).length, name).toBeGreaterThan(0);
  });

  it('covers every PD1xxx code the parser raises', () => {
    const codes = new Set(fixtures.flatMap((f) => expectedErrors(f.source).map((e) => e.code)));
    for (const code of ['PD1001', 'PD1002', 'PD1003', 'PD1004', 'PD1005', 'PD1006', 'PD1007', 'PD1008', 'PD1009', 'PD1010', 'PD1011']) {
      expect(codes.has(code), code).toBe(true);
    }
  });

  describe.each(fixtures)('$name', ({ name, source }) => {
    const result = parseScript(source, name);
    const expected = expectedErrors(source);

    it('reports exactly the expected errors, with code, line and col', () => {
      const actual = result.diagnostics.map((d) => ({ code: d.code, line: d.span.line, col: d.span.col }));
      expect(actual).toEqual(expected);
    });

    it('formats each error as file:line:col: message plus the source line and a caret', () => {
      const lines = source.split('\n');
      for (const d of result.diagnostics) {
        expect(isErrorCode(d.code)).toBe(true);
        const text = formatDiagnostic(name, source, d);
        const [head, excerpt, caret] = text.split('\n');
        expect(head.startsWith(`${name}:${d.span.line}:${d.span.col}: `)).toBe(true);
        expect(head.endsWith(`[${d.code}]`)).toBe(true);
        expect(excerpt).toBe(`  ${lines[d.span.line - 1]}`);
        expect(caret).toMatch(/^ *\^+$/);
        expect(caret.indexOf('^')).toBe(d.span.col + 1);
        if (d.code === 'PD1005') expect(d.message).toMatch(/ is not supported by predictd yet$/);
      }
    });
  });
});
