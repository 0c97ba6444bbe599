import { describe, expect, test } from 'vitest';
import { FUNCTIONS, formatType } from '../../src/expr/index.js';
import type { Value } from '../../src/types/data-type.js';
import { compileOk, run, rowError } from './expr-helpers.js';

type Case = readonly [sql: string, expected: Value, values?: Record<string, Value>];

const STRING_CASES: readonly Case[] = [
  ["CONCAT('a', 'b', 'c')", 'abc'], ["CONCAT('a', s)", null], ["CONCAT_WS('-', 'a', s, 'b')", 'a-b'], ["CONCAT_WS(s, 'a', 'b')", null],
  ["UPPER('abc')", 'ABC'], ['UPPER(s)', null], ["LOWER('AbC')", 'abc'], ["INITCAP('hello wORLD-foo 2x')", 'Hello World-Foo 2x'],
  ["TRIM('  a  ')", 'a'], ["TRIM(LEADING 'x' FROM 'xxaxx')", 'axx'], ["TRIM(TRAILING 'x' FROM 'xxaxx')", 'xxa'],
  ["TRIM(BOTH 'xy' FROM 'xyaxy')", 'a'], ['TRIM(s)', null], ["LTRIM('  a ')", 'a '], ["RTRIM(' a  ')", ' a'], ["LTRIM('xxa', 'x')", 'a'],
  ["SUBSTRING('hello', 2)", 'ello'], ["SUBSTRING('hello', 2, 3)", 'ell'], ["SUBSTRING('hello' FROM 0 FOR 2)", 'he'],
  ["SUBSTRING('hello', -3)", 'llo'], ["SUBSTRING('hello', 10)", ''], ["SUBSTRING('hello', 1, -1)", null], ['SUBSTRING(s, 1)', null],
  ["SUBSTR('héllo', 2, 2)", 'él'], ["CHAR_LENGTH('héllo')", 5], ["CHARACTER_LENGTH('😀a')", 2], ['CHAR_LENGTH(s)', null],
  ["REPLACE('a-b-c', '-', '+')", 'a+b+c'], ["REPLACE('abc', s, 'x')", null],
  ["REGEXP_REPLACE('a1b22', '[0-9]+', '#')", 'a#b#'], ["REGEXP_REPLACE('John Smith', '(\\w+) (\\w+)', '$2, $1')", 'Smith, John'],
  ["REGEXP_REPLACE('abc', '(', 'x')", null], ["REGEXP_EXTRACT('foo=bar', '(\\w+)=(\\w+)', 2)", 'bar'],
  ["REGEXP_EXTRACT('foo=bar', '(\\w+)=(\\w+)')", 'foo=bar'], ["REGEXP_EXTRACT('foo', 'x(y)', 1)", null], ["REGEXP_EXTRACT('foo', '(f)', 3)", null],
  ["REGEXP('abc', '^a.c$')", true], ["REGEXP('ABC', '(?i)^a')", true],
  ["SPLIT_INDEX('a,b,c', ',', 1)", 'b'], ["SPLIT_INDEX('a,b,c', ',', 3)", null], ["SPLIT_INDEX('a||b', '||', 1)", 'b'], ["SPLIT_INDEX('a,,c', ',', 1)", ''],
  ["POSITION('b' IN 'abc')", 2], ["POSITION('z' IN 'abc')", 0], ["POSITION('' IN 'abc')", 1], ["LOCATE('a', 'banana', 3)", 4], ["LOCATE('a', 'banana')", 2],
  ["LPAD('hi', 5, 'ab')", 'abahi'], ["LPAD('hello', 2, '?')", 'he'], ["LPAD('hi', -1, '?')", null], ["RPAD('hi', 5, 'ab')", 'hiaba'], ["RPAD('hi', 4, '')", null],
  ["REPEAT('ab', 3)", 'ababab'], ["REPEAT('ab', 0)", ''], ["REVERSE('abc')", 'cba'], ["LEFT('hello', 2)", 'he'], ["RIGHT('hello', 2)", 'lo'],
  ["LEFT('hello', -1)", ''], ["ASCII('A')", 65], ["ASCII('')", 0], ['CHR(65)', 'A'],
];

