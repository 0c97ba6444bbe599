import { describe, expect, it } from 'vitest';
import { FormatError } from '../../src/spi/format.js';
import { resolveOptions } from '../../src/spi/resolve-options.js';
import { jsonFormat } from '../../src/formats/json-format.js';
import type { Column, DataType } from '../../src/types/data-type.js';

const t = {
  str: { kind: 'STRING', nullable: true },
  int: { kind: 'INT', nullable: true },
  tiny: { kind: 'TINYINT', nullable: true },
  big: { kind: 'BIGINT', nullable: true },
  dbl: { kind: 'DOUBLE', nullable: true },
  flt: { kind: 'FLOAT', nullable: true },
  bool: { kind: 'BOOLEAN', nullable: true },
  bytes: { kind: 'BYTES', nullable: true },
  date: { kind: 'DATE', nullable: true },
  time: { kind: 'TIME', precision: 3, nullable: true },
  ts: { kind: 'TIMESTAMP', precision: 3, nullable: true },
  ltz: { kind: 'TIMESTAMP_LTZ', precision: 3, nullable: true },
  dec: { kind: 'DECIMAL', precision: 5, scale: 2, nullable: true },
} satisfies Record<string, DataType>;

function json(columns: Column[], options: Record<string, string> = {}) {
  const { options: resolved, problems } = resolveOptions(jsonFormat.spec, options);
  expect(problems).toEqual([]);
  return jsonFormat.create(columns, resolved);
}

const bytes = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array) => new TextDecoder().decode(b);

describe('json format: decode', () => {
  it('reads fields by name, missing fields as NULL, extra fields ignored', () => {
    const f = json([{ name: 'a', type: t.int }, { name: 'b', type: t.str }, { name: 'c', type: t.bool }]);
    expect(f.decode(bytes('{"b":"x","a":1,"zzz":true}'))).toEqual([1, 'x', null]);
  });

  it('coerces as Flink: numbers from numeric strings, strings from any JSON value', () => {
    const f = json([
      { name: 'i', type: t.int },
      { name: 'b', type: t.big },
      { name: 'd', type: t.dbl },
      { name: 's', type: t.str },
      { name: 'o', type: t.str },
      { name: 'x', type: t.bool },
      { name: 'y', type: t.bool },
    ]);
    expect(f.decode(bytes('{"i":" 42 ","b":"9007199254740991","d":"1.5e2","s":12,"o":{"k":[1,2]},"x":"TRUE","y":false}'))).toEqual([
      42, 9007199254740991, 150, '12', '{"k":[1,2]}', true, false,
    ]);
    // Jackson's asInt truncates a JSON float for INT; TINYINT parses the text and needs an integer.
    expect(json([{ name: 'i', type: t.int }]).decode(bytes('{"i":1.9}'))).toEqual([1]);
    expect(() => json([{ name: 'i', type: t.tiny }]).decode(bytes('{"i":1.5}'))).toThrow(FormatError);
    expect(() => json([{ name: 'i', type: t.tiny }]).decode(bytes('{"i":300}'))).toThrow(/TINYINT/);
    expect(json([{ name: 'f', type: t.flt }]).decode(bytes('{"f":0.1}'))).toEqual([Math.fround(0.1)]);
  });

  it('reads nested ROW, ARRAY and MAP', () => {
    const row: DataType = { kind: 'ROW', nullable: true, fields: [{ name: 'x', type: t.int }, { name: 'tags', type: { kind: 'ARRAY', element: t.str, nullable: true } }] };
    const map: DataType = { kind: 'MAP', key: t.str, value: t.big, nullable: true };
    const f = json([{ name: 'r', type: row }, { name: 'm', type: map }]);
    const [r, m] = f.decode(bytes('{"r":{"x":"7","tags":["a",null]},"m":{"k1":1,"k2":"2"}}'));
    expect(r).toEqual([7, ['a', null]]);
    expect(m).toEqual(new Map([['k1', 1], ['k2', 2]]));
  });

  it('reads temporal values in the SQL standard by default and ISO-8601 on request', () => {
    const cols = [{ name: 'd', type: t.date }, { name: 't', type: t.time }, { name: 'ts', type: t.ts }, { name: 'l', type: t.ltz }];
    const sql = json(cols).decode(bytes('{"d":"2024-02-29","t":"12:30:05.120","ts":"2024-05-06 07:08:09.123","l":"2024-05-06 07:08:09.5Z"}'));
    expect(sql).toEqual(['2024-02-29', '12:30:05.120', new Date(Date.UTC(2024, 4, 6, 7, 8, 9, 123)), new Date(Date.UTC(2024, 4, 6, 7, 8, 9, 500))]);
    const iso = json(cols, { 'timestamp-format.standard': 'ISO-8601' });
    expect(iso.decode(bytes('{"ts":"2024-05-06T07:08:09","l":"2024-05-06T07:08:09Z"}')).slice(2)).toEqual([
      new Date(Date.UTC(2024, 4, 6, 7, 8, 9)),
      new Date(Date.UTC(2024, 4, 6, 7, 8, 9)),
    ]);
    expect(() => json(cols).decode(bytes('{"ts":"2024-05-06T07:08:09"}'))).toThrow(/timestamp-format.standard = SQL/);
    expect(() => json(cols).decode(bytes('{"d":"2023-02-29"}'))).toThrow(FormatError);
  });

  it('reads BYTES as base64 and DECIMAL rounded to its scale (NULL on overflow, as Flink)', () => {
    const f = json([{ name: 'b', type: t.bytes }, { name: 'x', type: t.dec }, { name: 'y', type: t.dec }]);
    const [b, x, y] = f.decode(bytes('{"b":"AQID","x":"123.456","y":12345.6}'));
    expect(b).toEqual(new Uint8Array([1, 2, 3]));
    expect(x).toBe(123.46);
    expect(y).toBeNull();
  });

  it('throws FormatError naming the field on bad input', () => {
    const f = json([{ name: 'r', type: { kind: 'ROW', nullable: true, fields: [{ name: 'n', type: t.int }] } }]);
    expect(() => f.decode(bytes('{"r":{"n":"abc"}}'))).toThrow(/field 'r\.n'/);
    expect(() => f.decode(bytes('not json'))).toThrow(FormatError);
    expect(() => f.decode(bytes('[1,2]'))).toThrow(/expected a JSON object/);
    expect(() => f.decode(new Uint8Array([0xff, 0xfe]))).toThrow(FormatError);
  });

  it('json.fail-on-missing-field fails on absent fields, nested too', () => {
    const f = json([{ name: 'a', type: t.int }, { name: 'r', type: { kind: 'ROW', nullable: true, fields: [{ name: 'n', type: t.int }] } }], {
      'fail-on-missing-field': 'true',
    });
    expect(() => f.decode(bytes('{"r":{"n":1}}'))).toThrow(/'a' is missing/);
    expect(() => f.decode(bytes('{"a":1,"r":{}}'))).toThrow(/'r\.n' is missing/);
    expect(f.decode(bytes('{"a":null,"r":{"n":null}}'))).toEqual([null, [null]]);
  });

  it('rejects fail-on-missing-field together with ignore-parse-errors, and non-string map keys', () => {
    expect(() => json([{ name: 'a', type: t.int }], { 'fail-on-missing-field': 'true', 'ignore-parse-errors': 'true' })).toThrow(/cannot both be true/);
    expect(() => json([{ name: 'm', type: { kind: 'MAP', key: t.int, value: t.int, nullable: true } }])).toThrow(/map keys must be STRING/);
  });
});

