import { readFileSync } from 'node:fs';
import { MilvusClient } from '@zilliz/milvus2-sdk-node';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileJob } from '../../src/daemon/compile-job.js';
import { createDefaultRegistry } from '../../src/daemon/default-registry.js';
import { Job } from '../../src/daemon/job.js';
import { bindModel, LimiterRegistry, modelSpecFor } from '../../src/providers/index.js';
import type { Row } from '../../src/types/data-type.js';
import { createTopic, testBrokers, uniqueTopic } from '../broker/kafka-test-helpers.js';
import { seedEmbeddingJob } from '../connectors/milvus/seed-job.js';
import { uniqueName } from '../connectors/milvus/milvus-test-support.js';
import { OpenAIEmulator } from '../emulators/openai-emulator.js';
import { provideMilvus, type RunningMilvus } from '../milvus/milvus-lite-server.js';
import { silentLogger } from '../support/silent-logger.js';
import { startDaemon, waitFor, type DaemonHarness } from './support/daemon-harness.js';

const SEED_COLLECTION = "'collectionName' = 'movie-comment-embeddings'";
const COMMENTS = {
  '1': 'My favorite part was when the kid guessed the sounds. It is one of the most romantic narratives I have seen in movies. Very gentle and loving.',
  '2': 'Unremarkable.',
};

let milvus: RunningMilvus;
let emulator: OpenAIEmulator;
/** Seed 000's collection, under a name of this file's own (the seed's name is shared with the sink tests). */
const collection = uniqueName('rag_comments');
const registry = createDefaultRegistry();
const log = silentLogger();
const limiters = new LimiterRegistry({ log });

/** Runs a job of VALUES sources to its end; returns what its bare SELECTs printed and the job. */
async function runToEnd(id: string, sql: string): Promise<Row[] & { job: Job }> {
  const plan = compileJob(`${id}.sql`, sql, { registry, modelSpec: modelSpecFor, defaultKafkaBootstrap: '' });
  const printed: Row[] = [];
  const job = Job.start(id, `${id}.sql`, 'h', plan, {
    registry,
    log,
    env: {},
    bindModel: (entry, l) => bindModel(entry.provider, entry.definition, { limiters, log: l }),
    pipeline: { inFlightPerConcurrency: 2, sinkBatchMaxRows: 500, sinkLingerMs: 5 },
    printSink: () => ({ write: async (rows) => void printed.push(...rows), close: async () => {} }),
  });
  const state = await job.done;
  expect(state, JSON.stringify(job.status())).toBe('FINISHED');
  return Object.assign(printed, { job });
}

beforeAll(async () => {
  milvus = await provideMilvus();
  emulator = await OpenAIEmulator.start({ apiKeys: ['sk-test'], defaultDimensions: 16 });
  // Seed 000's embedding job, unchanged but for its endpoints and collection: the knowledge base.
  const seed = seedEmbeddingJob({ endpoint: milvus.host, port: milvus.port, modelEndpoint: emulator.url('/compatible-mode/v1/embeddings'), apiKey: 'sk-test' });
  expect(seed).toContain(SEED_COLLECTION);
  await runToEnd('seed-000', seed.replace(SEED_COLLECTION, `'collectionName' = '${collection}'`));
  // Milvus answers searches from what is flushed and loaded; wait until both seed rows are visible.
  const client = new MilvusClient({ address: `${milvus.host}:${milvus.port}`, logLevel: 'error', timeout: 20_000 });
  try {
    await waitFor('both seed rows', async () => (await client.query({ collection_name: collection, filter: 'id != ""', output_fields: ['id'] })).data.length === 2, 30_000);
  } finally {
    await client.closeConnection();
  }
}, 120_000);

afterAll(async () => {
  await limiters.close();
  await emulator?.close();
  await milvus?.stop();
});

