import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileClientSettings } from '../../../connectors/kafka/client-settings.js';
import { parseJaasConfig } from '../../../connectors/kafka/jaas-config.js';
import { kafkaConnector } from '../../../connectors/kafka/kafka-connector.js';
import { KafkaConnectorError } from '../../../connectors/kafka/kafka-connector-error.js';
import { compileTableOptions } from '../../../connectors/kafka/kafka-table-options.js';
import { RecordDecoder, RecordDecodeError, RecordEncoder, tableLayout } from '../../../connectors/kafka/record-codec.js';
import { CONNECTOR_ERROR_CODES } from '../../../src/errors/connector-error-codes.js';
import { kafkaTable, T, testRegistry } from './kafka-test-support.js';
import { silentLogger } from '../../support/silent-logger.js';
import { isPromise, type MaybePromise } from '../../../src/spi/format.js';

const OWNER = { log: silentLogger(), signal: new AbortController().signal, topic: 'in' };

/** The json and raw formats answer synchronously: no promise per record. */
function sync<T>(v: MaybePromise<T>): T {
  if (isPromise(v)) throw new Error('expected a synchronous result');
  return v;
}

const BASE = { topic: 'in', 'properties.bootstrap.servers': 'localhost:9092', format: 'json' };
const enc = (s: string) => Buffer.from(s, 'utf8');

describe('sasl.jaas.config', () => {
  it('parses the login module, flag and quoted options', () => {
    const j = parseJaasConfig('org.apache.kafka.common.security.plain.PlainLoginModule required username="alice" password="p\\"w;d";');
    expect(j).toEqual({ loginModule: 'org.apache.kafka.common.security.plain.PlainLoginModule', flag: 'required', options: { username: 'alice', password: 'p"w;d' } });
    expect(parseJaasConfig('x.ScramLoginModule REQUIRED username=bob password=secret').options).toEqual({ username: 'bob', password: 'secret' });
  });

  it('rejects malformed text without echoing secrets', () => {
    expect(() => parseJaasConfig('username="a" password="hunter2"')).toThrow(/LoginModule/);
    try {
      parseJaasConfig('M required password="hunter2');
    } catch (err) {
      expect((err as Error).message).not.toContain('hunter2');
    }
  });
});

describe('client settings from properties.*', () => {
  it('maps SASL_SSL + SCRAM + PEM trust store to kafkajs ssl and sasl', () => {
    const dir = mkdtempSync(join(tmpdir(), 'predictd-kafka-tls-'));
    writeFileSync(join(dir, 'ca.pem'), '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n');
    const table = kafkaTable([], {
      ...BASE,
      'properties.bootstrap.servers': 'b1:9093, b2:9093',
      'properties.security.protocol': 'SASL_SSL',
      'properties.sasl.mechanism': 'SCRAM-SHA-512',
      'properties.sasl.jaas.config': 'org.apache.kafka.common.security.scram.ScramLoginModule required username="u" password="p";',
      'properties.ssl.truststore.location': join(dir, 'ca.pem'),
      'properties.ssl.endpoint.identification.algorithm': '',
      'properties.client.id': 'my-client',
      'properties.session.timeout.ms': '10000',
      'properties.max.poll.records': '50',
      'properties.linger.ms': '5',
    });
    const s = compileClientSettings(table.options, 'job1');
    expect(s.kafka.brokers).toEqual(['b1:9093', 'b2:9093']);
    expect(s.kafka.clientId).toBe('my-client');
    expect(s.kafka.sasl).toEqual({ mechanism: 'scram-sha-512', username: 'u', password: 'p' });
    const ssl = s.kafka.ssl as { ca: string; checkServerIdentity: unknown; rejectUnauthorized: boolean };
    expect(ssl.ca).toContain('BEGIN CERTIFICATE');
    expect(ssl.rejectUnauthorized).toBe(true);
    expect(typeof ssl.checkServerIdentity).toBe('function');
    expect(s.consumer.sessionTimeout).toBe(10000);
    expect(s.consumer.heartbeatInterval).toBe(3000);
    expect(s.consumer.maxPollRecords).toBe(50);
    expect(s.consumer.maxWaitTimeInMs).toBe(500);
    expect(s.producer).toMatchObject({ acks: -1, idempotent: true });
    expect(s.ignored).toEqual(['properties.linger.ms']);
  });

  it('defaults the client id to predictd-<job> and infers PLAIN from the JAAS module', () => {
    const table = kafkaTable([], {
      ...BASE,
      'properties.security.protocol': 'SASL_PLAINTEXT',
      'properties.sasl.jaas.config': 'org.apache.kafka.common.security.plain.PlainLoginModule required username="u" password="p";',
    });
    const s = compileClientSettings(table.options, 'job7');
    expect(s.kafka.clientId).toBe('predictd-job7');
    expect(s.kafka.sasl).toEqual({ mechanism: 'plain', username: 'u', password: 'p' });
    expect(s.kafka.ssl).toBeUndefined();
  });

  it('reports unusable settings with PD4303', () => {
    const bad = (extra: Record<string, string>) => () => compileClientSettings(kafkaTable([], { ...BASE, ...extra }).options, 'j');
    expect(bad({ 'properties.security.protocol': 'SASL_SSL' })).toThrow(/sasl.jaas.config/);
    expect(bad({ 'properties.security.protocol': 'SSL', 'properties.ssl.truststore.location': '/nope.jks', 'properties.ssl.truststore.type': 'JKS' })).toThrow(/convert it to PEM/);
    expect(bad({ 'properties.security.protocol': 'SSL', 'properties.ssl.truststore.location': '/does/not/exist.pem' })).toThrow(/ENOENT/);
    expect(bad({ 'properties.compression.type': 'zstd' })).toThrow(KafkaConnectorError);
    expect(bad({ 'properties.acks': '1', 'properties.enable.idempotence': 'true' })).toThrow(/needs 'properties.acks' = 'all'/);
    expect(
      bad({
        'properties.security.protocol': 'SASL_SSL',
        'properties.sasl.mechanism': 'PLAIN',
        'properties.sasl.jaas.config': 'x.ScramLoginModule required username="u" password="p";',
      }),
    ).toThrow(/does not match/);
    expect(compileClientSettings(kafkaTable([], { ...BASE, 'properties.acks': '1' }).options, 'j').producer).toMatchObject({ acks: 1, idempotent: false });
  });
});

