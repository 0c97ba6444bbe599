import { describe, expect, test } from 'vitest';
import { formatType } from '../../src/expr/index.js';
import { compileOk, run, rowError } from './expr-helpers.js';

const typeOf = (sql: string): string => formatType(compileOk(sql).type);

describe('literals', () => {
  test.each([
    ['42', 'INT NOT NULL', 42], ['2147483647', 'INT NOT NULL', 2147483647], ['2147483648', 'BIGINT NOT NULL', 2147483648],
    ['99999999999999999999', 'DECIMAL(20, 0) NOT NULL', 1e20], ['1.50', 'DECIMAL(3, 2) NOT NULL', 1.5], ['0.5', 'DECIMAL(1, 1) NOT NULL', 0.5],
    ['1e3', 'DOUBLE NOT NULL', 1000], ['2.5E-3', 'DOUBLE NOT NULL', 0.0025], ["'abc'", 'STRING NOT NULL', 'abc'],
    ['TRUE', 'BOOLEAN NOT NULL', true], ['NULL', 'NULL', null], ["DATE '2024-02-29'", 'DATE NOT NULL', '2024-02-29'],
    ["TIME '12:34:56'", 'TIME(0) NOT NULL', '12:34:56'], ["TIME '12:34:56.5'", 'TIME(1) NOT NULL', '12:34:56.5'],
  ])('%s is %s', (sql, type, value) => {
    const c = compileOk(sql);
    expect(formatType(c.type)).toBe(type);
    expect(c.constant).toBe(true);
    expect(c.evaluate([])).toEqual(value);
  });

  test('TIMESTAMP literals carry the precision of their fraction', () => {
    expect(typeOf("TIMESTAMP '2024-01-31 12:00:00'")).toBe('TIMESTAMP(0) NOT NULL');
    expect(typeOf("TIMESTAMP '2024-01-31 12:00:00.123'")).toBe('TIMESTAMP(3) NOT NULL');
    expect(run("TIMESTAMP '2024-01-31 12:00:00.123'")).toEqual(new Date('2024-01-31T12:00:00.123Z'));
  });

  test.each([
    ["INTERVAL '5' SECOND", 5000], ["INTERVAL '1.5' SECOND", 1500], ["INTERVAL '2' MINUTE", 120_000], ["INTERVAL '-3' HOUR", -10_800_000],
    ["INTERVAL '1' DAY", 86_400_000], ["INTERVAL '1 02:00' DAY TO MINUTE", 93_600_000], ["INTERVAL '01:30' HOUR TO MINUTE", 5_400_000],
    ["INTERVAL '1:02:03.5' HOUR TO SECOND", 3_723_500], ["INTERVAL '2' MONTH", 2], ["INTERVAL '1-2' YEAR TO MONTH", 14],
  ])('%s is %s (milliseconds or months)', (sql, value) => {
    expect(run(sql)).toBe(value);
  });
});