describe('VECTOR_SEARCH over the collection seed 000 wrote', () => {
  it('finds every seeded comment again: top-1 is itself, with a cosine score of 1', async () => {
    const sql = `
CREATE MODEL embedding_model INPUT (\`input\` STRING) OUTPUT (\`embeddings\` ARRAY<FLOAT>)
WITH ('provider' = 'openai', 'endpoint' = '${emulator.url('/v1/embeddings')}', 'api-key' = 'sk-test', 'model' = 'text-embedding-v3');
CREATE TABLE movie_comments (id STRING, movie_name STRING, user_comment STRING, embeddings ARRAY<FLOAT>, PRIMARY KEY (id) NOT ENFORCED)
WITH ('connector' = 'milvus', 'endpoint' = '${milvus.host}:${milvus.port}', 'collectionName' = '${collection}');
CREATE TEMPORARY VIEW queries(qid, text) AS VALUES ('q1', '${COMMENTS['1']}'), ('q2', '${COMMENTS['2']}');
CREATE TEMPORARY VIEW query_vectors AS SELECT qid, embeddings AS qvec FROM ML_PREDICT(TABLE queries, MODEL embedding_model, DESCRIPTOR(text));
SELECT qid, id, movie_name, score
FROM query_vectors, LATERAL TABLE(VECTOR_SEARCH(TABLE movie_comments, DESCRIPTOR(embeddings), query_vectors.qvec, 2, MAP['max-concurrent-operations', '2', 'timeout', '30 s']));
`;
    const rows = await runToEnd('vector-search', sql);
    // Two hits per query, nearest first, in query order (ORDERED).
    expect(rows.map((r) => [r[0], r[1], r[2]])).toEqual([
      ['q1', '1', 'Her Story'],
      ['q1', '2', 'The Dumpling Queen'],
      ['q2', '2', 'The Dumpling Queen'],
      ['q2', '1', 'Her Story'],
    ]);
    expect(rows[0]![3]).toBeCloseTo(1, 4);
    expect(rows[2]![3]).toBeCloseTo(1, 4);
    expect(rows[1]![3] as number).toBeLessThan(0.99);
    // The searches are counted as a model's requests are (status, /metrics).
    const search = rows.job.modelStats().find((m) => m.model === 'VECTOR_SEARCH(movie_comments)');
    expect(search?.stats).toMatchObject({ rows: 2, requests: 2, succeeded: 2, retries: 0 });
  }, 60_000);

  it('named form with VECTOR_SEARCH_AGG: one row per query with its hits as an array', async () => {
    const sql = `
CREATE MODEL embedding_model INPUT (\`input\` STRING) OUTPUT (\`embeddings\` ARRAY<FLOAT>)
WITH ('provider' = 'openai', 'endpoint' = '${emulator.url('/v1/embeddings')}', 'api-key' = 'sk-test', 'model' = 'text-embedding-v3');
CREATE TABLE movie_comments (id STRING, movie_name STRING, user_comment STRING, embeddings ARRAY<FLOAT>, PRIMARY KEY (id) NOT ENFORCED)
WITH ('connector' = 'milvus', 'endpoint' = '${milvus.host}:${milvus.port}', 'collectionName' = '${collection}', 'search.filter' = 'id != "2"');
CREATE TEMPORARY VIEW queries(qid, text) AS VALUES ('q2', '${COMMENTS['2']}');
CREATE TEMPORARY VIEW query_vectors AS SELECT qid, embeddings AS qvec FROM ML_PREDICT(TABLE queries, MODEL embedding_model, DESCRIPTOR(text));
SELECT qid, JSON_STRING(search_results) AS hits
FROM query_vectors, LATERAL TABLE(VECTOR_SEARCH_AGG(SEARCH_TABLE => TABLE movie_comments, COLUMN_TO_SEARCH => DESCRIPTOR(embeddings), COLUMN_TO_QUERY => qvec, TOP_K => 5));
`;
    const rows = await runToEnd('vector-search-agg', sql);
    expect(rows).toHaveLength(1);
    // 'search.filter' keeps comment 2 (the query itself) out: only comment 1 is left.
    const hits = JSON.parse(rows[0]![1] as string) as Array<Record<string, unknown>>;
    expect(hits.map((h) => [h['id'], h['movie_name'], h['user_comment']])).toEqual([['1', 'Her Story', COMMENTS['1']]]);
    expect(Object.keys(hits[0]!)).toEqual(['id', 'movie_name', 'user_comment', 'score']);
  }, 60_000);
});

describe('the RAG job (config/rag/rag-answers.sql)', () => {
  let harness: DaemonHarness | undefined;
  afterAll(async () => harness?.stop());

  it('answers Kafka questions from Kafka with the retrieved passages in the prompt (the emulator echoes it)', async () => {
    const [input, output, group] = [uniqueTopic('rag-questions'), uniqueTopic('rag-answers'), uniqueTopic('predictd-rag-answers')];
    const sql = readFileSync('config/rag/rag-answers.sql', 'utf8')
      .replace("'topic' = 'rag-questions'", `'topic' = '${input}'`)
      .replace("'topic' = 'rag-answers'", `'topic' = '${output}'`)
      .replace("'properties.group.id' = 'predictd-rag-answers'", `'properties.group.id' = '${group}'`)
      .replace(SEED_COLLECTION, `'collectionName' = '${collection}'`);
    expect(sql).toContain(collection);
    const kafka = new Kafka({ brokers: [testBrokers()], logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    await createTopic(admin, input);
    await createTopic(admin, output);
    await admin.disconnect();
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({
      topic: input,
      messages: [
        { value: JSON.stringify({ id: 'a1', question: COMMENTS['1'] }) },
        { value: JSON.stringify({ id: 'a2', question: 'Unremarkable.' }) },
      ],
    });
    await producer.disconnect();

    Object.assign(process.env, {
      KAFKA_BOOTSTRAP_SERVERS: testBrokers(),
      MILVUS_ENDPOINT: `${milvus.host}:${milvus.port}`,
      OPENAI_BASE_URL: emulator.url('/v1'),
      OPENAI_API_KEY: 'sk-test',
    });
    harness = await startDaemon({ 'rag-answers.sql': sql });
    const consumer = kafka.consumer({ groupId: uniqueTopic('reader') });
    const rows: Array<Record<string, string>> = [];
    await consumer.connect();
    await consumer.subscribe({ topic: output, fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void rows.push(JSON.parse(message.value!.toString()) as Record<string, string>) });
    try {
      await waitFor('two answers', () => rows.length >= 2, 60_000);
    } finally {
      await consumer.disconnect();
    }
    expect(rows.map((r) => r['id'])).toEqual(['a1', 'a2']);
    for (const row of rows) {
      const answer = row['answer']!;
      // The echoed prompt: both passages (top 3 of a 2-row collection), nearest first, then the question.
      expect(answer.startsWith('echo: Passages: [')).toBe(true);
      expect(answer).toContain(COMMENTS['1']);
      expect(answer).toContain(`"user_comment":"${COMMENTS['2']}"`);
      expect(answer.endsWith(` Question: ${row['question']}`)).toBe(true);
    }
    const nearest = (answer: string) => (JSON.parse(answer.slice('echo: Passages: '.length, answer.indexOf(' Question: '))) as Array<{ id: string }>)[0]!.id;
    expect(nearest(rows[0]!['answer']!)).toBe('1');
    expect(nearest(rows[1]!['answer']!)).toBe('2');
  }, 120_000);
});
