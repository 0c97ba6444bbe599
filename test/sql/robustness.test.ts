import { describe, expect, it } from 'vitest';
import { ParseError } from '../../src/sql/parser/parse-error.js';
import { parseScript, printScript, tokenize } from '../../src/sql/index.js';
import { loadSqlFixtures } from './fixtures.js';

/** Broken input must come back as diagnostics, never as an exception or a hang. */
describe('parseScript on damaged input', () => {
  describe.each(loadSqlFixtures('valid'))('$name', ({ source }) => {
    it('reports (never throws) when cut short or when a token is dropped', () => {
      const { tokens } = tokenize(source);
      const variants: string[] = [];
      for (let i = 0; i < source.length; i += 11) variants.push(source.slice(0, i));
      for (const t of tokens.filter((_, i) => i % 5 === 0)) variants.push(source.slice(0, t.span.start) + source.slice(t.span.end));
      for (const variant of variants) {
        const result = parseScript(variant, 'damaged.sql');
        for (const d of result.diagnostics) {
          expect(d.span.line).toBeGreaterThanOrEqual(1);
          expect(d.span.start).toBeLessThanOrEqual(variant.length);
        }
        expect(() => printScript(result.statements)).not.toThrow();
      }
    });
  });

  it('never leaks the internal ParseError', () => {
    expect(() => parseScript('SELECT (((( FROM', 'x.sql')).not.toThrow(ParseError);
  });
});
