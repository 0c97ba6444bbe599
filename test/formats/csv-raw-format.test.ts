import { describe, expect, it } from 'vitest';
import { FormatError } from '../../src/spi/format.js';
import { Registry } from '../../src/spi/registry.js';
import { resolveOptions } from '../../src/spi/resolve-options.js';
import { csvFormat } from '../../src/formats/csv-format.js';
import { rawFormat } from '../../src/formats/raw-format.js';
import { registerFormats } from '../../src/formats/register-formats.js';
import type { Column, DataType } from '../../src/types/data-type.js';
import type { SyncFormatFactory } from '../../src/spi/format.js';

const str: DataType = { kind: 'STRING', nullable: true };
const int: DataType = { kind: 'INT', nullable: true };
const bool: DataType = { kind: 'BOOLEAN', nullable: true };
const ts: DataType = { kind: 'TIMESTAMP', precision: 3, nullable: true };
const bytesType: DataType = { kind: 'BYTES', nullable: true };

function make(factory: SyncFormatFactory, columns: Column[], options: Record<string, string> = {}) {
  const { options: resolved, problems } = resolveOptions(factory.spec, options);
  expect(problems).toEqual([]);
  return factory.create(columns, resolved);
}

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);

describe('csv format', () => {
  const cols: Column[] = [{ name: 'id', type: int }, { name: 'name', type: str }, { name: 'ok', type: bool }, { name: 'at', type: ts }];

  it('reads fields by position, with quotes and a trailing line break', () => {
    const f = make(csvFormat, cols);
    expect(f.decode(enc('1,"a, ""b""",true,2024-01-02 03:04:05.5\n'))).toEqual([1, 'a, "b"', true, new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 500))]);
  });

  it('writes a line Flink reads back: quoting only where needed, no line break', () => {
    const f = make(csvFormat, cols);
    const row = [7, 'x,"y"', false, new Date(Date.UTC(2024, 0, 2, 3, 4, 5))];
    const line = dec(f.encode(row));
    expect(line).toBe('7,"x,""y""",false,2024-01-02 03:04:05');
    expect(f.decode(enc(line))).toEqual(row);
  });

  it('honours the delimiter, quote character, null literal and array delimiter', () => {
    const f = make(csvFormat, [{ name: 'a', type: str }, { name: 'n', type: int }, { name: 'xs', type: { kind: 'ARRAY', element: int, nullable: true } }], {
      'field-delimiter': '\\t',
      'quote-character': "'",
      'null-literal': 'NULL',
      'array-element-delimiter': '|',
    });
    expect(f.decode(enc("'a\tb'\tNULL\t1|2|3"))).toEqual(['a\tb', null, [1, 2, 3]]);
    expect(dec(f.encode(['a\tb', null, [4, 5]]))).toBe("'a\tb'\tNULL\t4|5");
  });

  it('fails on a wrong field count unless ignore-parse-errors, which fills NULLs', () => {
    expect(() => make(csvFormat, cols).decode(enc('1,a'))).toThrow(/4 fields expected but the line has 2/);
    expect(make(csvFormat, cols, { 'ignore-parse-errors': 'true' }).decode(enc('1,a'))).toEqual([1, 'a', null, null]);
  });

  it('throws FormatError on bad values and broken quoting', () => {
    const f = make(csvFormat, cols);
    expect(() => f.decode(enc('x,a,true,2024-01-02 03:04:05'))).toThrow(/field 'id'/);
    expect(() => f.decode(enc('1,"open,true,2024-01-02 03:04:05'))).toThrow(FormatError);
    expect(() => f.decode(enc('1,a,true,2024-01-02 03:04:05\n2,b,false,2024-01-02 03:04:05'))).toThrow(/more than one line/);
  });

  it('rejects nested ROW and MAP columns', () => {
    expect(() => make(csvFormat, [{ name: 'r', type: { kind: 'ROW', nullable: true, fields: [] } }])).toThrow(/csv format supports scalar/);
  });
});

describe('raw format', () => {
  it('reads and writes one STRING column in the charset', () => {
    const f = make(rawFormat, [{ name: 's', type: str }]);
    expect(f.decode(enc('héllo'))).toEqual(['héllo']);
    expect(dec(f.encode(['héllo']))).toBe('héllo');
    const latin = make(rawFormat, [{ name: 's', type: str }], { charset: 'ISO-8859-1' });
    expect(Array.from(latin.encode(['é']))).toEqual([0xe9]);
    expect(latin.decode(new Uint8Array([0xe9]))).toEqual(['é']);
    const be = make(rawFormat, [{ name: 's', type: str }], { charset: 'UTF-16BE' });
    expect(Array.from(be.encode(['A']))).toEqual([0, 65]);
    expect(be.decode(new Uint8Array([0, 65]))).toEqual(['A']);
  });

  it('reads BYTES as a copy', () => {
    const f = make(rawFormat, [{ name: 'b', type: bytesType }]);
    const input = new Uint8Array([1, 2, 3]);
    const [out] = f.decode(input.subarray(1));
    input[1] = 9;
    expect(out).toEqual(new Uint8Array([2, 3]));
  });

  it('needs exactly one STRING or BYTES column and a known charset', () => {
    expect(() => make(rawFormat, [{ name: 'a', type: str }, { name: 'b', type: str }])).toThrow(/exactly one/);
    expect(() => make(rawFormat, [{ name: 'a', type: int }])).toThrow(/one STRING or BYTES/);
    expect(() => make(rawFormat, [{ name: 'a', type: str }], { charset: 'EBCDIC' })).toThrow(/unsupported charset/);
  });
});

describe('registerFormats', () => {
  it('registers json, raw, csv, avro and avro-confluent', () => {
    const r = new Registry();
    registerFormats(r);
    expect(r.formatNames()).toEqual(['avro', 'avro-confluent', 'csv', 'json', 'raw']);
  });
});
