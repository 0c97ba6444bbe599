import { describe, expect, it } from 'vitest';
import { tokenize } from '../../src/sql/index.js';

function kinds(source: string): string[] {
  return tokenize(source).tokens.map((t) => `${t.kind}:${t.value}`);
}

describe('tokenize', () => {
  it('gives 1-based line/col and 0-based offsets', () => {
    const { tokens, diagnostics } = tokenize("SELECT a,\n  'x' FROM t");
    expect(diagnostics).toEqual([]);
    const [select, a, comma, x, from] = tokens;
    expect(select.span).toEqual({ start: 0, end: 6, line: 1, col: 1 });
    expect(a.span).toEqual({ start: 7, end: 8, line: 1, col: 8 });
    expect(comma.span).toEqual({ start: 8, end: 9, line: 1, col: 9 });
    expect(x.span).toEqual({ start: 12, end: 15, line: 2, col: 3 });
    expect(from.span).toMatchObject({ line: 2, col: 7 });
  });

  it('ends with an eof token placed right after the last token', () => {
    const { tokens } = tokenize('SELECT 1  \n\n-- done\n');
    const eof = tokens[tokens.length - 1];
    expect(eof.kind).toBe('eof');
    expect(eof.span).toEqual({ start: 8, end: 8, line: 1, col: 9 });
  });

  it('skips -- and /* */ comments', () => {
    expect(kinds('a -- one\n/* two\n three */ b')).toEqual(['ident:a', 'ident:b', 'eof:']);
    expect(tokenize('/* x */ b').tokens[0].span).toMatchObject({ line: 1, col: 9 });
    expect(tokenize('/* x\n y */ b').tokens[0].span).toMatchObject({ line: 2, col: 7 });
  });

  it("resolves '' in strings and `` in quoted identifiers", () => {
    const { tokens } = tokenize("'it''s' `a``b` '' ``");
    expect(tokens.slice(0, 2).map((t) => [t.kind, t.value, t.text])).toEqual([
      ['string', "it's", "'it''s'"],
      ['quoted_ident', 'a`b', '`a``b`'],
    ]);
    expect(tokens[2].value).toBe('');
  });

  it('keeps newlines and non-ASCII text inside strings', () => {
    const { tokens } = tokenize("'第一行\nline 2' x");
    expect(tokens[0].value).toBe('第一行\nline 2');
    expect(tokens[1].span).toMatchObject({ line: 2, col: 9 });
  });

  it('reads integers, decimals and exponents', () => {
    expect(kinds('1 10.5 .5 3. 2E10 1.5e-3 7e+2')).toEqual([
      'number:1', 'number:10.5', 'number:.5', 'number:3.', 'number:2E10', 'number:1.5e-3', 'number:7e+2', 'eof:',
    ]);
  });

  it('treats .5 after a name as a dot then a number', () => {
    expect(kinds('t.5')).toEqual(['ident:t', 'symbol:.', 'number:5', 'eof:']);
  });

  it('reads two-character operators before one-character ones', () => {
    expect(kinds('=> <> != <= >= || = < > + - * / % ( ) [ ] , ; .').filter((k) => k !== 'eof:')).toEqual(
      ['=>', '<>', '!=', '<=', '>=', '||', '=', '<', '>', '+', '-', '*', '/', '%', '(', ')', '[', ']', ',', ';', '.'].map(
        (s) => `symbol:${s}`,
      ),
    );
  });

  it('recognises keywords in any case but keeps the text', () => {
    const [a, b, c] = tokenize('select Select sElEcT').tokens;
    expect([a.keyword, b.keyword, c.keyword]).toEqual(['SELECT', 'SELECT', 'SELECT']);
    expect([a.text, b.text, c.text]).toEqual(['select', 'Select', 'sElEcT']);
    expect(tokenize('`select`').tokens[0].keyword).toBe('');
  });

  it('reads identifiers with $, digits and non-ASCII letters', () => {
    expect(kinds('m$2 col_1 電影')).toEqual(['ident:m$2', 'ident:col_1', 'ident:電影', 'eof:']);
  });

  it('reports an unterminated string at its start (PD1002) and stops there', () => {
    const { tokens, diagnostics } = tokenize("SELECT\n  'abc");
    expect(diagnostics).toMatchObject([{ code: 'PD1002', span: { line: 2, col: 3 } }]);
    expect(tokens.map((t) => t.kind)).toEqual(['ident', 'invalid', 'eof']);
  });

  it('reports unterminated comments and quoted identifiers (PD1002)', () => {
    expect(tokenize('a /* b').diagnostics).toMatchObject([{ code: 'PD1002', span: { col: 3 } }]);
    expect(tokenize('a `b').diagnostics).toMatchObject([{ code: 'PD1002', span: { col: 3 } }]);
  });

  it('reports bad characters (PD1001) and keeps going', () => {
    const { tokens, diagnostics } = tokenize('a # b ? c');
    expect(diagnostics.map((d) => [d.code, d.span.col])).toEqual([
      ['PD1001', 3],
      ['PD1001', 7],
    ]);
    expect(tokens.map((t) => t.kind)).toEqual(['ident', 'invalid', 'ident', 'invalid', 'ident', 'eof']);
  });

  it('reports double-quoted text as one bad token', () => {
    const { tokens, diagnostics } = tokenize('"a b" c');
    expect(diagnostics).toHaveLength(1);
    expect(tokens.map((t) => t.kind)).toEqual(['invalid', 'ident', 'eof']);
  });

  it('reports numbers running into letters (PD1006)', () => {
    expect(tokenize('12abc').diagnostics).toMatchObject([{ code: 'PD1006', span: { start: 0, end: 5 } }]);
    expect(tokenize('1e').diagnostics).toMatchObject([{ code: 'PD1006' }]);
  });
});

describe('tokenize comments', () => {
  it('keeps each comment aside with its text and span, line comments without the line break', () => {
    const { tokens, comments } = tokenize("a -- one\r\n/* two\n three */ b '-- no'");
    expect(tokens.map((t) => t.kind)).toEqual(['ident', 'ident', 'string', 'eof']);
    expect(comments).toEqual([
      { kind: 'line', text: '-- one', span: { start: 2, end: 8, line: 1, col: 3 } },
      { kind: 'block', text: '/* two\n three */', span: { start: 10, end: 26, line: 2, col: 1 } },
    ]);
  });

  it('reports an unterminated block comment instead of keeping it', () => {
    const { comments, diagnostics } = tokenize('a /* open');
    expect(comments).toEqual([]);
    expect(diagnostics.map((d) => d.code)).toEqual(['PD1002']);
  });
});
