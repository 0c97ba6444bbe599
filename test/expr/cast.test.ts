import { describe, expect, test } from 'vitest';
import { canExplicitlyCast, canImplicitlyCast, castValue, formatType, RowError } from '../../src/expr/index.js';
import type { DataType } from '../../src/types/data-type.js';
import { compileOk, firstProblem, run, rowError } from './expr-helpers.js';

const ty = (kind: string, extra: Record<string, unknown> = {}): DataType => ({ kind, nullable: true, ...extra }) as DataType;
const STRING = ty('STRING');
const INT = ty('INT');

describe('CAST', () => {
  test.each([
    ["CAST(' 42 ' AS INT)", 42], ["CAST('-7' AS BIGINT)", -7], ["CAST('1.9' AS INT)", 1], ["CAST('0.8' AS DOUBLE)", 0.8],
    ["CAST('1e3' AS DOUBLE)", 1000], ["CAST('NaN' AS DOUBLE)", NaN], ["CAST('3.14159' AS DECIMAL(5, 2))", 3.14],
    ["CAST('true' AS BOOLEAN)", true], ["CAST(' NO ' AS BOOLEAN)", false], ["CAST('1' AS BOOLEAN)", true],
    ['CAST(3.7 AS INT)', 3], ['CAST(-3.7 AS INT)', -3], ['CAST(CAST(1e20 AS DOUBLE) AS INT)', 2147483647],
    ['CAST(300 AS TINYINT)', 44], ['CAST(2.5 AS DOUBLE)', 2.5], ['CAST(0.1 AS FLOAT)', Math.fround(0.1)],
    ['CAST(12345.678 AS DECIMAL(4, 1))', null], ['CAST(2.345 AS DECIMAL(3, 2))', 2.35],
    ['CAST(0 AS BOOLEAN)', false], ['CAST(2.5 AS BOOLEAN)', true], ['CAST(TRUE AS INT)', 1],
    ['CAST(42 AS STRING)', '42'], ['CAST(1.50 AS STRING)', '1.50'], ['CAST(CAST(0.8 AS DOUBLE) AS STRING)', '0.8'],
    ['CAST(CAST(1 AS DOUBLE) AS STRING)', '1.0'], ['CAST(1e10 AS STRING)', '1.0E10'], ['CAST(1e-5 AS STRING)', '1.0E-5'],
    ['CAST(CAST(0.1 AS FLOAT) AS STRING)', '0.1'], ['CAST(TRUE AS STRING)', 'TRUE'],
    ["CAST('abcdef' AS VARCHAR(3))", 'abc'], ["CAST('ab' AS CHAR(4))", 'ab  '], ["CAST('abcdef' AS CHAR(2))", 'ab'],
    ["CAST('abc' AS STRING)", 'abc'], ["CAST(DATE '2024-01-02' AS STRING)", '2024-01-02'],
    ["CAST(TIMESTAMP '2024-01-02 03:04:05' AS STRING)", '2024-01-02 03:04:05'],
    ["CAST(TIMESTAMP '2024-01-02 03:04:05.5' AS STRING)", '2024-01-02 03:04:05.5'],
    ["CAST(CAST('2024-01-02 03:04:05' AS TIMESTAMP(3)) AS STRING)", '2024-01-02 03:04:05.000'],
    ["CAST('2024-1-2' AS DATE)", '2024-01-02'], ["CAST('2024-01-02 10:00:00' AS DATE)", '2024-01-02'],
    ["CAST('10:11:12' AS TIME)", '10:11:12'], ["CAST(TIMESTAMP '2024-01-02 03:04:05' AS DATE)", '2024-01-02'],
    ["CAST(TIMESTAMP '2024-01-02 03:04:05' AS TIME)", '03:04:05'],
    ['CAST(ARRAY[1, 2] AS STRING)', '[1, 2]'], ["CAST(MAP['a', 1] AS STRING)", '{a=1}'], ["CAST(ROW(1, 'x') AS STRING)", '(1, x)'],
    ['CAST(NULL AS INT)', null],
  ])('%s = %s', (sql, expected) => {
    expect(run(sql)).toEqual(expected);
  });

  test('STRING to TIMESTAMP with yyyy-MM-dd HH:mm:ss[.fff]', () => {
    expect(run("CAST('2024-01-02 03:04:05' AS TIMESTAMP)")).toEqual(new Date('2024-01-02T03:04:05Z'));
    expect(run("CAST('2024-01-02 03:04:05.678' AS TIMESTAMP(3))")).toEqual(new Date('2024-01-02T03:04:05.678Z'));
    expect(run("CAST('2024-01-02T03:04:05.6' AS TIMESTAMP(3))")).toEqual(new Date('2024-01-02T03:04:05.600Z'));
    expect(run("CAST('2024-01-02' AS TIMESTAMP)")).toEqual(new Date('2024-01-02T00:00:00Z'));
    expect(run("CAST('2024-01-02 03:04:05.678' AS TIMESTAMP(0))")).toEqual(new Date('2024-01-02T03:04:05Z'));
    expect(run("CAST(DATE '2024-01-02' AS TIMESTAMP(3))")).toEqual(new Date('2024-01-02T00:00:00Z'));
    expect(run('CAST(60 AS TIMESTAMP_LTZ(3))')).toEqual(new Date(60_000));
  });

  test('ARRAY<FLOAT> casts element-wise, keeping NULL elements', () => {
    expect(run('CAST(emb AS ARRAY<DOUBLE>)', { emb: [1.5, null, 2] })).toEqual([1.5, null, 2]);
    expect(run('CAST(tags AS ARRAY<INT>)', { tags: ['1', null] })).toEqual([1, null]);
    expect(formatType(compileOk('CAST(emb AS ARRAY<DOUBLE>)').type)).toBe('ARRAY<DOUBLE>');
  });

  test('a bad value fails the row with PD4402 naming the value and the target type', () => {
    const error = rowError('CAST(s AS INT)', { s: 'abc' });
    expect(error).toMatchObject({ code: 'PD4402' });
    expect(error?.message).toContain("'abc'");
    expect(error?.message).toContain('INT');
    expect(rowError('CAST(s AS INT)', { s: '99999999999' })).toMatchObject({ code: 'PD4402' });
    expect(rowError('CAST(s AS BOOLEAN)', { s: 'maybe' })).toMatchObject({ code: 'PD4402' });
    expect(rowError('CAST(s AS DATE)', { s: '2024-02-30' })).toMatchObject({ code: 'PD4402' });
    expect(rowError('CAST(s AS TIMESTAMP)', { s: 'yesterday' })).toMatchObject({ code: 'PD4402' });
  });

  test('the offending value is cut short in the message', () => {
    const error = rowError('CAST(s AS INT)', { s: 'x'.repeat(500) });
    expect(error!.message.length).toBeLessThan(200);
  });

  test('TRY_CAST gives NULL instead of failing, and is nullable', () => {
    expect(run('TRY_CAST(s AS INT)', { s: 'abc' })).toBe(null);
    expect(run('TRY_CAST(s AS INT)', { s: '12' })).toBe(12);
    expect(run("TRY_CAST('2024-13-01' AS DATE)")).toBe(null);
    expect(formatType(compileOk("TRY_CAST('1' AS INT)").type)).toBe('INT');
    expect(formatType(compileOk("CAST('1' AS INT)").type)).toBe('INT NOT NULL');
    expect(rowError('TRY_CAST(1 / n AS STRING)', { n: 0 })).toMatchObject({ code: 'PD4401' });
  });

  test('an impossible CAST is a compile error PD2208', () => {
    expect(firstProblem('CAST(flag AS DATE)')).toMatchObject({ code: 'PD2208', line: 1, col: 1 });
    expect(firstProblem('CAST(tags AS INT)').code).toBe('PD2208');
    expect(firstProblem("CAST('[1]' AS ARRAY<INT>)").code).toBe('PD2208');
  });
});

