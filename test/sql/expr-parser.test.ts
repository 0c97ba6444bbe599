import { describe, expect, it } from 'vitest';
import { DiagnosticsError } from '../../src/errors/diagnostic.js';
import { type Expr, parseExpression, printExpr, stripSpans } from '../../src/sql/index.js';

/** Fully parenthesised rendering, so a test states the tree it expects. */
function tree(expr: Expr): string {
  switch (expr.kind) {
    case 'BinaryNode':
      return `(${tree(expr.left)} ${expr.op} ${tree(expr.right)})`;
    case 'UnaryNode':
      return `(${expr.op === 'NOT' ? 'NOT ' : expr.op}${tree(expr.operand)})`;
    case 'IsNode':
      return `(${tree(expr.operand)} IS ${expr.not ? 'NOT ' : ''}${expr.test})`;
    case 'IsDistinctFromNode':
      return `(${tree(expr.left)} IS ${expr.not ? 'NOT ' : ''}DISTINCT FROM ${tree(expr.right)})`;
    case 'LikeNode':
      return `(${tree(expr.operand)} ${expr.not ? 'NOT ' : ''}LIKE ${tree(expr.pattern)})`;
    case 'BetweenNode':
      return `(${tree(expr.operand)} ${expr.not ? 'NOT ' : ''}BETWEEN ${tree(expr.low)} AND ${tree(expr.high)})`;
    case 'InListNode':
      return `(${tree(expr.operand)} ${expr.not ? 'NOT ' : ''}IN [${expr.list.map(tree).join(', ')}])`;
    case 'FieldAccessNode':
      return `(${tree(expr.target)}).${expr.field.name}`;
    case 'SubscriptNode':
      return `${tree(expr.target)}[${tree(expr.index)}]`;
    default:
      return printExpr(expr);
  }
}

const parsed = (source: string): string => tree(parseExpression(source));

