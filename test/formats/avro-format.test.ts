import avsc from 'avsc';
import { describe, expect, it } from 'vitest';
import { AvroCodec } from '../../src/formats/avro/avro-codec.js';
import { AvroConfluentFormat } from '../../src/formats/avro/avro-confluent-format.js';
import { avroFormat } from '../../src/formats/avro/avro-format.js';
import { deriveAvroSchema, type AvroSchema } from '../../src/formats/avro/avro-schema.js';
import { decimalBytes, decimalFromBytes } from '../../src/formats/avro/avro-values.js';
import { payloadOf, readSchemaId, withHeader } from '../../src/formats/avro/confluent-wire.js';
import { FormatError, FormatUnavailableError, isPromise } from '../../src/spi/format.js';
import { resolveOptions } from '../../src/spi/resolve-options.js';
import type { Column, DataType } from '../../src/types/data-type.js';
import { silentLogger } from '../support/silent-logger.js';

const n = <T extends DataType>(t: T): T => ({ ...t, nullable: true });
const nn = <T extends DataType>(t: T): T => ({ ...t, nullable: false });

const COLUMNS: Column[] = [
  { name: 'id', type: nn({ kind: 'BIGINT', nullable: false }) },
  { name: 'name', type: n({ kind: 'STRING', nullable: true }) },
  { name: 'small', type: n({ kind: 'SMALLINT', nullable: true }) },
  { name: 'ok', type: n({ kind: 'BOOLEAN', nullable: true }) },
  { name: 'score', type: n({ kind: 'DOUBLE', nullable: true }) },
  { name: 'price', type: n({ kind: 'DECIMAL', precision: 10, scale: 2, nullable: true }) },
  { name: 'day', type: n({ kind: 'DATE', nullable: true }) },
  { name: 'at', type: n({ kind: 'TIME', precision: 3, nullable: true }) },
  { name: 'ts', type: n({ kind: 'TIMESTAMP', precision: 3, nullable: true }) },
  { name: 'ltz', type: n({ kind: 'TIMESTAMP_LTZ', precision: 6, nullable: true }) },
  { name: 'blob', type: n({ kind: 'BYTES', nullable: true }) },
  { name: 'tags', type: n({ kind: 'ARRAY', element: n({ kind: 'STRING', nullable: true }), nullable: true }) },
  { name: 'attrs', type: n({ kind: 'MAP', key: nn({ kind: 'STRING', nullable: false }), value: n({ kind: 'INT', nullable: true }), nullable: true }) },
  {
    name: 'addr',
    type: n({ kind: 'ROW', fields: [{ name: 'city', type: n({ kind: 'STRING', nullable: true }) }, { name: 'zip', type: nn({ kind: 'INT', nullable: false }) }], nullable: true }),
  },
];

const ROW = [
  7,
  'ann',
  -3,
  true,
  0.5,
  -1234.5,
  '2024-02-29',
  '12:34:56.789',
  new Date(Date.UTC(2024, 1, 29, 1, 2, 3, 4)),
  new Date(Date.UTC(2020, 0, 1)),
  new Uint8Array([0, 255, 7]),
  ['a', null],
  new Map([['x', 1], ['y', null]]),
  ['Paris', 75001],
];

