import { describe, expect, test } from 'vitest';
import type { Diagnostic } from '../../src/errors/diagnostic.js';
import { compileExpr, formatType } from '../../src/expr/index.js';
import { ColumnRefNode, FunctionCallNode, IdentifierNode, StringLiteralNode } from '../../src/sql/index.js';
import { compileOk, firstProblem, row, run, rowError, scope } from './expr-helpers.js';

const RESPONSE = '{"risk":0.8,"reason":"alcohol","flags":["late",true],"n":1,"f":1.0,"big":1e3,"nested":{"a":{"b":[10,20]}},"nil":null}';

describe('JSON_VALUE', () => {
  test('the seed job: CAST(JSON_VALUE(response, $.risk) AS DOUBLE)', () => {
    const c = compileOk("CAST(JSON_VALUE(response, '$.risk') AS DOUBLE)");
    expect(formatType(c.type)).toBe('DOUBLE');
    expect(c.evaluate(row({ response: '{"risk":0.8,"reason":"alcohol"}' }))).toBe(0.8);
    expect(run("JSON_VALUE(response, '$.reason')", { response: '{"risk":0.8,"reason":"alcohol"}' })).toBe('alcohol');
  });

  test.each([
    ['$.risk', '0.8'], ['$.reason', 'alcohol'], ['$.n', '1'], ['$.f', '1.0'], ['$.big', '1000.0'], ['$.flags[0]', 'late'],
    ['$.flags[1]', 'true'], ["$['reason']", 'alcohol'], ['$["reason"]', 'alcohol'], ['$.nested.a.b[1]', '20'], ['$.flags[-1]', 'true'],
    ['lax $.risk', '0.8'], ['strict $.reason', 'alcohol'], ['LAX $.n', '1'],
    ['$.missing', null], ['$.nested.missing.deeper', null], ['$.flags[5]', null], ['$.nil', null],
    ['$.nested', null], ['$.flags', null], ['lax $.nested', null], ['$.reason.x', null],
  ])('%s -> %s', (path, expected) => {
    expect(run(`JSON_VALUE(response, '${path.replace(/'/g, "''")}')`, { response: RESPONSE })).toBe(expected);
  });

  test('invalid JSON and NULL input give NULL', () => {
    expect(run("JSON_VALUE(response, '$.risk')", { response: 'not json' })).toBe(null);
    expect(run("JSON_VALUE(response, '$.risk')", { response: '{"risk":0.8' })).toBe(null);
    expect(run("JSON_VALUE(response, 'lax $.risk')", { response: '' })).toBe(null);
    expect(run("JSON_VALUE(response, '$.risk')", { response: null })).toBe(null);
    expect(run("CAST(JSON_VALUE(response, '$.risk') AS DOUBLE)", { response: '{"reason":"x"}' })).toBe(null);
  });

  test('RETURNING converts the value', () => {
    expect(run("JSON_VALUE(response, '$.risk' RETURNING DOUBLE)", { response: RESPONSE })).toBe(0.8);
    expect(run("JSON_VALUE(response, '$.n' RETURNING INT)", { response: RESPONSE })).toBe(1);
    expect(run("JSON_VALUE(response, '$.flags[1]' RETURNING BOOLEAN)", { response: RESPONSE })).toBe(true);
    expect(run("JSON_VALUE(response, '$.reason' RETURNING INT)", { response: RESPONSE })).toBe(null);
    expect(formatType(compileOk("JSON_VALUE(response, '$.n' RETURNING BIGINT)").type)).toBe('BIGINT');
  });

  test('ON EMPTY and ON ERROR behaviours', () => {
    const values = { response: RESPONSE };
    expect(run("JSON_VALUE(response, 'lax $.missing' DEFAULT 'none' ON EMPTY)", values)).toBe('none');
    expect(run("JSON_VALUE(response, 'lax $.missing' RETURNING INT DEFAULT -1 ON EMPTY)", values)).toBe(-1);
    expect(run("JSON_VALUE(response, 'strict $.missing' DEFAULT 'x' ON EMPTY DEFAULT 'err' ON ERROR)", values)).toBe('err');
    expect(run("JSON_VALUE(response, '$.reason' RETURNING INT DEFAULT 0 ON ERROR)", values)).toBe(0);
    expect(run("JSON_VALUE(response, 'strict $.nested' DEFAULT 'obj' ON ERROR)", values)).toBe('obj');
    expect(rowError("JSON_VALUE(response, 'lax $.missing' ERROR ON EMPTY)", values)).toMatchObject({ code: 'PD4404' });
    expect(rowError("JSON_VALUE(response, '$.risk' ERROR ON ERROR)", { response: 'oops' })).toMatchObject({ code: 'PD4404' });
    expect(rowError("JSON_VALUE(response, '$.risk' ERROR ON ERROR)", { response: RESPONSE })).toBeUndefined();
  });

  test('the error message does not carry the JSON input', () => {
    const error = rowError("JSON_VALUE(response, '$.risk' ERROR ON ERROR)", { response: '{"api_key":"secret"' });
    expect(error?.message).not.toContain('secret');
  });

  test('a path computed per row', () => {
    expect(run('JSON_VALUE(response, s)', { response: RESPONSE, s: '$.reason' })).toBe('alcohol');
    expect(run('JSON_VALUE(response, s)', { response: RESPONSE, s: 'no dollar' })).toBe(null);
  });

  test('a bad constant path is a compile error PD2210', () => {
    expect(firstProblem("JSON_VALUE(response, 'risk')")).toMatchObject({ code: 'PD2210', line: 1, col: 22 });
    expect(firstProblem("JSON_VALUE(response, '$.a' RETURNING ARRAY<INT>)").code).toBe('PD2210');
    expect(firstProblem("JSON_VALUE(response, '$.a' EMPTY ARRAY ON EMPTY)").code).toBe('PD2210');
    expect(firstProblem("JSON_VALUE(n, '$.a')").code).toBe('PD2206');
  });
});

