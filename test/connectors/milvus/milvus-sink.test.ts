import { MilvusClient } from '@zilliz/milvus2-sdk-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { milvusConnector, register } from '../../../connectors/milvus/milvus-connector.js';
import { MilvusConnectorError } from '../../../connectors/milvus/milvus-connector-error.js';
import { compileJob } from '../../../src/daemon/compile-job.js';
import { createDefaultRegistry } from '../../../src/daemon/default-registry.js';
import { Job } from '../../../src/daemon/job.js';
import { bindModel, LimiterRegistry, modelSpecFor } from '../../../src/providers/index.js';
import type { Sink } from '../../../src/spi/sink.js';
import type { TableColumn } from '../../../src/spi/connector.js';
import type { Row } from '../../../src/types/data-type.js';
import { OpenAIEmulator } from '../../emulators/openai-emulator.js';
import { silentLogger } from '../../support/silent-logger.js';
import { provideMilvus, type RunningMilvus } from '../../milvus/milvus-lite-server.js';
import { col, connectorContext, f32, milvusTable, SEED_COLUMNS, T, uniqueName } from './milvus-test-support.js';
import { seedEmbeddingJob } from './seed-job.js';

let milvus: RunningMilvus;
let client: MilvusClient;
const sinks: Sink[] = [];
const signal = new AbortController().signal;

beforeAll(async () => {
  milvus = await provideMilvus();
  client = new MilvusClient({ address: `${milvus.host}:${milvus.port}`, logLevel: 'error', timeout: 20_000 });
});

afterAll(async () => {
  await Promise.all(sinks.map((s) => s.close()));
  await client?.closeConnection();
  await milvus?.stop();
});

function openSink(columns: TableColumn[], options: Record<string, string>, pk = ['id'], log = silentLogger()): Sink {
  const table = milvusTable(columns, { endpoint: milvus.host, port: String(milvus.port), ...options }, pk);
  expect(milvusConnector.checkTable!(table, 'sink')).toEqual([]);
  const sink = milvusConnector.createSink!(table, connectorContext(log));
  sinks.push(sink);
  return sink;
}

async function queryAll(collection: string, filter = ''): Promise<Array<Record<string, unknown>>> {
  const res = await client.query({ collection_name: collection, filter, output_fields: ['*'], limit: 1000 });
  expect(res.status.error_code).toBe('Success');
  return res.data.sort((a, b) => String(a['id']).localeCompare(String(b['id'])));
}

const expectVector = (actual: unknown, expected: readonly number[]) => {
  expect(actual).toHaveLength(expected.length);
  (actual as number[]).forEach((x, i) => expect(x).toBe(f32(expected[i]!)));
};

