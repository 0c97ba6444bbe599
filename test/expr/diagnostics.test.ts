import { describe, expect, test } from 'vitest';
import { compileExpr, formatType, isBoolean, Scope } from '../../src/expr/index.js';
import { EXPR_ERROR_CODES } from '../../src/errors/expr-error-codes.js';
import type { Diagnostic } from '../../src/errors/diagnostic.js';
import { ColumnRefNode, ExtractNode, IdentifierNode, IntervalLiteralNode, type MlPredictNode, parseExpression } from '../../src/sql/index.js';
import type { DataType } from '../../src/types/data-type.js';
import { compile, compileOk, firstProblem, row, scope } from './expr-helpers.js';

const INT: DataType = { kind: 'INT', nullable: true };
const STRING: DataType = { kind: 'STRING', nullable: true };

const problems = (sql: string): { code: string; line: number; col: number }[] =>
  compile(sql).diagnostics.map((d) => ({ code: d.code, line: d.span.line, col: d.span.col }));

describe('compile diagnostics', () => {
  test.each([
    ['amout + 1', 'PD2201', 1, 1, "unknown column 'amout'; did you mean 'amount'?"],
    ['1 + o.amout', 'PD2201', 1, 5, "did you mean 'o.amount'?"],
    ['zzz', 'PD2201', 1, 1, "unknown column 'zzz'"],
    ["UPPPER('a')", 'PD2204', 1, 1, "unknown function 'UPPPER'; did you mean 'UPPER'?"],
    ['FROBNICATE(1)', 'PD2204', 1, 1, "unknown function 'FROBNICATE'"],
    ["SUBSTRING('abc')", 'PD2205', 1, 1, 'SUBSTRING takes 2 to 3 arguments, got 1'],
    ["UPPER('a', 'b')", 'PD2205', 1, 1, 'UPPER takes 1 argument, got 2'],
    ['CONCAT()', 'PD2205', 1, 1, 'CONCAT takes at least 1 argument, got 0'],
    ['UPPER(n)', 'PD2206', 1, 1, 'argument 1 must be a character string, got INT'],
    ["n + 'a'", 'PD2206', 1, 1, "cannot apply '+' to INT and STRING NOT NULL"],
    ["name || 1", 'PD2206', 1, 1, "cannot apply '||' to INT NOT NULL"],
    ['flag AND n', 'PD2206', 1, 10, 'the right operand of AND must be BOOLEAN, got INT'],
    ['NOT n', 'PD2206', 1, 5, 'the operand of NOT must be BOOLEAN'],
    ['n IS TRUE', 'PD2206', 1, 1, 'must be BOOLEAN'],
    ['tags < tags', 'PD2206', 1, 1, 'only = and <> compare arrays'],
    ['flag = d', 'PD2206', 1, 1, 'cannot compare BOOLEAN with DATE'],
    ["CASE WHEN n THEN 1 END", 'PD2206', 1, 11, 'a CASE WHEN condition must be BOOLEAN'],
    ["CASE WHEN flag THEN 1 ELSE 'x' END", 'PD2207', 1, 1, 'CASE branches have no common type: INT NOT NULL, STRING NOT NULL'],
    ["COALESCE(n, 'x')", 'PD2207', 1, 1, 'COALESCE arguments have no common type'],
    ["n IN (1, 'a', flag)", 'PD2207', 1, 15, 'IN list value 3: cannot compare INT with BOOLEAN'],
    ['CAST(flag AS DATE)', 'PD2208', 1, 1, 'cannot CAST BOOLEAN to DATE'],
    ["DATE '2024-02-30'", 'PD2209', 1, 1, "invalid DATE literal '2024-02-30'"],
    ["EXTRACT(YEAR FROM tm)", 'PD2206', 1, 1, 'cannot EXTRACT YEAR from TIME(0)'],
    ["s LIKE 'a!' ESCAPE '!'", 'PD2210', 1, 20, 'invalid escape sequence'],
    ['r.zz', 'PD2203', 1, 3, "ROW has no field 'zz'"],
    ['n.x', 'PD2203', 1, 3, "cannot access field 'x': the value is not a ROW"],
    ['tags[s]', 'PD2206', 1, 6, 'an ARRAY index must be an integer'],
    ['n[1]', 'PD2206', 1, 1, 'cannot subscript INT'],
    ['ML_PREDICT(m, n)', 'PD2211', 1, 1, 'ML_PREDICT cannot be used here'],
    ["ts + 1", 'PD2206', 1, 1, "cannot apply '+' to TIMESTAMP(3) and INT"],
  ])('%s -> %s at %i:%i', (sql, code, line, col, message) => {
    const p = firstProblem(sql);
    expect(p).toMatchObject({ code, line, col });
    expect(p.message).toContain(message);
  });

  test('nodes the parser would already reject are still checked (AST built by factories)', () => {
    const span = { start: 4, end: 9, line: 2, col: 5 };
    const diagnostics: Diagnostic[] = [];
    compileExpr(IntervalLiteralNode.create({ value: 'x', unit: 'SECOND', toUnit: null, span }), scope(), diagnostics);
    const operand = ColumnRefNode.create({ parts: [IdentifierNode.create({ name: 'd', span })], span });
    compileExpr(ExtractNode.create({ unit: 'YEARS', operand, span }), scope(), diagnostics);
    expect(diagnostics.map((d) => [d.code, d.span.line, d.span.col, d.message])).toEqual([
      ['PD2209', 2, 5, "invalid interval literal 'x' for SECOND"],
      ['PD2210', 2, 5, "unknown EXTRACT unit 'YEARS'; did you mean 'YEAR'?"],
    ]);
  });

  test('line and column point into a multi-line expression', () => {
    expect(problems("CASE\n  WHEN flag THEN UPPER(n)\n  ELSE amout\nEND")).toEqual([
      { code: 'PD2206', line: 2, col: 18 },
      { code: 'PD2201', line: 3, col: 8 },
    ]);
  });

  test('all problems of an expression are reported, not just the first', () => {
    expect(problems('foo + bar(1) + UPPER(1, 2) + baz')).toEqual([
      { code: 'PD2201', line: 1, col: 1 },
      { code: 'PD2204', line: 1, col: 7 },
      { code: 'PD2205', line: 1, col: 16 },
      { code: 'PD2201', line: 1, col: 30 },
    ]);
    expect(problems('UNKNOWN_FN(bad_col)').map((p) => p.code)).toEqual(['PD2201', 'PD2204']);
  });

  test('a failed operand does not cascade into a second diagnostic', () => {
    expect(problems('CAST(nope AS INT) + 1 > 2 AND TRUE')).toEqual([{ code: 'PD2201', line: 1, col: 6 }]);
  });

  test('every code used is declared with a one-line meaning', () => {
    for (const [code, meaning] of Object.entries(EXPR_ERROR_CODES)) {
      expect(code).toMatch(/^PD(22|44)\d\d$/);
      expect(meaning).not.toContain('\n');
    }
  });

  test('isBoolean is what a WHERE clause checks', () => {
    expect(isBoolean(compileOk('n > 1').type)).toBe(true);
    expect(isBoolean(compileOk('NULL').type)).toBe(true);
    expect(isBoolean(compileOk('n + 1').type)).toBe(false);
  });
});