describe('JSON_QUERY', () => {
  test.each([
    ["'$.nested'", '{"a":{"b":[10,20]}}'], ["'$.flags'", '["late",true]'], ["'$.nested.a.b'", '[10,20]'], ["'$'", RESPONSE.replace('1e3', '1000.0')],
    ["'$.reason'", null], ["'lax $.missing'", null], ["'$.nested.a.b[*]'", '[10,20]'], ["'$.flags' WITH WRAPPER", '[["late",true]]'],
    ["'$.reason' WITH WRAPPER", '["alcohol"]'], ["'$.flags' WITH CONDITIONAL WRAPPER", '["late",true]'],
    ["'$.reason' WITH CONDITIONAL ARRAY WRAPPER", '["alcohol"]'], ["'lax $.missing' EMPTY ARRAY ON EMPTY", '[]'],
    ["'lax $.reason' EMPTY OBJECT ON EMPTY", '{}'], ["'strict $.reason' EMPTY ARRAY ON ERROR", '[]'],
  ])('JSON_QUERY(response, %s) = %s', (args, expected) => {
    expect(run(`JSON_QUERY(response, ${args})`, { response: RESPONSE })).toBe(expected);
  });

  test('invalid JSON gives NULL; ERROR ON ERROR fails the row', () => {
    expect(run("JSON_QUERY(response, '$.a')", { response: '[' })).toBe(null);
    expect(rowError("JSON_QUERY(response, '$.a' ERROR ON ERROR)", { response: '[' })).toMatchObject({ code: 'PD4404' });
  });
});

describe('JSON_VALUE and JSON_QUERY as plain function calls', () => {
  const span = { start: 0, end: 1, line: 1, col: 1 };
  const call = (name: string, path: string): FunctionCallNode =>
    FunctionCallNode.create({
      name,
      args: [ColumnRefNode.create({ parts: [IdentifierNode.create({ name: 'response', span })], span }), StringLiteralNode.create({ value: path, span })],
      niladic: false,
      span,
    });
  const evaluate = (node: FunctionCallNode): unknown => {
    const diagnostics: Diagnostic[] = [];
    const c = compileExpr(node, scope(), diagnostics);
    expect(diagnostics).toEqual([]);
    return c!.evaluate(row({ response: RESPONSE }));
  };

  test('use the default behaviours', () => {
    expect(evaluate(call('JSON_VALUE', '$.risk'))).toBe('0.8');
    expect(evaluate(call('JSON_VALUE', '$.missing'))).toBe(null);
    expect(evaluate(call('JSON_QUERY', '$.flags'))).toBe('["late",true]');
    expect(evaluate(call('JSON_QUERY', '$.reason'))).toBe(null);
  });
});

describe('JSON_EXISTS and JSON_STRING', () => {
  test.each([
    ['$.risk', true], ['$.missing', false], ['$.nil', false], ['lax $.nested.a', true], ['$.flags[1]', true], ['$.flags[9]', false],
  ])('JSON_EXISTS(response, %s) = %s', (path, expected) => {
    expect(run(`JSON_EXISTS(response, '${path}')`, { response: RESPONSE })).toBe(expected);
  });

  test('invalid JSON is FALSE, NULL is NULL', () => {
    expect(run("JSON_EXISTS(response, '$.a')", { response: 'nope' })).toBe(false);
    expect(run("JSON_EXISTS(response, '$.a')", { response: null })).toBe(null);
  });

  test('JSON_STRING serialises values', () => {
    expect(run("JSON_STRING('a\"b')")).toBe('"a\\"b"');
    expect(run('JSON_STRING(1.5)')).toBe('1.5');
    expect(run('JSON_STRING(tags)', { tags: ['x', null] })).toBe('["x",null]');
    expect(run('JSON_STRING(r)', { r: [1, ['c']] })).toBe('{"a":1,"inner":{"c":"c"}}');
    expect(run('JSON_STRING(n)')).toBe(null);
  });
});