describe('cast rules', () => {
  test.each([
    [ty('INT'), ty('BIGINT'), true], [ty('BIGINT'), ty('INT'), false], [ty('INT'), ty('DOUBLE'), true], [ty('DOUBLE'), ty('FLOAT'), false],
    [ty('TINYINT'), ty('DECIMAL', { precision: 10, scale: 0 }), true], [ty('DECIMAL', { precision: 10, scale: 2 }), ty('DOUBLE'), true],
    [ty('DOUBLE'), ty('DECIMAL', { precision: 10, scale: 2 }), false], [ty('CHAR', { length: 3 }), STRING, true],
    [STRING, ty('VARCHAR', { length: 10 }), true], [STRING, INT, false], [INT, STRING, false], [ty('NULL'), ty('DATE'), true],
    [ty('TIMESTAMP', { precision: 3 }), ty('TIMESTAMP_LTZ', { precision: 3 }), true], [ty('DATE'), ty('TIMESTAMP', { precision: 3 }), false],
    [ty('ARRAY', { element: ty('FLOAT') }), ty('ARRAY', { element: ty('DOUBLE') }), true],
    [ty('ARRAY', { element: ty('DOUBLE') }), ty('ARRAY', { element: ty('FLOAT') }), false],
    [ty('MAP', { key: STRING, value: INT }), ty('MAP', { key: STRING, value: ty('BIGINT') }), true],
    [ty('ROW', { fields: [{ name: 'a', type: INT }] }), ty('ROW', { fields: [{ name: 'x', type: ty('BIGINT') }] }), true],
    [ty('BOOLEAN'), INT, false], [{ kind: 'INT', nullable: true } as DataType, { kind: 'INT', nullable: false } as DataType, true],
  ])('implicit %j -> %j: %s', (from, to, expected) => {
    expect(canImplicitlyCast(from, to)).toBe(expected);
  });

  test.each([
    [STRING, INT, true], [INT, STRING, true], [ty('BOOLEAN'), INT, true], [INT, ty('BOOLEAN'), true], [STRING, ty('DATE'), true],
    [ty('DATE'), ty('TIMESTAMP', { precision: 3 }), true], [ty('DATE'), ty('TIME', { precision: 0 }), false], [ty('BOOLEAN'), ty('DATE'), false],
    [ty('ARRAY', { element: STRING }), ty('ARRAY', { element: INT }), true], [ty('ARRAY', { element: STRING }), INT, false],
    [STRING, ty('ARRAY', { element: STRING }), false], [ty('ARRAY', { element: INT }), STRING, true], [STRING, ty('BYTES'), true],
  ])('explicit %j -> %j: %s', (from, to, expected) => {
    expect(canExplicitlyCast(from, to)).toBe(expected);
  });

  test('castValue coerces single values as CAST does', () => {
    expect(castValue('42', STRING, INT)).toBe(42);
    expect(castValue(null, STRING, INT)).toBe(null);
    expect(castValue(3, INT, ty('DOUBLE'))).toBe(3);
    expect(castValue([1.5, 2], ty('ARRAY', { element: ty('FLOAT') }), ty('ARRAY', { element: ty('DOUBLE') }))).toEqual([1.5, 2]);
    expect(castValue('abcdef', STRING, ty('VARCHAR', { length: 4 }))).toBe('abcd');
    expect(() => castValue('x', STRING, INT)).toThrow(RowError);
    expect(() => castValue(true, ty('BOOLEAN'), ty('DATE'))).toThrow(/cannot CAST BOOLEAN to DATE/);
  });

  test('formatType prints types as Flink does', () => {
    expect(formatType(STRING)).toBe('STRING');
    expect(formatType(ty('VARCHAR', { length: 2147483647 }))).toBe('STRING');
    expect(formatType({ kind: 'VARCHAR', length: 20, nullable: false })).toBe('VARCHAR(20) NOT NULL');
    expect(formatType(ty('DECIMAL', { precision: 10, scale: 2 }))).toBe('DECIMAL(10, 2)');
    expect(formatType(ty('TIMESTAMP_LTZ', { precision: 3 }))).toBe('TIMESTAMP_LTZ(3)');
    expect(formatType(ty('MAP', { key: STRING, value: ty('ARRAY', { element: INT }) }))).toBe('MAP<STRING, ARRAY<INT>>');
    expect(formatType(ty('ROW', { fields: [{ name: 'a', type: INT }, { name: 'b c', type: STRING }] }))).toBe('ROW<`a` INT, `b c` STRING>');
  });
});