describe('scope', () => {
  const two = new Scope([
    { name: 'id', qualifiers: ['a'], type: INT, index: 0 },
    { name: 'name', qualifiers: ['a'], type: STRING, index: 1 },
    { name: 'id', qualifiers: ['b', 'db.b'], type: INT, index: 2 },
    { name: 'Score', qualifiers: ['b'], type: INT, index: 3 },
  ]);
  const check = (sql: string): { value?: unknown; diagnostics: Diagnostic[] } => {
    const diagnostics: Diagnostic[] = [];
    const c = compileExpr(parseExpression(sql), two, diagnostics);
    return { value: c?.evaluate([1, 'x', 2, 9]), diagnostics };
  };

  test('qualified and unqualified names, case-sensitive first', () => {
    expect(check('a.id').value).toBe(1);
    expect(check('b.id').value).toBe(2);
    expect(check('db.b.id').value).toBe(2);
    expect(check('name').value).toBe('x');
    expect(check('Score').value).toBe(9);
    expect(check('score').value).toBe(9);
    expect(check('SCORE + A.ID').value).toBe(10);
  });

  test('an ambiguous name names its candidates', () => {
    const { diagnostics } = check('id + 1');
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]).toMatchObject({ code: 'PD2202', span: { line: 1, col: 1 } });
    expect(diagnostics[0].message).toContain('a.id, b.id');
  });

  test('an unknown qualifier or column', () => {
    expect(check('c.id').diagnostics[0]).toMatchObject({ code: 'PD2201' });
    expect(check('a.nme').diagnostics[0].message).toContain("did you mean 'a.name'?");
  });

  test('resolvePredict stands a scalar ML_PREDICT in for a planner column', () => {
    const seen: MlPredictNode[] = [];
    const scope = (resolve: boolean): Scope =>
      Scope.of([{ name: 'text', type: STRING }, { name: 'EXPR$pred', type: { kind: 'ROW', fields: [{ name: 'label', type: STRING }], nullable: true } }], [], {
        resolvePredict: (node) => {
          seen.push(node);
          return resolve ? { index: 1, type: { kind: 'ROW', fields: [{ name: 'label', type: STRING }], nullable: true } } : undefined;
        },
      });
    const diagnostics: Diagnostic[] = [];
    const c = compileExpr(parseExpression('(ML_PREDICT(m, text)).label'), scope(true), diagnostics);
    expect(diagnostics).toEqual([]);
    expect(c?.evaluate(['hello', ['positive']])).toBe('positive');
    expect(formatType(c!.type)).toBe('STRING');
    expect(seen[0].form).toBe('scalar');
    compileExpr(parseExpression('ML_PREDICT(m, text)'), scope(false), diagnostics);
    expect(diagnostics.map((d) => d.code)).toEqual(['PD2211']);
  });

  test('a column reference is not constant; a constant expression is folded once', () => {
    expect(compileOk('n + 1').constant).toBe(false);
    const folded = compileOk("UPPER('a') || CAST(1 + 2 AS STRING)");
    expect(folded.constant).toBe(true);
    expect(folded.evaluate(row())).toBe('A3');
  });
});