describe('Flink type mapping to Avro', () => {
  it('derives the schema Flink derives: nullable unions with default null, logical types, nested records', () => {
    const schema = deriveAvroSchema(COLUMNS, { legacyTimestamps: true }) as { fields: Array<{ name: string; type: unknown; default?: unknown }> };
    expect(schema).toMatchObject({ type: 'record', name: 'record', namespace: 'org.apache.flink.avro.generated' });
    const field = (name: string) => schema.fields.find((f) => f.name === name)!;
    expect(field('id')).toEqual({ name: 'id', type: 'long' });
    expect(field('name')).toEqual({ name: 'name', type: ['null', 'string'], default: null });
    expect(field('small').type).toEqual(['null', 'int']);
    expect(field('price').type).toEqual(['null', { type: 'bytes', logicalType: 'decimal', precision: 10, scale: 2 }]);
    expect(field('day').type).toEqual(['null', { type: 'int', logicalType: 'date' }]);
    expect(field('at').type).toEqual(['null', { type: 'int', logicalType: 'time-millis' }]);
    expect(field('ts').type).toEqual(['null', { type: 'long', logicalType: 'timestamp-millis' }]);
    expect(field('ltz').type).toEqual(['null', { type: 'long', logicalType: 'timestamp-micros' }]);
    expect(field('tags').type).toEqual(['null', { type: 'array', items: ['null', 'string'] }]);
    expect(field('attrs').type).toEqual(['null', { type: 'map', values: ['null', 'int'] }]);
    expect(field('addr').type).toEqual([
      'null',
      { type: 'record', name: 'record_addr', fields: [{ name: 'city', type: ['null', 'string'], default: null }, { name: 'zip', type: 'int' }] },
    ]);
    const local = deriveAvroSchema(COLUMNS, { legacyTimestamps: false }) as { fields: Array<{ name: string; type: unknown }> };
    expect(local.fields.find((f) => f.name === 'ts')!.type).toEqual(['null', { type: 'long', logicalType: 'local-timestamp-millis' }]);
  });

  it('refuses a MAP with a non-string key, naming the column', () => {
    const cols: Column[] = [{ name: 'm', type: n({ kind: 'MAP', key: n({ kind: 'INT', nullable: true }), value: n({ kind: 'INT', nullable: true }), nullable: true }) }];
    expect(() => deriveAvroSchema(cols, { legacyTimestamps: true })).toThrow(/column 'm'.*map keys are strings/);
  });

  it('round-trips every type, and NULL in every nullable column', () => {
    const codec = new AvroCodec(COLUMNS, deriveAvroSchema(COLUMNS, { legacyTimestamps: true }));
    expect(codec.decode(codec.encode(ROW))).toEqual(ROW);
    const nulls = [1, ...COLUMNS.slice(1).map(() => null)];
    expect(codec.decode(codec.encode(nulls))).toEqual(nulls);
  });

  it('writes what another Avro implementation reads with the same schema', () => {
    const schema = deriveAvroSchema(COLUMNS, { legacyTimestamps: true });
    const codec = new AvroCodec(COLUMNS, schema);
    const other = avsc.Type.forSchema(schema as never, { wrapUnions: true });
    const read = other.fromBuffer(codec.encode(ROW)) as Record<string, unknown>;
    expect(read.id).toBe(7);
    expect(read.name).toEqual({ string: 'ann' });
    expect(read.ts).toEqual({ long: Date.UTC(2024, 1, 29, 1, 2, 3, 4) });
    expect(read.ltz).toEqual({ long: Date.UTC(2020, 0, 1) * 1000 });
    expect(read.day).toEqual({ int: 19782 });
  });

  it('encodes DECIMAL as the unscaled two\'s complement big-endian bytes', () => {
    expect([...decimalBytes(1.5, 2)]).toEqual([0x00, 0x96]);
    expect([...decimalBytes(-1, 0)]).toEqual([0xff]);
    expect([...decimalBytes(-128, 0)]).toEqual([0x80]);
    expect([...decimalBytes(128, 0)]).toEqual([0x00, 0x80]);
    expect([...decimalBytes(0, 3)]).toEqual([0x00]);
    for (const v of [0, 1.25, -1.25, 99999999.99, -0.01]) expect(decimalFromBytes(decimalBytes(v, 2), 2)).toBe(v);
  });

  it('reports a value that does not fit as a FormatError naming the field', () => {
    const codec = new AvroCodec(COLUMNS, deriveAvroSchema(COLUMNS, { legacyTimestamps: true }));
    expect(() => codec.encode([null, ...ROW.slice(1)])).toThrow(FormatError);
    expect(() => codec.encode([null, ...ROW.slice(1)])).toThrow(/field 'id': NULL in a NOT NULL column/);
    expect(() => codec.encode([1, 42, ...ROW.slice(2)])).toThrow(/field 'name': cannot write 42/);
    expect(() => codec.decode(new Uint8Array([0xff]))).toThrow(FormatError);
  });

  it('reads records of another writer schema by Avro resolution: named differently, a field more, a field less, int promoted to long', () => {
    const cols: Column[] = [
      { name: 'id', type: nn({ kind: 'BIGINT', nullable: false }) },
      { name: 'text', type: n({ kind: 'STRING', nullable: true }) },
      { name: 'extra', type: n({ kind: 'STRING', nullable: true }) },
    ];
    const writer: AvroSchema = {
      type: 'record',
      name: 'Order',
      namespace: 'com.acme',
      fields: [
        { name: 'id', type: 'int' },
        { name: 'ignored', type: 'string' },
        { name: 'text', type: ['null', 'string'] },
      ],
    };
    const codec = new AvroCodec(cols, deriveAvroSchema(cols, { legacyTimestamps: true }));
    const bytes = avsc.Type.forSchema(writer as never, { wrapUnions: false }).toBuffer({ id: 5, ignored: 'x', text: 'hi' });
    expect(codec.readerFor(writer)(bytes)).toEqual([5, 'hi', null]);
  });

  it('says why a writer schema cannot be read (a NOT NULL column the writer lacks)', () => {
    const cols: Column[] = [{ name: 'id', type: nn({ kind: 'BIGINT', nullable: false }) }];
    const codec = new AvroCodec(cols, deriveAvroSchema(cols, { legacyTimestamps: true }));
    expect(() => codec.readerFor({ type: 'record', name: 'x', fields: [{ name: 'other', type: 'int' }] })).toThrow(FormatError);
  });
});