const MATH_CASES: readonly Case[] = [
  ['ABS(-5)', 5], ['ABS(-2.5)', 2.5], ['ABS(n)', null], ['SIGN(-3)', -1], ['ROUND(2.675, 2)', 2.68], ['ROUND(2.5)', 3], ['ROUND(-2.5)', -3],
  ['ROUND(1234, -2)', 1200], ['ROUND(CAST(0.125 AS DOUBLE), 2)', 0.13], ['TRUNCATE(2.679, 2)', 2.67], ['FLOOR(-1.5)', -2], ['FLOOR(7)', 7],
  ['CEIL(1.2)', 2], ['CEILING(-1.2)', -1], ['MOD(7, 3)', 1], ['MOD(-7, 3)', -1], ['MOD(7, -3)', 1], ['MOD(n, 3)', null],
  ['POWER(2, 10)', 1024], ['SQRT(16)', 4], ['SQRT(-1)', NaN], ['LN(1)', 0], ['LOG10(1000)', 3], ['LOG2(8)', 3], ['LOG(2, 8)', 3],
  ['EXP(0)', 1], ['PI()', Math.PI],
];

const CONDITIONAL_CASES: readonly Case[] = [
  ['COALESCE(n, 5)', 5], ['COALESCE(n, qty, 7)', 3, { qty: 3 }], ['COALESCE(n, n)', null], ['IFNULL(n, 2)', 2], ['IFNULL(1, 2)', 1],
  ['NULLIF(1, 1)', null], ['NULLIF(1, 2)', 1], ['NULLIF(n, 1)', null], ["IF(flag, 'y', 'n')", 'y', { flag: true }],
  ["IF(flag, 'y', 'n')", 'n', { flag: null }], ['GREATEST(1, 2.5, 3)', 3], ["GREATEST('a', 'c', 'b')", 'c'], ['GREATEST(1, n)', null],
  ['LEAST(3, 1, 2)', 1], ['LEAST(1, NULL)', null],
];

const TEMPORAL_CASES: readonly Case[] = [
  ["DATE_FORMAT(TIMESTAMP '2024-03-04 05:06:07.089', 'yyyy/MM/dd HH:mm:ss.SSS')", '2024/03/04 05:06:07.089'],
  ["DATE_FORMAT('2024-03-04 05:06:07', 'yy-M-d h a')", '24-3-4 5 AM'], ["DATE_FORMAT(ts, 'EEE, MMM d')", 'Mon, Mar 4', { ts: new Date('2024-03-04T00:00:00Z') }],
  ["DATE_FORMAT('garbage', 'yyyy')", null], ["DATE_FORMAT(ts, 'yyyy')", null],
  ["TO_TIMESTAMP('2024-03-04 05:06:07')", new Date('2024-03-04T05:06:07Z')], ["TO_TIMESTAMP('04/03/2024 05:06', 'dd/MM/yyyy HH:mm')", new Date('2024-03-04T05:06:00Z')],
  ["TO_TIMESTAMP('nope')", null], ["TO_DATE('2024-03-04')", '2024-03-04'], ["TO_DATE('20240304', 'yyyyMMdd')", '2024-03-04'], ["TO_DATE('x')", null],
  ["UNIX_TIMESTAMP('1970-01-01 00:01:00')", 60], ["UNIX_TIMESTAMP('1970/01/02', 'yyyy/MM/dd')", 86400], ["UNIX_TIMESTAMP('bad')", -(2 ** 63)],
  ['FROM_UNIXTIME(60)', '1970-01-01 00:01:00'], ["FROM_UNIXTIME(86400, 'yyyy-MM-dd')", '1970-01-02'], ['TO_TIMESTAMP_LTZ(1000)', new Date(1000)],
  ['TO_TIMESTAMP_LTZ(2, 0)', new Date(2000)],
  ["EXTRACT(YEAR FROM DATE '2024-03-04')", 2024], ["EXTRACT(MONTH FROM TIMESTAMP '2024-03-04 05:06:07')", 3], ["EXTRACT(DAY FROM d)", 31, { d: '2024-01-31' }],
  ["EXTRACT(HOUR FROM TIME '05:06:07')", 5], ["EXTRACT(DOW FROM DATE '2024-03-03')", 1], ["EXTRACT(DOY FROM DATE '2024-12-31')", 366],
  ["EXTRACT(WEEK FROM DATE '2024-01-01')", 1], ["EXTRACT(QUARTER FROM DATE '2024-08-01')", 3], ["EXTRACT(EPOCH FROM TIMESTAMP '1970-01-01 00:01:00')", 60],
  ["EXTRACT(MILLISECOND FROM TIMESTAMP '2024-01-01 00:00:01.5')", 1500], ['EXTRACT(YEAR FROM ts)', null],
  ["YEAR(DATE '2024-03-04')", 2024], ["QUARTER(DATE '2024-03-04')", 1], ["MONTH(DATE '2024-03-04')", 3], ["WEEK(DATE '2024-03-04')", 10],
  ["DAYOFYEAR(DATE '2024-02-01')", 32], ["DAYOFMONTH(DATE '2024-03-04')", 4], ["DAYOFWEEK(DATE '2024-03-04')", 2],
  ["HOUR(TIMESTAMP '2024-03-04 05:06:07')", 5], ["MINUTE(TIMESTAMP '2024-03-04 05:06:07')", 6], ["SECOND(TIME '05:06:07')", 7],
];