describe('milvus sink against a real Milvus (milvus-lite)', () => {
  it('creates the missing collection from the table: fields, dimension from the first row, index, loaded', async () => {
    const name = uniqueName('created');
    expect((await client.hasCollection({ collection_name: name })).value).toBe(false);
    const sink = openSink(SEED_COLUMNS, { collectionName: name, 'metric-type': 'L2', 'index-type': 'FLAT' });
    await sink.write([['1', 'Her Story', 'Very gentle and loving.', [0.1, 0.2, 0.3, 0.4]]], { signal });

    const described = await client.describeCollection({ collection_name: name, cache: false });
    const fields = described.schema.fields.map((f) => ({
      name: f.name,
      type: f.data_type,
      pk: f.is_primary_key,
      nullable: f.nullable,
      params: Object.fromEntries(f.type_params.map((p) => [p.key, String(p.value)])),
    }));
    expect(fields).toEqual([
      { name: 'id', type: 'VarChar', pk: true, nullable: false, params: { max_length: '65535' } },
      { name: 'movie_name', type: 'VarChar', pk: false, nullable: true, params: { max_length: '65535' } },
      { name: 'user_comment', type: 'VarChar', pk: false, nullable: true, params: { max_length: '65535' } },
      { name: 'embeddings', type: 'FloatVector', pk: false, nullable: false, params: { dim: '4' } },
    ]);
    const index = await client.describeIndex({ collection_name: name, field_name: 'embeddings' });
    expect(Object.fromEntries(index.index_descriptions[0]!.params.map((p) => [p.key, p.value]))).toMatchObject({ index_type: 'FLAT', metric_type: 'L2' });
    expect((await client.getLoadState({ collection_name: name })).state).toBe('LoadStateLoaded');
  });

  it('writes rows that read back: keys, scalars and vectors (float32)', async () => {
    const name = uniqueName('roundtrip');
    const columns = [col('id', T.bigKey), col('title', T.str), col('n', T.int), col('score', T.double), col('ok', T.bool), col('at', T.ltz), col('tags', T.tags), col('v', T.vector)];
    const sink = openSink(columns, { collectionName: name, 'sink.buffer-flush.max-rows': '2' });
    const at = new Date('2026-03-04T05:06:07.089Z');
    const rows: Row[] = [
      [1, 'héllo wörld', 42, 0.125, true, at, new Map([['a', 1], ['b', null]]), [0.1, 0.2, 0.3]],
      [2, null, null, null, null, null, null, [1, 0, 0]],
      [9_007_199_254_740_991, 'max', -7, -1.5, false, new Date(0), new Map(), [0, 0, 1]],
    ];
    await sink.write(rows, { signal });

    const got = await queryAll(name);
    expect(got).toHaveLength(3);
    const byId = new Map(got.map((r) => [String(r['id']), r]));
    expect(byId.get('1')).toMatchObject({ title: 'héllo wörld', n: 42, score: 0.125, ok: true, at: String(at.getTime()), tags: { a: 1, b: null } });
    expectVector(byId.get('1')!['v'], [0.1, 0.2, 0.3]);
    expect(byId.get('2')).toMatchObject({ title: null, n: null, score: null, ok: null, at: null, tags: null });
    expect(byId.get('9007199254740991')).toMatchObject({ title: 'max', n: -7, score: -1.5, ok: false, at: '0', tags: {} });
    expectVector(byId.get('9007199254740991')!['v'], [0, 0, 1]);
  });

  it('upserts by primary key: the same key written twice is one row with the latest values', async () => {
    const name = uniqueName('upsert');
    const sink = openSink(SEED_COLUMNS, { collectionName: name });
    await sink.write([['1', 'Her Story', 'first', [1, 0, 0]], ['2', 'The Dumpling Queen', 'Unremarkable.', [0, 1, 0]]], { signal });
    // A replay after a crash: the same keys again, one of them with new values.
    await sink.write([['1', 'Her Story', null, [0, 0, 1]], ['2', 'The Dumpling Queen', 'Unremarkable.', [0, 1, 0]]], { signal });
    expect((await queryAll(name)).map((r) => [r['id'], r['user_comment']])).toEqual([['1', null], ['2', 'Unremarkable.']]);
    await sink.write([['1', 'Her Story (2024)', 'latest', [0.5, 0.5, 0]]], { signal });

    const got = await queryAll(name);
    expect(got.map((r) => r['id'])).toEqual(['1', '2']);
    expect(got[0]).toMatchObject({ movie_name: 'Her Story (2024)', user_comment: 'latest' });
    expectVector(got[0]!['embeddings'], [0.5, 0.5, 0]);
    const count = await client.query({ collection_name: name, filter: '', output_fields: ['count(*)'] });
    expect(Number(count.data[0]!['count(*)'])).toBe(2);
  });

  it('a vector search returns the nearest written row', async () => {
    const name = uniqueName('search');
    const sink = openSink(SEED_COLUMNS, { collectionName: name, 'vector.dimension': '3' });
    await sink.write(
      [
        ['north', 'a', 'x', [0, 1, 0]],
        ['east', 'b', 'y', [1, 0, 0]],
        ['up', 'c', 'z', [0, 0, 1]],
      ],
      { signal },
    );
    const res = await client.search({ collection_name: name, data: [[0.9, 0.1, 0.05]], limit: 2, output_fields: ['id', 'movie_name'] });
    expect(res.status.error_code).toBe('Success');
    expect(res.results.map((r) => r['id'])).toEqual(['east', 'north']);
    expect(res.results[0]).toMatchObject({ movie_name: 'b' });
  });

  it('writes into an existing collection by its schema, and refuses one that does not fit', async () => {
    const name = uniqueName('existing');
    const created = await client.createCollection({
      collection_name: name,
      fields: [
        { name: 'id', data_type: 'Int64', is_primary_key: true, autoID: false },
        { name: 'title', data_type: 'VarChar', max_length: 16, nullable: true },
        { name: 'scores', data_type: 'Array', element_type: 'Double', max_capacity: 8, nullable: true },
        { name: 'v', data_type: 'FloatVector', dim: 2 },
      ],
    });
    expect(created.error_code).toBe('Success');
    const sink = openSink([col('id', T.bigKey), col('title', T.str), col('scores', { kind: 'ARRAY', element: T.double, nullable: true }), col('v', T.vector)], { collectionName: name });
    await sink.write([[5, 'five', [1.5, 2.5], [0.6, 0.8]]], { signal });
    const got = await queryAll(name);
    expect(got).toMatchObject([{ id: '5', title: 'five', scores: [1.5, 2.5] }]);

    const misfit = openSink([col('id', T.strKey), col('v', T.vector)], { collectionName: name });
    const err = await misfit.write([['k', [1, 0]]], { signal }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MilvusConnectorError);
    expect(err).toMatchObject({ code: 'PD4342', message: expect.stringMatching(/column 'id' \(STRING NOT NULL\) cannot be written to field 'id' \(Int64\)/) });
  });

  it('refuses a batch holding a vector of the wrong dimension before any of it is written', async () => {
    const name = uniqueName('baddim');
    const sink = openSink(SEED_COLUMNS, { collectionName: name });
    await sink.write([['1', 'a', 'b', [1, 0, 0]]], { signal });
    const err = await sink.write([['2', 'a', 'b', [1, 0, 0]], ['3', 'a', 'b', [1, 0]]], { signal }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'PD4343', message: "row with id = \"3\": column 'embeddings' has a vector of 2 values; field 'embeddings' has dimension 3" });
    expect((await queryAll(name)).map((r) => r['id'])).toEqual(['1']);
  });

  it('maps the seed collection name, closes idempotently and refuses writes after close', async () => {
    const declared = `${uniqueName('movie')}-comment-embeddings`;
    const sink = openSink(SEED_COLUMNS, { collectionName: declared });
    await sink.write([['1', 'Her Story', 'loving', [1, 0]]], { signal });
    expect((await client.hasCollection({ collection_name: declared.replace(/-/g, '_') })).value).toBe(true);
    expect((await client.hasCollection({ collection_name: declared })).value).toBe(false);
    await sink.close();
    await sink.close();
    await expect(sink.write([['2', 'x', 'y', [0, 1]]], { signal })).rejects.toMatchObject({ code: 'PD4345' });
  });

  it('fails a write against an unreachable server with PD4344, and gives up at once when aborted', async () => {
    const table = milvusTable(SEED_COLUMNS, { endpoint: '127.0.0.1', port: '1', collectionName: 'nowhere', 'sink.request-timeout': '2 s' });
    const sink = milvusConnector.createSink!(table, connectorContext());
    sinks.push(sink);
    await expect(sink.write([['1', 'a', 'b', [1]]], { signal })).rejects.toMatchObject({ code: 'PD4344' });
    const stop = new AbortController();
    const pending = sink.write([['1', 'a', 'b', [1]]], { signal: stop.signal });
    stop.abort(new Error('hard stop'));
    await expect(pending).rejects.toThrow('hard stop');
    await sink.close();
  });

  it('runs the seed job unchanged: VALUES -> ML_PREDICT embeddings -> Milvus', async () => {
    const emulator = await OpenAIEmulator.start({ apiKeys: ['sk-test'], defaultDimensions: 16 });
    const log = silentLogger();
    const limiters = new LimiterRegistry({ log });
    try {
      // The seed's collection name is fixed, so this test cannot use a unique one.
      await client.dropCollection({ collection_name: 'movie_comment_embeddings' });
      const registry = createDefaultRegistry();
      if (!registry.connector('milvus')) register(registry);
      const sql = seedEmbeddingJob({ endpoint: milvus.host, port: milvus.port, modelEndpoint: emulator.url('/compatible-mode/v1/embeddings'), apiKey: 'sk-test' });
      const plan = compileJob('seed-000.sql', sql, { registry, modelSpec: modelSpecFor, defaultKafkaBootstrap: '' });
      const job = Job.start('seed-000', 'seed-000.sql', 'h', plan, {
        registry,
        log,
        env: {},
        bindModel: (entry, l) => bindModel(entry.provider, entry.definition, { limiters, log: l }),
        pipeline: { inFlightPerConcurrency: 2, sinkBatchMaxRows: 500, sinkLingerMs: 5 },
        printSink: () => ({ write: async () => {}, close: async () => {} }),
      });
      const state = await job.done;
      expect(state, JSON.stringify(job.status())).toBe('FINISHED');

      const got = await queryAll('movie_comment_embeddings');
      expect(got.map((r) => [r['id'], r['movie_name']])).toEqual([['1', 'Her Story'], ['2', 'The Dumpling Queen']]);
      expect(got[1]).toMatchObject({ user_comment: 'Unremarkable.' });
      expect(got[0]!['embeddings']).toHaveLength(16);
      expect(emulator.counters.embeddingInputs).toBe(2);
    } finally {
      await limiters.close();
      await emulator.close();
    }
  });
});
