import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { milvusConnector, register } from '../../../connectors/milvus/milvus-connector.js';
import { MilvusConnectorError, MILVUS_ERROR_CODES } from '../../../connectors/milvus/milvus-connector-error.js';
import { MILVUS_SPEC } from '../../../connectors/milvus/milvus-spec.js';
import { compileMilvusOptions, parseEndpoint, sanitizeCollectionName } from '../../../connectors/milvus/milvus-table-options.js';
import { fieldsToCreate, rowEncoder, toJson, type MilvusField } from '../../../connectors/milvus/milvus-schema.js';
import { compileJob } from '../../../src/daemon/compile-job.js';
import { createDefaultRegistry } from '../../../src/daemon/default-registry.js';
import { DiagnosticsError } from '../../../src/errors/diagnostic.js';
import { modelSpecFor } from '../../../src/providers/index.js';
import { col, milvusTable, SEED_COLUMNS, T } from './milvus-test-support.js';
import { seedEmbeddingJob } from './seed-job.js';

const BASE = { endpoint: 'milvus.example.com', collectionName: 'docs' };

describe('milvus options', () => {
  it('fills VVR defaults and maps the seed collection name to a valid Milvus name', () => {
    const o = compileMilvusOptions(milvusTable(SEED_COLUMNS, { ...BASE, collectionName: 'movie-comment-embeddings', userName: 'root', password: 'Milvus' }).options);
    expect(o).toMatchObject({
      address: 'milvus.example.com:19530',
      ssl: false,
      auth: { kind: 'user', userName: 'root', password: 'Milvus' },
      database: 'default',
      declaredCollection: 'movie-comment-embeddings',
      collection: 'movie_comment_embeddings',
      maxRowsPerRequest: 500,
      requestTimeoutMs: 30_000,
      metricType: 'COSINE',
      indexType: 'AUTOINDEX',
    });
    expect(compileMilvusOptions(milvusTable(SEED_COLUMNS, { ...BASE, collectionName: 'a-b', 'collection.name-mapping': 'verbatim' }).options).collection).toBe('a-b');
    expect(sanitizeCollectionName('2024 reviews.v1')).toBe('_2024_reviews_v1');
  });

  it('reads a host, host:port, IPv6 or URL endpoint', () => {
    expect(parseEndpoint('10.0.0.5')).toEqual({ host: '10.0.0.5', port: undefined, ssl: false });
    expect(parseEndpoint('milvus:19531')).toEqual({ host: 'milvus', port: 19531, ssl: false });
    expect(parseEndpoint('[::1]:19530')).toEqual({ host: '::1', port: 19530, ssl: false });
    expect(parseEndpoint('https://in01-x.zillizcloud.com:443/')).toEqual({ host: 'in01-x.zillizcloud.com', port: 443, ssl: true });
    expect(parseEndpoint('http://localhost')).toEqual({ host: 'localhost', port: undefined, ssl: false });
    const o = compileMilvusOptions(milvusTable(SEED_COLUMNS, { ...BASE, endpoint: 'https://c.example.com', port: '443', token: 'abc' }).options);
    expect(o).toMatchObject({ address: 'c.example.com:443', ssl: true, auth: { kind: 'token', token: 'abc' } });
    expect(compileMilvusOptions(milvusTable(SEED_COLUMNS, { ...BASE, endpoint: '::1' }).options).address).toBe('[::1]:19530');
  });

  it('reports unusable options with PD4341 and never echoes secrets', () => {
    const bad = (extra: Record<string, string>) => () => compileMilvusOptions(milvusTable(SEED_COLUMNS, { ...BASE, ...extra }).options);
    expect(bad({ endpoint: 'ftp://x' })).toThrow(/scheme 'ftp'/);
    expect(bad({ endpoint: 'http://x/path' })).toThrow(/must not carry a path/);
    expect(bad({ endpoint: 'x:19531', port: '19530' })).toThrow(/names port 19531 but 'port' is 19530/);
    expect(bad({ userName: 'root' })).toThrow(/'userName' needs 'password'/);
    expect(bad({ password: 's3cret-pw' })).toThrow(/'password' needs 'userName'/);
    expect(bad({ token: 'tok-s3cret', userName: 'root', password: 's3cret-pw' })).toThrow(/either 'token' or 'userName'/);
    expect(bad({ databaseName: 'my-db' })).toThrow(/'databaseName' 'my-db' is not a Milvus name/);
    expect(bad({ partitionName: '1p' })).toThrow(/'partitionName'/);
    expect(bad({ collectionName: 'x'.repeat(300) })).toThrow(/longer than Milvus' 255/);
    try {
      bad({ token: 'tok-s3cret', userName: 'root', password: 's3cret-pw' })();
    } catch (err) {
      expect(err).toBeInstanceOf(MilvusConnectorError);
      expect((err as MilvusConnectorError).code).toBe('PD4341');
      expect((err as Error).message).not.toMatch(/s3cret/);
    }
    expect(Object.keys(MILVUS_ERROR_CODES)).toEqual(['PD4341', 'PD4342', 'PD4343', 'PD4344', 'PD4345']);
  });

  it('takes a value still holding a ${...} reference as valid when checking (the daemon resolves it before the sink exists)', () => {
    const table = milvusTable(SEED_COLUMNS, { ...BASE, endpoint: '${MILVUS_HOST}', userName: 'root', password: '${file:/run/secrets/milvus}' });
    expect(milvusConnector.checkTable!(table, 'sink')).toEqual([]);
  });
});

describe('milvus checkTable', () => {
  const check = (columns = SEED_COLUMNS, pk = ['id'], extra: Record<string, string> = {}, role: 'sink' | 'source' = 'sink') =>
    milvusConnector.checkTable!(milvusTable(columns, { ...BASE, ...extra }, pk), role);

  it('accepts the seed table', () => {
    expect(check()).toEqual([]);
    expect(check(SEED_COLUMNS, ['id'], { collectionName: 'movie-comment-embeddings' })).toEqual([]);
  });

  it('needs a primary key', () => {
    expect(check(SEED_COLUMNS, [])).toEqual([expect.stringMatching(/needs PRIMARY KEY \(<column>\) NOT ENFORCED on a BIGINT or STRING column/)]);
  });

  it('needs a BIGINT or STRING primary key of one column', () => {
    const intKey = [col('id', T.int), col('v', T.vector)];
    expect(check(intKey)).toEqual(["primary key column 'id' is INT; Milvus primary keys are BIGINT (Int64) or STRING (VarChar)"]);
    expect(check([col('id', T.double), col('v', T.vector)])).toEqual([expect.stringContaining("'id' is DOUBLE")]);
    expect(check([col('id', T.bigKey), col('v', T.vector)])).toEqual([]);
    expect(check([col('a', T.strKey), col('b', T.strKey), col('v', T.vector)], ['a', 'b'])).toEqual([expect.stringMatching(/single field; PRIMARY KEY \(a, b\)/)]);
  });

  it('needs a vector column and allows several', () => {
    expect(check([col('id', T.strKey), col('text', T.str)])).toEqual([expect.stringMatching(/needs an ARRAY<FLOAT> column/)]);
    expect(check([col('id', T.strKey), col('v1', T.vector), col('v2', T.vector)])).toEqual([]);
  });

  it('refuses types, names and roles Milvus cannot take', () => {
    expect(check([...SEED_COLUMNS, col('raw', T.bytes)])).toEqual([expect.stringMatching(/column 'raw' is BYTES: Milvus has no bytes scalar type/)]);
    expect(check([...SEED_COLUMNS, col('user comment', T.str)])).toEqual([expect.stringMatching(/column name 'user comment' is not a Milvus name/)]);
    expect(check(SEED_COLUMNS, ['id'], {}, 'source')).toEqual([expect.stringMatching(/search it with VECTOR_SEARCH/)]);
    expect(check(SEED_COLUMNS, ['id'], { userName: 'root' })).toEqual(["'userName' needs 'password'"]);
  });
});

describe('milvus schema mapping', () => {
  const table = milvusTable(
    [col('id', T.bigKey), col('title', T.str), col('n', T.int), col('score', T.double), col('ok', T.bool), col('at', T.ltz), col('tags', T.tags), col('v', T.vector)],
    BASE,
  );

  it('derives the collection fields from the table', () => {
    expect(fieldsToCreate(table, new Map([['v', 3]]))).toEqual([
      { name: 'id', data_type: 'Int64', is_primary_key: true, autoID: false },
      { name: 'title', data_type: 'VarChar', nullable: true, max_length: 65_535 },
      { name: 'n', data_type: 'Int32', nullable: true },
      { name: 'score', data_type: 'Double', nullable: true },
      { name: 'ok', data_type: 'Bool', nullable: true },
      { name: 'at', data_type: 'Int64', nullable: true },
      { name: 'tags', data_type: 'JSON', nullable: true },
      { name: 'v', data_type: 'FloatVector', dim: 3 },
    ]);
  });

  const field = (name: string, dataType: string, extra: Partial<MilvusField> = {}): MilvusField => ({
    name, dataType, isPrimaryKey: false, autoId: false, nullable: true, hasDefault: false, isFunctionOutput: false, ...extra,
  });
  const schema = {
    dynamicField: false,
    fields: [
      field('id', 'Int64', { isPrimaryKey: true, nullable: false }),
      field('title', 'VarChar', { maxLength: 8 }),
      field('n', 'Int64'),
      field('score', 'Float'),
      field('ok', 'Bool'),
      field('at', 'VarChar'),
      field('tags', 'JSON'),
      field('v', 'FloatVector', { dim: 3, nullable: false }),
    ],
  };

  it('encodes values by the collection fields', () => {
    const encode = rowEncoder(table, schema, 'c', undefined);
    const at = new Date('2026-01-02T03:04:05.678Z');
    expect(encode([7, 'héllo', 3, 0.5, true, at, new Map([['a', 1]]), [1, 0, 0]])).toEqual({
      id: 7, title: 'héllo', n: 3, score: 0.5, ok: true, at: '2026-01-02T03:04:05.678Z', tags: { a: 1 }, v: [1, 0, 0],
    });
    expect(encode([8, null, null, null, null, null, null, [0, 1, 0]])).toMatchObject({ title: null, tags: null });
    expect(toJson({ kind: 'ROW', fields: [{ name: 'x', type: T.int }, { name: 'b', type: T.bytes }], nullable: true }, [1, new Uint8Array([1, 2])])).toEqual({ x: 1, b: 'AQI=' });
  });

  it('refuses rows Milvus cannot take with PD4343, naming the key and column', () => {
    const encode = rowEncoder(table, schema, 'c', undefined);
    const row = (patch: Record<number, unknown>) => Object.assign([7, 't', 1, 1, true, null, null, [1, 0, 0]], patch);
    expect(() => encode(row({ 7: [1, 0] }))).toThrow("row with id = 7: column 'v' has a vector of 2 values; field 'v' has dimension 3");
    expect(() => encode(row({ 7: null }))).toThrow("row with id = 7: column 'v' is NULL but is a vector");
    expect(() => encode(row({ 0: null }))).toThrow("row with id = NULL: column 'id' is NULL but is the primary key");
    expect(() => encode(row({ 1: 'ééééé' }))).toThrow(/holds 10 bytes of text; the Milvus field allows 8/);
    try {
      encode(row({ 7: null }));
    } catch (err) {
      expect((err as MilvusConnectorError).code).toBe('PD4343');
    }
  });

  it('refuses a collection that does not fit the table with PD4342, listing every mismatch', () => {
    const other = {
      dynamicField: false,
      fields: [field('key', 'VarChar', { isPrimaryKey: true, autoId: true }), field('title', 'Int64'), field('v', 'BinaryVector', { dim: 3 }), field('must', 'Int64', { nullable: false })],
    };
    expect(() => rowEncoder(table, other, 'c', undefined)).toThrow(
      "collection 'c' does not fit table 'milvus_sink': its primary key field is 'key', the table's PRIMARY KEY is 'id'; it has no field 'id' (and no dynamic field); " +
        "column 'title' (STRING) cannot be written to field 'title' (Int64); it has no field 'n' (and no dynamic field); it has no field 'score' (and no dynamic field); " +
        "it has no field 'ok' (and no dynamic field); it has no field 'at' (and no dynamic field); it has no field 'tags' (and no dynamic field); " +
        "column 'v' (ARRAY<FLOAT>) cannot be written to field 'v' (BinaryVector): predictd does not write Milvus BinaryVector fields; " +
        "its field 'must' (Int64) is required but the table has no column 'must'",
    );
    expect(() => rowEncoder(table, schema, 'c', 4)).toThrow("vector field 'v' has dimension 3, 'vector.dimension' is 4");
  });
});

describe('the seed job', () => {
  const ctx = () => {
    const registry = createDefaultRegistry();
    if (!registry.connector('milvus')) register(registry);
    return { registry, modelSpec: modelSpecFor, defaultKafkaBootstrap: '' };
  };

  it('validates unchanged apart from its placeholders', () => {
    const sql = seedEmbeddingJob({ endpoint: 'milvus.example.com', port: 19530, modelEndpoint: 'https://dashscope.aliyuncs.com/compatible-mode/v1/embeddings', apiKey: 'sk-test' });
    const plan = compileJob('seed-000.sql', sql, ctx());
    expect(plan.pipelines).toHaveLength(1);
  });

  it('reports a Milvus table without a primary key at its line and column', () => {
    const sql = seedEmbeddingJob({ endpoint: 'milvus.example.com', port: 19530, modelEndpoint: 'https://dashscope.aliyuncs.com/compatible-mode/v1/embeddings', apiKey: 'sk-test' })
      .replace('embeddings ARRAY<FLOAT>,\nPRIMARY KEY (id) NOT ENFORCED', 'embeddings ARRAY<FLOAT>');
    try {
      compileJob('seed-000.sql', sql, ctx());
      expect.unreachable('the job compiled');
    } catch (err) {
      expect(err).toBeInstanceOf(DiagnosticsError);
      expect((err as Error).message).toMatch(/^seed-000\.sql:\d+:\d+: /);
      const [d] = (err as DiagnosticsError).diagnostics;
      expect(d).toMatchObject({ code: 'PD2011', message: expect.stringMatching(/table 'milvus_sink': a Milvus sink needs PRIMARY KEY/) });
    }
  });
});

it('docs/connectors/milvus.md lists every option and error code', async () => {
  const doc = await readFile(new URL('../../../docs/connectors/milvus.md', import.meta.url), 'utf8');
  for (const opt of MILVUS_SPEC.options) expect(doc, opt.key).toContain(`| \`${opt.key}\` |`);
  for (const code of Object.keys(MILVUS_ERROR_CODES)) expect(doc, code).toContain(`| ${code} |`);
});