describe('table options and checkTable', () => {
  it('compiles Flink options with defaults', () => {
    const o = compileTableOptions(kafkaTable([], { ...BASE, topic: 'a;b', 'json.ignore-parse-errors': 'true', 'key.format': 'raw', 'key.raw.charset': 'UTF-8' }).options, 'j9');
    expect(o.topics).toEqual(['a', 'b']);
    expect(o.groupId).toBe('predictd-j9');
    expect(o.startupMode).toBe('group-offsets');
    expect(o.autoOffsetReset).toBe('latest');
    expect(o.valueFormat).toEqual({ name: 'json', options: { 'ignore-parse-errors': 'true' } });
    expect(o.keyFormat).toEqual({ name: 'raw', options: { charset: 'UTF-8' } });
    expect(compileTableOptions(kafkaTable([], { topic: 'in', 'properties.bootstrap.servers': 'localhost:9092', 'value.format': 'csv', 'value.csv.field-delimiter': ';' }).options, 'j').valueFormat).toEqual({
      name: 'csv',
      options: { 'field-delimiter': ';' },
    });
  });

  it('reports what Flink reports, and options of formats the table does not use', () => {
    const cols = [{ name: 'k', type: T.str }, { name: 'v', type: T.str }, { name: 'off', type: T.big, metadataKey: 'offset' }];
    const check = (opts: Record<string, string>, role: 'source' | 'sink' = 'source', columns = cols) =>
      kafkaConnector.checkTable!(kafkaTable(columns, { ...BASE, ...opts }), role);
    expect(check({})).toEqual([]);
    expect(check({ 'topic-pattern': 'x.*' })).toContain("set either 'topic' or 'topic-pattern', not both");
    expect(check({ 'scan.startup.mode': 'timestamp' })).toContain("'scan.startup.mode' = 'timestamp' needs 'scan.startup.timestamp-millis'");
    expect(check({ 'key.fields': 'k' })).toContain("'key.fields' needs 'key.format'");
    expect(check({ 'key.fields': 'nope', 'key.format': 'raw' })).toEqual([expect.stringMatching(/'nope', which is not a physical column/)]);
    expect(check({ 'key.fields': 'k', 'key.format': 'raw', 'key.fields-prefix': 'k' })).toContain("'key.fields-prefix' needs 'value.fields-include' = 'EXCEPT_KEY'");
    expect(check({ 'csv.field-delimiter': ';' })).toEqual([expect.stringMatching(/format 'csv', which this table does not use/)]);
    expect(check({ 'key.feilds': 'k' })).toEqual(["unknown option 'key.feilds'; did you mean 'key.fields'?"]);
    expect(check({}, 'sink')).toEqual([expect.stringMatching(/metadata 'offset' cannot be written/)]);
    expect(check({}, 'sink', [...cols.slice(0, 2), { name: 'off', type: T.big, metadataKey: 'offset', virtual: true } as never])).toEqual([]);
    expect(check({ topic: 'a;b' }, 'sink', cols.slice(0, 2))).toContain("a Kafka sink writes exactly one 'topic', got 2");
    expect(check({ 'sink.delivery-guarantee': 'exactly-once' }, 'sink', cols.slice(0, 2))).toEqual([
      { code: 'PD2011', option: 'sink.delivery-guarantee', message: expect.stringMatching(/needs 'sink.transactional-id-prefix'/) },
    ]);
    expect(check({ 'sink.delivery-guarantee': 'exactly-once', 'sink.transactional-id-prefix': 'job-a' }, 'sink', cols.slice(0, 2))).toEqual([]);
    expect(check({ 'sink.delivery-guarantee': 'exactly-once', 'sink.transactional-id-prefix': 'job-a', 'properties.acks': '1' }, 'sink', cols.slice(0, 2))).toEqual([
      expect.objectContaining({ code: 'PD2011', option: 'properties.acks' }),
    ]);
    expect(check({}, 'source', [{ name: 'x', type: T.str, metadataKey: 'offest' } as never])).toEqual([
      "column 'x': unknown Kafka metadata key 'offest'; did you mean 'offset'?",
    ]);
  });

  it('declares the metadata columns with Flink types', () => {
    const keys = Object.fromEntries((kafkaConnector.metadata ?? []).map((m) => [m.key, [m.type.kind, m.writable]]));
    expect(keys).toMatchObject({
      topic: ['STRING', false],
      partition: ['INT', false],
      offset: ['BIGINT', false],
      timestamp: ['TIMESTAMP_LTZ', true],
      headers: ['MAP', true],
      key: ['BYTES', false],
      'leader-epoch': ['INT', false],
    });
  });

  it('uses only error codes listed in connector-error-codes.ts', async () => {
    const { readFile } = await import('node:fs/promises');
    const src = await readFile(new URL('../../../connectors/kafka/kafka-connector-error.ts', import.meta.url), 'utf8');
    const used = [...src.matchAll(/'(PD43\d\d)'/g)].map((m) => m[1]!);
    expect(used.length).toBeGreaterThan(0);
    for (const code of used) expect(Object.keys(CONNECTOR_ERROR_CODES)).toContain(code);
  });
});