describe('avro format (no registry)', () => {
  it('uses avro.schema when given, matched to the columns by field name', () => {
    const cols: Column[] = [{ name: 'b', type: n({ kind: 'STRING', nullable: true }) }, { name: 'a', type: nn({ kind: 'INT', nullable: false }) }];
    const schema = JSON.stringify({ type: 'record', name: 'R', fields: [{ name: 'a', type: 'int' }, { name: 'b', type: ['null', 'string'] }] });
    const { options } = resolveOptions(avroFormat.spec, { schema });
    const f = avroFormat.create(cols, options);
    const bytes = f.encode(['x', 3]);
    expect([...bytes]).toEqual([6, 2, 2, 120]);
    expect(f.decode(bytes)).toEqual(['x', 3]);
  });

  it('refuses a schema without a field for a column, and schema text that is not Avro', () => {
    const cols: Column[] = [{ name: 'a', type: n({ kind: 'INT', nullable: true }) }];
    const make = (schema: string) => avroFormat.create(cols, resolveOptions(avroFormat.spec, { schema }).options);
    expect(() => make('{"type":"record","name":"R","fields":[{"name":"z","type":"int"}]}')).toThrow(/no field for column\(s\) 'a'/);
    expect(() => make('{"type":"recrd"}')).toThrow(/'avro.schema' is not a valid Avro schema/);
  });
});

describe('Confluent wire format', () => {
  it('is magic byte 0, the schema id in 4 big-endian bytes, then the Avro binary', () => {
    const framed = withHeader(258, new Uint8Array([9, 8]));
    expect([...framed]).toEqual([0, 0, 0, 1, 2, 9, 8]);
    expect(readSchemaId(framed)).toBe(258);
    expect([...payloadOf(framed)]).toEqual([9, 8]);
  });

  it('rejects bytes without the header as a FormatError', () => {
    expect(() => readSchemaId(new TextEncoder().encode('{"a":1}'))).toThrow(FormatError);
    expect(() => readSchemaId(new Uint8Array([0, 1]))).toThrow(/not in the Confluent wire format/);
  });
});

/** A registry client that counts its calls; the real registry is exercised by the e2e tests. */
function countingClient(schemas: Map<number, AvroSchema>) {
  const calls = { fetch: 0, register: 0 };
  let down = false;
  return {
    calls,
    setDown: (d: boolean) => (down = d),
    client: {
      async schemaById(id: number): Promise<AvroSchema> {
        calls.fetch++;
        if (down) throw new FormatUnavailableError('down');
        const s = schemas.get(id);
        if (!s) throw new FormatError(`no schema with id ${id}`);
        return s;
      },
      async register(): Promise<number> {
        calls.register++;
        if (down) throw new FormatUnavailableError('down');
        return 42;
      },
    },
  };
}

