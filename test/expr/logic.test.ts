import { describe, expect, test } from 'vitest';
import { compileOk, firstProblem, row, run } from './expr-helpers.js';

const B = [true, false, null] as const;

describe('three-valued logic', () => {
  const and = (a: boolean | null, b: boolean | null): boolean | null => (a === false || b === false ? false : a === null || b === null ? null : true);
  const or = (a: boolean | null, b: boolean | null): boolean | null => (a === true || b === true ? true : a === null || b === null ? null : false);
  for (const a of B) {
    for (const b of B) {
      test(`${a} AND ${b} = ${and(a, b)}; ${a} OR ${b} = ${or(a, b)}`, () => {
        expect(run('flag AND other', { flag: a, other: b })).toBe(and(a, b));
        expect(run('flag OR other', { flag: a, other: b })).toBe(or(a, b));
      });
    }
    test(`NOT ${a}`, () => {
      expect(run('NOT flag', { flag: a })).toBe(a === null ? null : !a);
    });
  }

  test('AND does not evaluate the right side after FALSE (a failing operand is skipped)', () => {
    expect(run('flag AND 1 / n > 0', { flag: false, n: 0 })).toBe(false);
    expect(run('flag OR 1 / n > 0', { flag: true, n: 0 })).toBe(true);
  });

  test.each([
    ['flag IS NULL', null, true], ['flag IS NULL', false, false], ['flag IS NOT NULL', null, false],
    ['flag IS TRUE', true, true], ['flag IS TRUE', null, false], ['flag IS NOT TRUE', null, true], ['flag IS NOT TRUE', false, true],
    ['flag IS FALSE', false, true], ['flag IS FALSE', null, false], ['flag IS NOT FALSE', null, true],
    ['flag IS UNKNOWN', null, true], ['flag IS UNKNOWN', true, false], ['flag IS NOT UNKNOWN', false, true],
  ])('%s with flag = %s is %s', (sql, flag, expected) => {
    expect(run(sql, { flag })).toBe(expected);
  });
});

describe('comparisons', () => {
  test.each([
    ['1 = 1', true], ['1 <> 1', false], ['1 < 2', true], ['2 <= 2', true], ['3 > 2.5', true], ['1 >= 1.5', false],
    ["'a' < 'b'", true], ["'abc' = 'abc'", true], ['TRUE > FALSE', true], ["DATE '2024-01-02' > DATE '2024-01-01'", true],
    ["TIMESTAMP '2024-01-01 00:00:00' = TIMESTAMP '2024-01-01 00:00:00.000'", true],
    ["DATE '2024-01-01' = TIMESTAMP '2024-01-01 00:00:00'", true],
    ["TIME '10:00:00' < TIME '09:59:59'", false],
    ['1 = NULL', null], ['NULL <> NULL', null], ['ARRAY[1, 2] = ARRAY[1, 2]', true], ['ARRAY[1, 2] <> ARRAY[2, 1]', true],
    ["MAP['a', 1] = MAP['a', 1]", true], ["ROW(1, 'a') = ROW(1, 'a')", true],
  ])('%s is %s', (sql, expected) => {
    expect(run(sql)).toBe(expected);
  });

  test('a string compared with a number or timestamp is cast to that type', () => {
    expect(run("id = '5'", { id: 5 })).toBe(true);
    expect(run("ts >= '2024-01-01 00:00:00'", { ts: new Date('2024-06-01T00:00:00Z') })).toBe(true);
    expect(run('n > 1', { n: null })).toBe(null);
  });

  test('DOUBLE NaN is not equal to itself (Java primitive comparison)', () => {
    expect(run('amount = amount', { amount: NaN })).toBe(false);
  });
});

describe('IS [NOT] DISTINCT FROM (null-safe comparison)', () => {
  test.each([
    ['n IS DISTINCT FROM qty', 1, 1, false], ['n IS DISTINCT FROM qty', 1, 2, true],
    ['n IS DISTINCT FROM qty', null, 2, true], ['n IS DISTINCT FROM qty', 1, null, true], ['n IS DISTINCT FROM qty', null, null, false],
    ['n IS NOT DISTINCT FROM qty', null, null, true], ['n IS NOT DISTINCT FROM qty', 3, 3, true], ['n IS NOT DISTINCT FROM qty', null, 3, false],
  ])('%s with n = %s, qty = %s is %s', (sql, n, qty, expected) => {
    expect(run(sql, { n, qty })).toBe(expected);
  });

  test('is never NULL, and its result type is BOOLEAN NOT NULL', () => {
    const compiled = compileOk('n IS DISTINCT FROM NULL');
    expect(compiled.type).toEqual({ kind: 'BOOLEAN', nullable: false });
    expect(compiled.evaluate(row({ n: null }))).toBe(false);
  });

  test('values compare with the implicit casts of =', () => {
    expect(run("id IS NOT DISTINCT FROM '5'", { id: 5 })).toBe(true);
    expect(run("DATE '2024-01-01' IS DISTINCT FROM TIMESTAMP '2024-01-01 00:00:00'")).toBe(false);
    expect(run('ARRAY[1, NULL] IS NOT DISTINCT FROM ARRAY[1, NULL]')).toBe(true);
    expect(run("s IS DISTINCT FROM name", { s: 'a', name: 'b' })).toBe(true);
  });

  test('incomparable types are a positioned error', () => {
    expect(firstProblem('flag IS DISTINCT FROM d')).toMatchObject({ code: 'PD2206', line: 1, col: 1 });
  });
});