describe('record codec', () => {
  const registry = testRegistry();

  it('reads key fields (EXCEPT_KEY, prefix), value fields and metadata columns', () => {
    const table = kafkaTable(
      [
        { name: 'k_id', type: T.big },
        { name: 'name', type: T.str },
        { name: 'part', type: T.int, metadataKey: 'partition', virtual: true },
        { name: 'ts', type: T.ltz, metadataKey: 'timestamp' },
        { name: 'hdr', type: T.headers, metadataKey: 'headers' },
        { name: 'rawkey', type: T.bytes, metadataKey: 'key', virtual: true },
      ],
      { ...BASE, 'key.format': 'json', 'key.fields': 'k_id', 'key.fields-prefix': 'k_', 'value.fields-include': 'EXCEPT_KEY' },
    );
    const opts = compileTableOptions(table.options, 'j');
    const decoder = new RecordDecoder(table, tableLayout(table, opts), registry, OWNER);
    const row = decoder.decode({
      topic: 'in',
      partition: 3,
      offset: 17,
      timestamp: '1700000000123',
      key: enc('{"id":5}'),
      value: enc('{"name":"n"}'),
      headers: { h: Buffer.from([1]), dup: [Buffer.from('a'), 'b'] },
      leaderEpoch: 0,
      timestampType: 0,
    });
    expect(row).toEqual([
      5,
      'n',
      3,
      new Date(1700000000123),
      new Map([['h', new Uint8Array([1])], ['dup', new TextEncoder().encode('b')]]),
      new Uint8Array(enc('{"id":5}')),
    ]);

    const encoder = new RecordEncoder(table, tableLayout(table, opts), registry, OWNER);
    const msg = sync(encoder.encode([5, 'n', new Date(1700000000123), new Map([['h', new Uint8Array([1])]])]));
    expect(msg.key?.toString()).toBe('{"id":5}');
    expect(msg.value?.toString()).toBe('{"name":"n"}');
    expect(msg.timestamp).toBe('1700000000123');
    expect(msg.headers).toEqual({ h: Buffer.from([1]) });
  });

  it('keys a sink by its PRIMARY KEY without key.fields; ALL keeps key columns in the value', () => {
    const table = kafkaTable([{ name: 'id', type: T.big }, { name: 'v', type: T.str }], { ...BASE, topic: 'out' }, ['id']);
    const encoder = new RecordEncoder(table, tableLayout(table, compileTableOptions(table.options, 'j')), registry, OWNER);
    const msg = sync(encoder.encode([1, 'x']));
    expect(msg.key?.toString()).toBe('{"id":1}');
    expect(msg.value?.toString()).toBe('{"id":1,"v":"x"}');
  });

  it('skips tombstones, except with raw, which reads NULL; raw writes NULL as a tombstone', () => {
    const record = { topic: 'in', partition: 0, offset: 1, timestamp: '0', key: null, value: null, headers: {}, leaderEpoch: undefined, timestampType: undefined };
    const jsonTable = kafkaTable([{ name: 'v', type: T.str }], BASE);
    expect(new RecordDecoder(jsonTable, tableLayout(jsonTable, compileTableOptions(jsonTable.options, 'j')), registry, OWNER).decode(record)).toBeUndefined();
    const rawTable = kafkaTable([{ name: 'v', type: T.str }], { ...BASE, format: 'raw' });
    const layout = tableLayout(rawTable, compileTableOptions(rawTable.options, 'j'));
    expect(new RecordDecoder(rawTable, layout, registry, OWNER).decode(record)).toEqual([null]);
    expect(sync(new RecordEncoder(rawTable, layout, registry, OWNER).encode([null])).value).toBeNull();
  });

  it('marks decode failures skippable only with ignore-parse-errors', () => {
    const record = { topic: 'in', partition: 0, offset: 1, timestamp: '0', key: null, value: enc('{bad'), headers: {}, leaderEpoch: undefined, timestampType: undefined };
    for (const ignore of [false, true]) {
      const table = kafkaTable([{ name: 'v', type: T.str }], { ...BASE, 'json.ignore-parse-errors': String(ignore) });
      const decoder = new RecordDecoder(table, tableLayout(table, compileTableOptions(table.options, 'j')), registry, OWNER);
      try {
        decoder.decode(record);
        expect.unreachable();
      } catch (err) {
        expect(err).toBeInstanceOf(RecordDecodeError);
        expect((err as RecordDecodeError).skippable).toBe(ignore);
      }
    }
  });

  it('reports unknown formats and bad format options when the source is created', () => {
    const t1 = kafkaTable([{ name: 'v', type: T.str }], { ...BASE, format: 'protobuf' });
    expect(() => new RecordDecoder(t1, tableLayout(t1, compileTableOptions(t1.options, 'j')), registry, OWNER)).toThrow(/unknown value format 'protobuf'/);
    const t2 = kafkaTable([{ name: 'v', type: T.str }], { ...BASE, 'json.ignore-parse-error': 'true' });
    expect(() => new RecordDecoder(t2, tableLayout(t2, compileTableOptions(t2.options, 'j')), registry, OWNER)).toThrow(/json.ignore-parse-error.*did you mean/);
  });
});