const COLLECTION_CASES: readonly Case[] = [
  ['CARDINALITY(tags)', 2, { tags: ['a', 'b'] }], ['CARDINALITY(attrs)', 1, { attrs: new Map([['k', 1]]) }], ['CARDINALITY(tags)', null],
  ['ELEMENT(ARRAY[7])', 7], ['ELEMENT(tags)', null, { tags: [] }], ["ARRAY_CONTAINS(tags, 'b')", true, { tags: ['a', 'b'] }],
  ["ARRAY_CONTAINS(tags, 'z')", false, { tags: ['a'] }], ['MAP_KEYS(attrs)', ['k'], { attrs: new Map([['k', 1]]) }],
  ['MAP_VALUES(attrs)', [1], { attrs: new Map([['k', 1]]) }],
  ['tags[1]', 'a', { tags: ['a', 'b'] }], ['tags[0]', null, { tags: ['a'] }], ['tags[3]', null, { tags: ['a'] }], ['tags[n]', null, { tags: ['a'] }],
  ["attrs['k']", 1, { attrs: new Map([['k', 1]]) }], ["attrs['x']", null, { attrs: new Map([['k', 1]]) }],
  ['r.a', 1, { r: [1, ['c']] }], ['r.inner.c', 'c', { r: [1, ['c']] }], ['o.r.inner.c', 'c', { r: [1, ['c']] }], ['r.inner.c', null],
  ["ARRAY[1, 2][2]", 2], ["MAP['a', 1, 'b', 2]['b']", 2], ["ROW(1, 'x').EXPR$1", 'x'], ['ARRAY[1, NULL]', [1, null]],
];

const MISC_CASES: readonly Case[] = [
  ["MD5('abc')", '900150983cd24fb0d6963f7d28e17f72'], ["SHA1('abc')", 'a9993e364706816aba3e25717850c26c9cd0d89d'],
  ["SHA256('abc')", 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'], ["SHA2('abc', 256)", 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'],
  ["SHA2('abc', 1)", null], ["LEFT(SHA512('abc'), 8)", 'ddaf35a1'], ["TO_BASE64('hi')", 'aGk='], ["FROM_BASE64('aGk=')", 'hi'], ['MD5(s)', null],
];

const ALL: readonly (readonly [string, readonly Case[]])[] = [
  ['string', STRING_CASES], ['math', MATH_CASES], ['conditional', CONDITIONAL_CASES], ['temporal', TEMPORAL_CASES],
  ['collection', COLLECTION_CASES], ['misc', MISC_CASES],
];

for (const [family, cases] of ALL) {
  describe(`${family} functions`, () => {
    test.each(cases.map(([sql, expected, values]) => [sql, expected, values ?? {}] as const))('%s = %j', (sql, expected, values) => {
      expect(run(sql, values)).toEqual(expected);
    });
  });
}