describe('IN and BETWEEN', () => {
  test.each([
    ['1 IN (1, 2)', true], ['3 IN (1, 2)', false], ['1 IN (2, NULL)', null], ['1 IN (1, NULL)', true],
    ['1 NOT IN (2, 3)', true], ['1 NOT IN (2, NULL)', null], ['1 NOT IN (1, NULL)', false], ['NULL IN (1)', null],
    ["'b' IN ('a', 'b')", true], ['2 IN (1.5, 2.0)', true],
    ['5 BETWEEN 1 AND 10', true], ['0 BETWEEN 1 AND 10', false], ['5 BETWEEN 10 AND 1', false], ['5 NOT BETWEEN 1 AND 4', true],
    ['5 BETWEEN NULL AND 10', null], ['0 BETWEEN NULL AND -1', false], ['0 NOT BETWEEN NULL AND -1', true],
    ["'m' BETWEEN 'a' AND 'z'", true],
  ])('%s is %s', (sql, expected) => {
    expect(run(sql)).toBe(expected);
  });

  test('IN over a column', () => {
    expect(run("name IN ('x', 'y')", { name: 'y' })).toBe(true);
    expect(run("name IN ('x', 'y')", { name: null })).toBe(null);
    expect(run('n IN (1, qty)', { n: 3, qty: 3 })).toBe(true);
  });
});

describe('LIKE', () => {
  test.each([
    ['abc', 'abc', true], ['abc', 'ab', false], ['abc', 'a%', true], ['abc', '%c', true], ['abc', '%b%', true],
    ['abc', 'a_c', true], ['abc', 'a_', false], ['abc', '%', true], ['', '%', true], ['', '', true], ['a', '', false],
    ['abc', 'A%', false], ['a.c', 'a.c', true], ['abc', 'a.c', false], ['a\nb', 'a%b', true], ['x(y)', 'x(%)', true],
    ['100%', '100%', true], ['ab', '_%_', true], ['a', '_%_', false], ['tést', 't_st', true],
  ])("'%s' LIKE '%s' is %s", (text, pattern, expected) => {
    expect(run(`s LIKE '${pattern}'`, { s: text })).toBe(expected);
    expect(run(`s NOT LIKE '${pattern}'`, { s: text })).toBe(!expected);
  });

  test.each([
    ['100%', '100!%', true], ['1000', '100!%', false], ['a_b', 'a!_b', true], ['axb', 'a!_b', false], ['a!b', 'a!!b', true],
  ])("'%s' LIKE '%s' ESCAPE '!' is %s", (text, pattern, expected) => {
    expect(run(`s LIKE '${pattern}' ESCAPE '!'`, { s: text })).toBe(expected);
  });

  test('NULL operand or pattern gives NULL', () => {
    expect(run("s LIKE 'a%'", { s: null })).toBe(null);
    expect(run('s LIKE name', { s: 'a', name: null })).toBe(null);
    expect(run('s LIKE name', { s: 'abc', name: 'a%' })).toBe(true);
  });
});

describe('CASE', () => {
  test.each([
    [1, 'one'], [5, 'big'], [0, null], [null, null],
  ])('searched CASE with n = %s gives %s', (n, expected) => {
    expect(run("CASE WHEN n > 1 THEN 'big' WHEN n = 1 THEN 'one' END", { n })).toBe(expected);
  });

  test.each([
    [1, 'a'], [2, 'b'], [null, 'other'],
  ])('simple CASE with n = %s gives %s', (n, expected) => {
    expect(run("CASE n WHEN 1 THEN 'a' WHEN 2 THEN 'b' ELSE 'other' END", { n })).toBe(expected);
  });

  test('a NULL condition is not TRUE; only the chosen branch is evaluated', () => {
    expect(run("CASE WHEN flag THEN 'yes' ELSE 'no' END", { flag: null })).toBe('no');
    expect(run('CASE WHEN n = 0 THEN 0 ELSE 10 / n END', { n: 0 })).toBe(0);
  });

  test('branches are converted to the common type', () => {
    const ts = run("CASE WHEN flag THEN d ELSE ts END", { flag: true, d: '2024-01-02' });
    expect(ts).toEqual(new Date('2024-01-02T00:00:00Z'));
  });
});