describe('docs', () => {
  it('docs/connectors/kafka.md and docs/formats.md list every option and metadata key', async () => {
    const { readFile } = await import('node:fs/promises');
    const { KAFKA_SPEC } = await import('../../../connectors/kafka/kafka-spec.js');
    const { KAFKA_METADATA } = await import('../../../connectors/kafka/kafka-metadata.js');
    const { jsonFormat } = await import('../../../src/formats/json-format.js');
    const { csvFormat } = await import('../../../src/formats/csv-format.js');
    const { rawFormat } = await import('../../../src/formats/raw-format.js');
    const kafkaDoc = await readFile(new URL('../../../docs/connectors/kafka.md', import.meta.url), 'utf8');
    const formatsDoc = await readFile(new URL('../../../docs/formats.md', import.meta.url), 'utf8');
    for (const o of KAFKA_SPEC.options) expect(kafkaDoc, o.key).toContain(`\`${o.key}\``);
    for (const m of KAFKA_METADATA) expect(kafkaDoc, m.key).toContain(`| \`${m.key}\` |`);
    for (const f of [jsonFormat, csvFormat, rawFormat]) {
      for (const o of f.spec.options) expect(formatsDoc, `${f.name}.${o.key}`).toContain(`\`${f.name}.${o.key}\``);
    }
  });
});