describe('functions evaluated per row', () => {
  test.each(['CURRENT_TIMESTAMP', 'NOW()', 'LOCALTIMESTAMP', 'CURRENT_ROW_TIMESTAMP()'])('%s is now and not constant', (sql) => {
    const c = compileOk(sql);
    expect(c.constant).toBe(false);
    const v = c.evaluate([]) as Date;
    expect(Math.abs(v.getTime() - Date.now())).toBeLessThan(5000);
  });

  test('CURRENT_DATE, CURRENT_TIME, LOCALTIME, UNIX_TIMESTAMP()', () => {
    expect(run('CURRENT_DATE')).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(run('CURRENT_TIME')).toMatch(/^\d{2}:\d{2}:\d{2}$/);
    expect(run('LOCALTIME')).toMatch(/^\d{2}:\d{2}:\d{2}$/);
    expect(Math.abs((run('UNIX_TIMESTAMP()') as number) - Date.now() / 1000)).toBeLessThan(5);
    expect(formatType(compileOk('CURRENT_TIMESTAMP').type)).toBe('TIMESTAMP_LTZ(3) NOT NULL');
    expect(formatType(compileOk('CURRENT_DATE').type)).toBe('DATE NOT NULL');
  });

  test('UUID, RAND and RAND_INTEGER', () => {
    const uuid = compileOk('UUID()');
    expect(uuid.constant).toBe(false);
    expect(uuid.evaluate([])).toMatch(/^[0-9a-f-]{36}$/);
    expect(uuid.evaluate([])).not.toBe(uuid.evaluate([]));
    const r = run('RAND()') as number;
    expect(r).toBeGreaterThanOrEqual(0);
    expect(r).toBeLessThan(1);
    const seeded = [compileOk('RAND(42)'), compileOk('RAND(42)')].map((c) => c.evaluate([]));
    expect(seeded[0]).toBe(seeded[1]);
    expect(run('RAND_INTEGER(10)')).toBeLessThan(10);
    expect(run('RAND_INTEGER(1, 10)')).toBeLessThan(10);
  });

  test('ELEMENT of an array with more than one element fails the row (PD4403)', () => {
    expect(rowError('ELEMENT(tags)', { tags: ['a', 'b'] })).toMatchObject({ code: 'PD4403' });
  });

  test('a function that blows up fails the row (PD4403) and does not break compilation', () => {
    const error = rowError("REPEAT('abcdefgh', 1000000000)");
    expect(error).toMatchObject({ code: 'PD4403' });
    expect(error?.message).toMatch(/^REPEAT failed/);
  });
});

test('every FUNCTIONS entry is exercised by a test here', () => {
  const sql = [...ALL.flatMap(([, cases]) => cases.map(([s]) => s)), 'CURRENT_TIMESTAMP NOW LOCALTIMESTAMP CURRENT_ROW_TIMESTAMP CURRENT_DATE CURRENT_TIME LOCALTIME UUID RAND RAND_INTEGER'];
  const text = sql.join(' ').toUpperCase();
  const untested = Object.keys(FUNCTIONS).filter((name) => !new RegExp(`\\b${name}\\b`).test(text) && !/^JSON_/.test(name));
  expect(untested).toEqual([]);
});

describe('type inference of functions', () => {
  test.each([
    ["UPPER('a')", 'STRING NOT NULL'], ['UPPER(s)', 'STRING'], ['CHAR_LENGTH(s)', 'INT'], ['COALESCE(n, 1)', 'INT NOT NULL'],
    ['COALESCE(n, qty)', 'BIGINT'], ['COALESCE(n, 1.5)', 'DECIMAL(11, 1) NOT NULL'], ["IF(flag, 1, 2)", 'INT NOT NULL'],
    ['ROUND(price, 1)', 'DECIMAL(10, 1)'], ['ROUND(amount, 1)', 'DOUBLE'], ['FLOOR(price)', 'DECIMAL(9, 0)'], ['MOD(n, qty)', 'BIGINT'],
    ['POWER(n, 2)', 'DOUBLE'], ['CARDINALITY(tags)', 'INT'], ['ELEMENT(emb)', 'FLOAT'], ["TO_TIMESTAMP('x')", 'TIMESTAMP(3)'],
    ['EXTRACT(YEAR FROM d)', 'BIGINT'], ["JSON_VALUE(response, '$.a')", 'STRING'], ["ARRAY['a', s]", 'ARRAY<STRING> NOT NULL'],
    ["MAP['a', 1]", 'MAP<STRING NOT NULL, INT NOT NULL> NOT NULL'], ['tags[1]', 'STRING'], ['r.a', 'INT'],
    ["GREATEST(n, 2)", 'INT'], ["NULLIF(id, 0)", 'INT'], ['CAST(n AS STRING)', 'STRING'], ["DATE_FORMAT(ts, 'yyyy')", 'STRING'],
  ])('%s : %s', (sql, type) => {
    expect(formatType(compileOk(sql).type)).toBe(type);
  });
});