describe('expression precedence (Calcite/Flink)', () => {
  it.each([
    ['1 + 2 * 3', '(1 + (2 * 3))'],
    ['1 * 2 + 3', '((1 * 2) + 3)'],
    ['1 - 2 - 3', '((1 - 2) - 3)'],
    ['8 / 4 / 2', '((8 / 4) / 2)'],
    ['a % b * c', '((a % b) * c)'],
    ["a || b + 1", '((a || b) + 1)'],
    ['-a * b', '((-a) * b)'],
    ['-a.b', '(-a.b)'],
    ['a + -b', '(a + (-b))'],
    ['a = b + 1', '(a = (b + 1))'],
    ['a < b = c', '((a < b) = c)'],
    ['a = 1 AND b = 2 OR c = 3', '(((a = 1) AND (b = 2)) OR (c = 3))'],
    ['a OR b AND c', '(a OR (b AND c))'],
    ['NOT a = b', '(NOT (a = b))'],
    ['NOT a AND b', '((NOT a) AND b)'],
    ['NOT a IS NULL', '(NOT (a IS NULL))'],
    ['a = b IS NULL', '((a = b) IS NULL)'],
    ['a IS NOT NULL AND b IS TRUE', '((a IS NOT NULL) AND (b IS TRUE))'],
    ["a LIKE 'x' AND b", "((a LIKE 'x') AND b)"],
    ['a IS DISTINCT FROM b AND c', '((a IS DISTINCT FROM b) AND c)'],
    ['a IS NOT DISTINCT FROM b + 1', '(a IS NOT DISTINCT FROM (b + 1))'],
    ['a IS DISTINCT FROM b = c', '((a IS DISTINCT FROM b) = c)'],
    ['a = b IS DISTINCT FROM c', '((a = b) IS DISTINCT FROM c)'],
    ['a IS DISTINCT FROM b IS NULL', '((a IS DISTINCT FROM b) IS NULL)'],
    ['NOT a IS NOT DISTINCT FROM NULL', '(NOT (a IS NOT DISTINCT FROM NULL))'],
    ["a = b LIKE c", '(a = (b LIKE c))'],
    ["a || b LIKE '%x'", "((a || b) LIKE '%x')"],
    ['a NOT IN (1, 2) OR b', '((a NOT IN [1, 2]) OR b)'],
    ['a BETWEEN 1 AND 2 AND b', '((a BETWEEN 1 AND 2) AND b)'],
    ['a NOT BETWEEN b + 1 AND c * 2', '(a NOT BETWEEN (b + 1) AND (c * 2))'],
    ['(a + b) * c', '((a + b) * c)'],
    ['arr[1 + 1].f', '(arr[(1 + 1)]).f'],
    ['(r).f.g', '((r).f).g'],
  ])('%s  =>  %s', (source, expected) => {
    expect(parsed(source)).toBe(expected);
  });

  it.each([
    '1 + 2 * 3',
    '(1 + 2) * 3',
    'a - (b - c)',
    '(a = b) = c',
    'a = (b = c)',
    'NOT (a AND b)',
    '(NOT a) = b',
    '-(a + b)',
    '- (-a)',
    '(a IS NULL) IS NULL',
    'a IS DISTINCT FROM (b = c)',
    '(a IS DISTINCT FROM b) = c',
    'a IS NOT DISTINCT FROM (b IS NULL)',
    '(a = b) IS DISTINCT FROM c',
    '(a LIKE b) = TRUE',
    '(a OR b) AND (c OR d)',
    "POSITION((a = b) IN c)",
    '(a.b).c',
    '(1).x',
  ])('printExpr keeps the tree of %s', (source) => {
    const expr = parseExpression(source);
    expect(stripSpans(parseExpression(printExpr(expr)))).toEqual(stripSpans(expr));
  });

  it('reads a.b.c as one column reference and (a).b as a field access', () => {
    expect(parseExpression('a.b.c')).toMatchObject({ kind: 'ColumnRefNode', parts: [{ name: 'a' }, { name: 'b' }, { name: 'c' }] });
    expect(parseExpression('(a).b')).toMatchObject({ kind: 'FieldAccessNode', field: { name: 'b' } });
  });

  it('normalises != to <>', () => {
    expect(parseExpression('a != b')).toMatchObject({ kind: 'BinaryNode', op: '<>' });
  });

  it('stores SUBSTRING ... FROM ... FOR and POSITION ... IN as plain calls', () => {
    expect(stripSpans(parseExpression('SUBSTRING(s FROM 2 FOR 3)'))).toEqual(stripSpans(parseExpression('SUBSTRING(s, 2, 3)')));
    expect(parseExpression("POSITION('x' IN s)")).toMatchObject({ kind: 'FunctionCallNode', name: 'POSITION' });
  });

  it('treats keyword-looking names as columns unless the keyword form follows', () => {
    expect(parseExpression('timestamp')).toMatchObject({ kind: 'ColumnRefNode' });
    expect(parseExpression("timestamp '2024-01-01 00:00:00'")).toMatchObject({ kind: 'TemporalLiteralNode', type: 'TIMESTAMP' });
    expect(parseExpression('map')).toMatchObject({ kind: 'ColumnRefNode' });
    expect(parseExpression("map['k', 'v']")).toMatchObject({ kind: 'MapConstructorNode' });
    expect(parseExpression('current_timestamp')).toMatchObject({ kind: 'FunctionCallNode', name: 'CURRENT_TIMESTAMP', niladic: true });
  });

  it('parses ML_PREDICT in a select list as the scalar form', () => {
    expect(parseExpression('ML_PREDICT(compliance_model, title)')).toMatchObject({
      kind: 'MlPredictNode',
      form: 'scalar',
      input: null,
      model: { parts: [{ name: 'compliance_model' }] },
      args: [{ kind: 'ColumnRefNode' }],
      config: null,
    });
  });

  it('records spans for nested nodes', () => {
    const expr = parseExpression('a +\n  f(b)');
    expect(expr.span).toEqual({ start: 0, end: 10, line: 1, col: 1 });
    expect(expr.kind === 'BinaryNode' && expr.right.span).toEqual({ start: 6, end: 10, line: 2, col: 3 });
  });

  it('throws a DiagnosticsError with a positioned message', () => {
    expect(() => parseExpression('a +')).toThrow(DiagnosticsError);
    expect(() => parseExpression('a + * b')).toThrow(/<expression>:1:5: expected an expression, found '\*' \[PD1003\]/);
  });
});