describe('arithmetic', () => {
  test.each([
    ['1 + 2', 3, 'INT NOT NULL'], ['7 - 10', -3, 'INT NOT NULL'], ['6 * 7', 42, 'INT NOT NULL'],
    ['7 / 2', 3, 'INT NOT NULL'], ['-7 / 2', -3, 'INT NOT NULL'], ['7 % 3', 1, 'INT NOT NULL'], ['-7 % 3', -1, 'INT NOT NULL'],
    ['2147483647 + 1', -2147483648, 'INT NOT NULL'], ['2147483648 + 1', 2147483649, 'BIGINT NOT NULL'],
    ['0.1 + 0.2', 0.3, 'DECIMAL(2, 1) NOT NULL'], ['1.25 * 2', 2.5, 'DECIMAL(14, 2) NOT NULL'],
    ['7.0 / 2', 3.5, 'DECIMAL(13, 12) NOT NULL'], ['1 / 3.0', 0.333333, 'DECIMAL(17, 6) NOT NULL'],
    ['1e0 / 4', 0.25, 'DOUBLE NOT NULL'], ['1 + 1e0', 2, 'DOUBLE NOT NULL'], ['1e0 / 0', Infinity, 'DOUBLE NOT NULL'],
    ['5.5 % 2', 1.5, 'DECIMAL(2, 1) NOT NULL'], ['-(5)', -5, 'INT NOT NULL'], ['+5', 5, 'INT NOT NULL'],
    ["'a' || 'b'", 'ab', 'STRING NOT NULL'],
  ])('%s = %s (%s)', (sql, value, type) => {
    const c = compileOk(sql);
    expect(c.evaluate([])).toBe(value);
    expect(formatType(c.type)).toBe(type);
  });

  test('numeric promotion INT < BIGINT < DECIMAL < FLOAT < DOUBLE', () => {
    expect(typeOf('n + qty')).toBe('BIGINT');
    expect(typeOf('id + 1')).toBe('INT NOT NULL');
    expect(typeOf('n + price')).toBe('DECIMAL(13, 2)');
    expect(typeOf('price + amount')).toBe('DOUBLE');
    expect(typeOf('qty * CAST(1 AS FLOAT)')).toBe('FLOAT');
    expect(typeOf("name || 'x'")).toBe('STRING');
  });

  test('NULL propagates', () => {
    expect(run('n + 1', { n: null })).toBe(null);
    expect(run('n / 0', { n: null })).toBe(null);
    expect(run("s || 'x'", { s: null })).toBe(null);
    expect(run('-n', { n: null })).toBe(null);
  });

  test('exact division by zero fails the row with PD4401', () => {
    expect(rowError('n / 0', { n: 1 })).toMatchObject({ code: 'PD4401' });
    expect(rowError('n % 0', { n: 1 })).toMatchObject({ code: 'PD4401' });
    expect(rowError('price / 0', { price: 1 })).toMatchObject({ code: 'PD4401' });
    expect(rowError('n / 2', { n: 1 })).toBeUndefined();
  });

  test('a constant division by zero still compiles and fails per row', () => {
    const c = compileOk('1 / 0');
    expect(c.constant).toBe(true);
    expect(() => c.evaluate([])).toThrow(/division by zero/);
  });

  test('DECIMAL results are rounded to their scale', () => {
    expect(run('price * 3', { price: 0.1 })).toBe(0.3);
    expect(run('price - 0.01', { price: 0.3 })).toBe(0.29);
  });
});

describe('datetime arithmetic with intervals', () => {
  const ts = new Date('2024-01-31T10:00:00Z');
  test.each([
    ["ts - INTERVAL '5' SECOND", new Date('2024-01-31T09:59:55Z')],
    ["ts + INTERVAL '1' DAY", new Date('2024-02-01T10:00:00Z')],
    ["INTERVAL '2' HOUR + ts", new Date('2024-01-31T12:00:00Z')],
    ["ts + INTERVAL '1' MONTH", new Date('2024-02-29T10:00:00Z')],
    ["ts - INTERVAL '1-1' YEAR TO MONTH", new Date('2022-12-31T10:00:00Z')],
    ["ts + INTERVAL '1' SECOND * 3", new Date('2024-01-31T10:00:03Z')],
    ["ltz + INTERVAL '1' MINUTE", new Date('2024-01-31T10:01:00Z')],
  ])('%s', (sql, expected) => {
    expect(run(sql, { ts, ltz: ts })).toEqual(expected);
  });

  test('DATE and TIME', () => {
    expect(run("d + INTERVAL '1' DAY", { d: '2024-02-28' })).toBe('2024-02-29');
    expect(run("d - INTERVAL '1' MONTH", { d: '2024-03-31' })).toBe('2024-02-29');
    expect(run("TIME '23:30:00' + INTERVAL '45' MINUTE")).toBe('00:15:00');
    expect(formatType(compileOk("ts - INTERVAL '5' SECOND").type)).toBe('TIMESTAMP(3)');
  });
});