describe('avro-confluent caching', () => {
  const cols: Column[] = [{ name: 'v', type: n({ kind: 'STRING', nullable: true }) }];
  const schema = deriveAvroSchema(cols, { legacyTimestamps: true });
  const ctx = { log: silentLogger(), signal: new AbortController().signal, part: 'value' as const, topic: 't' };

  it('fetches a writer schema once: the first record waits, later ones decode synchronously', async () => {
    const { client, calls } = countingClient(new Map([[5, schema]]));
    const f = new AvroConfluentFormat(new AvroCodec(cols, schema), client, 't-value', ctx);
    const bytes = withHeader(5, new AvroCodec(cols, schema).encode(['hi']));
    const [a, b] = [f.decode(bytes), f.decode(bytes)];
    expect(isPromise(a) && isPromise(b)).toBe(true);
    expect(await Promise.all([a, b])).toEqual([['hi'], ['hi']]);
    const c = f.decode(bytes);
    expect(isPromise(c)).toBe(false);
    expect(c).toEqual(['hi']);
    expect(calls.fetch).toBe(1);
  });

  it('registers once, then frames every row with the id synchronously', async () => {
    const { client, calls } = countingClient(new Map());
    const f = new AvroConfluentFormat(new AvroCodec(cols, schema), client, 't-value', ctx);
    const first = f.encode(['a']);
    expect(isPromise(first)).toBe(true);
    expect(readSchemaId(await first)).toBe(42);
    const next = f.encode(['b']);
    expect(isPromise(next)).toBe(false);
    expect(readSchemaId(next as Uint8Array)).toBe(42);
    expect(calls.register).toBe(1);
  });

  it('asks again after the registry was unavailable, but remembers an unknown id', async () => {
    const { client, calls, setDown } = countingClient(new Map([[5, schema]]));
    const f = new AvroConfluentFormat(new AvroCodec(cols, schema), client, 't-value', ctx);
    const bytes = withHeader(5, new AvroCodec(cols, schema).encode(['x']));
    setDown(true);
    await expect(f.decode(bytes)).rejects.toBeInstanceOf(FormatUnavailableError);
    await expect(f.encode(['x'])).rejects.toBeInstanceOf(FormatUnavailableError);
    setDown(false);
    expect(await f.decode(bytes)).toEqual(['x']);
    expect(readSchemaId(await f.encode(['x']))).toBe(42);
    const unknown = withHeader(6, new Uint8Array([0]));
    await expect(f.decode(unknown)).rejects.toBeInstanceOf(FormatError);
    expect(() => f.decode(unknown)).toThrow(FormatError);
    expect(calls.fetch).toBe(3);
  });

  it('has no subject without one topic: writing fails with a clear FormatError', async () => {
    const { client } = countingClient(new Map());
    const f = new AvroConfluentFormat(new AvroCodec(cols, schema), client, undefined, { ...ctx, topic: undefined });
    await expect(f.encode(['a'])).rejects.toThrow(/set 'avro-confluent.subject'/);
  });
});

describe('avro-confluent credentials', () => {
  it('are secrets by the spec, under every prefix a format is written with', async () => {
    const { secretOptionKeys } = await import('../../src/catalog/secret-options.js');
    const { createDefaultRegistry } = await import('../../src/daemon/default-registry.js');
    const { modelSpecFor } = await import('../../src/providers/index.js');
    const secrets = secretOptionKeys({ registry: createDefaultRegistry(), modelSpec: modelSpecFor });
    for (const k of ['avro-confluent.basic-auth.user-info', 'key.avro-confluent.bearer-auth.token', 'value.avro-confluent.ssl.keystore.password']) {
      expect(secrets.has(k), k).toBe(true);
    }
    for (const k of ['avro-confluent.url', 'avro-confluent.subject', 'avro-confluent.ssl.keystore.location']) expect(secrets.has(k), k).toBe(false);
  });

  it('come from basic-auth.user-info or from the URL, which then loses them', async () => {
    const { registryOptions, avroConfluentFormat } = await import('../../src/formats/avro/avro-confluent-format.js');
    const opts = (o: Record<string, string>) => resolveOptions(avroConfluentFormat.spec, o).options;
    expect(registryOptions(opts({ url: 'http://r:8081', 'basic-auth.credentials-source': 'USER_INFO', 'basic-auth.user-info': 'u:p:w' })).basicAuth).toEqual({
      username: 'u',
      password: 'p:w',
    });
    const fromUrl = registryOptions(opts({ url: 'http://me:s%40cret@r:8081/', 'basic-auth.credentials-source': 'URL' }));
    expect(fromUrl.basicAuth).toEqual({ username: 'me', password: 's@cret' });
    expect(fromUrl.url).toBe('http://r:8081/');
    expect(() => registryOptions(opts({ url: 'http://r', 'basic-auth.credentials-source': 'USER_INFO' }))).toThrow(/user-info' is not set/);
    expect(() => registryOptions(opts({ url: 'http://r', 'bearer-auth.credentials-source': 'STATIC_TOKEN' }))).toThrow(/bearer-auth.token' is not set/);
    expect(registryOptions(opts({ url: 'http://r', 'bearer-auth.token': 't0k' })).bearerToken).toBe('t0k');
  });
});