describe('json format: encode', () => {
  it('writes an object by column name with Flink text forms', () => {
    const f = json([
      { name: 'a', type: t.int },
      { name: 's', type: t.str },
      { name: 'ts', type: t.ts },
      { name: 'l', type: t.ltz },
      { name: 'b', type: t.bytes },
      { name: 'n', type: t.str },
      { name: 'm', type: { kind: 'MAP', key: t.str, value: t.dbl, nullable: true } },
      { name: 'r', type: { kind: 'ROW', nullable: true, fields: [{ name: 'x', type: t.bool }] } },
      { name: 'arr', type: { kind: 'ARRAY', element: t.big, nullable: true } },
    ]);
    const out = text(
      f.encode([
        1,
        'he said "hi"',
        new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 600)),
        new Date(Date.UTC(2024, 0, 2, 3, 4, 5)),
        new Uint8Array([1, 2, 3]),
        null,
        new Map([['k', 1.5]]),
        [true],
        [1, null],
      ]),
    );
    expect(out).toBe(
      '{"a":1,"s":"he said \\"hi\\"","ts":"2024-01-02 03:04:05.6","l":"2024-01-02 03:04:05Z","b":"AQID","n":null,"m":{"k":1.5},"r":{"x":true},"arr":[1,null]}',
    );
    expect(JSON.parse(out).s).toBe('he said "hi"');
  });

  it('round-trips through decode', () => {
    const cols: Column[] = [{ name: 'id', type: t.big }, { name: 'ts', type: t.ts }, { name: 'd', type: t.dec }, { name: 'b', type: t.bytes }];
    for (const standard of ['SQL', 'ISO-8601']) {
      const f = json(cols, { 'timestamp-format.standard': standard });
      const row = [42, new Date(Date.UTC(1999, 11, 31, 23, 59, 59, 999)), 12.5, new Uint8Array([255])];
      expect(f.decode(f.encode(row))).toEqual(row);
    }
  });

  it('honours encode options: decimals as plain numbers, NULL fields left out, NULL map keys', () => {
    const dec: DataType = { kind: 'DECIMAL', precision: 38, scale: 0, nullable: true };
    expect(text(json([{ name: 'd', type: dec }]).encode([1e21]))).toBe('{"d":1e+21}');
    expect(text(json([{ name: 'd', type: dec }], { 'encode.decimal-as-plain-number': 'true' }).encode([1e21]))).toBe('{"d":1000000000000000000000}');
    expect(text(json([{ name: 'a', type: t.int }, { name: 'b', type: t.int }], { 'encode.ignore-null-fields': 'true' }).encode([null, 2]))).toBe('{"b":2}');
    const m: Column = { name: 'm', type: { kind: 'MAP', key: t.str, value: t.int, nullable: true } };
    const withNullKey = [new Map<string | null, number>([[null, 1], ['k', 2]])];
    expect(() => json([m]).encode(withNullKey)).toThrow(/NULL key/);
    expect(text(json([m], { 'map-null-key.mode': 'DROP' }).encode(withNullKey))).toBe('{"m":{"k":2}}');
    expect(text(json([m], { 'map-null-key.mode': 'LITERAL', 'map-null-key.literal': 'nil' }).encode(withNullKey))).toBe('{"m":{"nil":1,"k":2}}');
  });

  it('writes NaN and infinities as strings, as Jackson does', () => {
    expect(text(json([{ name: 'd', type: t.dbl }]).encode([NaN]))).toBe('{"d":"NaN"}');
    expect(json([{ name: 'd', type: t.dbl }]).decode(bytes('{"d":"NaN"}'))).toEqual([NaN]);
  });

  it('throws FormatError for a value that does not fit its column type', () => {
    expect(() => json([{ name: 'a', type: t.int }]).encode(['x'])).toThrow(FormatError);
  });
});
