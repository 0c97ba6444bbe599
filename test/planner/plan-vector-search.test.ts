import { describe, expect, it } from 'vitest';
import type { StagePlan } from '../../src/planner/pipeline-plan.js';
import { parseScriptOrThrow, printStatement } from '../../src/sql/index.js';
import { diagnosticsOf, onlyPipeline, stageKinds } from './plan-helpers.js';

const DDL = `
CREATE TABLE questions (id STRING, question STRING, qvec ARRAY<FLOAT>, qdoubles ARRAY<DOUBLE>, label STRING) WITH ('connector' = 'datagen', 'number-of-rows' = '1');
CREATE TABLE docs (
  id STRING,
  passage STRING,
  embedding ARRAY<FLOAT>,
  PRIMARY KEY (id) NOT ENFORCED
) WITH ('connector' = 'milvus', 'endpoint' = 'localhost', 'collectionName' = 'docs', 'search.filter' = 'id != "x"');
CREATE TABLE kafka_t (id STRING, v ARRAY<FLOAT>) WITH ('connector' = 'kafka', 'topic' = 't', 'format' = 'json', 'properties.bootstrap.servers' = 'localhost:9092');
`;

function searchOf(sql: string): Extract<StagePlan, { kind: 'search' }> {
  const plan = onlyPipeline(`${DDL}${sql}`);
  const stage = plan.stages.find((s) => s.kind === 'search');
  if (!stage || stage.kind !== 'search') throw new Error('no search stage');
  return stage;
}

function errorsOf(sql: string) {
  return diagnosticsOf(`${DDL}${sql}`).map((d) => ({ code: d.code, line: d.line - DDL.split('\n').length + 1, col: d.col, message: d.message }));
}

describe('VECTOR_SEARCH syntax', () => {
  it('positional (Flink 2.2 code order): query row + search table columns + score', () => {
    const plan = onlyPipeline(`${DDL}SELECT * FROM questions, LATERAL TABLE(VECTOR_SEARCH(TABLE docs, DESCRIPTOR(embedding), questions.qvec, 3));`);
    expect(stageKinds(plan)).toEqual(['search', 'map']);
    expect(plan.outputColumns.map((c) => `${c.name} ${c.type.kind}`)).toEqual([
      'id STRING',
      'question STRING',
      'qvec ARRAY',
      'qdoubles ARRAY',
      'label STRING',
      'id0 STRING',
      'passage STRING',
      'embedding ARRAY',
      'score DOUBLE',
    ]);
    const stage = searchOf('SELECT * FROM questions, LATERAL TABLE(VECTOR_SEARCH(TABLE docs, DESCRIPTOR(embedding), questions.qvec, 3));');
    expect(stage).toMatchObject({ column: 'embedding', topK: 3, aggregate: undefined, config: { maxConcurrent: 10, ordered: true, timeoutMs: 180_000 } });
    expect(stage.table.name).toBe('docs');
  });

  it('named form in any order, with CONFIG; an alias qualifies the search columns', () => {
    const plan = onlyPipeline(
      `${DDL}SELECT q.id, s.id0 AS doc, s.passage, s.score FROM questions AS q, LATERAL TABLE(VECTOR_SEARCH(TOP_K => 2, COLUMN_TO_QUERY => q.qvec, SEARCH_TABLE => TABLE docs, COLUMN_TO_SEARCH => DESCRIPTOR(embedding), CONFIG => MAP['max-concurrent-operations', '4', 'output-mode', 'ALLOW_UNORDERED', 'timeout', '20 s'])) AS s;`,
    );
    expect(plan.outputColumns.map((c) => c.name)).toEqual(['id', 'doc', 'passage', 'score']);
    const stage = plan.stages.find((s) => s.kind === 'search') as Extract<StagePlan, { kind: 'search' }>;
    expect(stage).toMatchObject({ topK: 2, config: { maxConcurrent: 4, ordered: false, timeoutMs: 20_000 } });
  });

  it("falls back to SET 'table.exec.async-vector-search.*'", () => {
    const stage = searchOf(
      `SET 'table.exec.async-vector-search.max-concurrent-operations' = '7';\nSELECT * FROM questions, LATERAL TABLE(VECTOR_SEARCH(TABLE docs, DESCRIPTOR(embedding), qvec, 1));`,
    );
    expect(stage.config.maxConcurrent).toBe(7);
  });

  it('takes a query vector only when it casts implicitly to the searched column (ARRAY<DOUBLE> does not narrow to ARRAY<FLOAT>)', () => {
    expect(errorsOf('SELECT * FROM questions, LATERAL TABLE(VECTOR_SEARCH(TABLE docs, DESCRIPTOR(embedding), qdoubles, 1));')[0]?.message).toBe(
      "VECTOR_SEARCH: COLUMN_TO_QUERY qdoubles is ARRAY<DOUBLE>, which cannot be cast to ARRAY<FLOAT> (the type of 'embedding')",
    );
  });

  it('alone in FROM with a constant query (one query row)', () => {
    const plan = onlyPipeline(`${DDL}SELECT passage, score FROM LATERAL TABLE(VECTOR_SEARCH(TABLE docs, DESCRIPTOR(embedding), ARRAY[CAST(0.5 AS FLOAT), CAST(0.5 AS FLOAT)], 4));`);
    expect(plan.source.kind).toBe('values');
    expect(plan.outputColumns.map((c) => c.name)).toEqual(['passage', 'score']);
  });

  it('VECTOR_SEARCH_AGG folds the hits of one query row into search_results ARRAY<ROW<non-vector columns, score>>', () => {
    const plan = onlyPipeline(
      `${DDL}SELECT id, JSON_STRING(search_results) AS passages FROM questions, LATERAL TABLE(VECTOR_SEARCH_AGG(TABLE docs, DESCRIPTOR(embedding), qvec, 2));`,
    );
    const stage = plan.stages.find((s) => s.kind === 'search') as Extract<StagePlan, { kind: 'search' }>;
    expect(stage.aggregate).toEqual({ keep: [0, 1] });
    expect(stage.outputs).toEqual([
      {
        name: 'search_results',
        type: {
          kind: 'ARRAY',
          nullable: false,
          element: {
            kind: 'ROW',
            nullable: false,
            fields: [
              { name: 'id', type: { kind: 'STRING', nullable: true } },
              { name: 'passage', type: { kind: 'STRING', nullable: true } },
              { name: 'score', type: { kind: 'DOUBLE', nullable: false } },
            ],
          },
        },
      },
    ]);
  });

  it('prints and parses back unchanged (positional and named)', () => {
    for (const sql of [
      'SELECT * FROM questions, LATERAL TABLE(VECTOR_SEARCH(TABLE docs, DESCRIPTOR(embedding), questions.qvec, 3, MAP[\'timeout\', \'5 s\']))',
      'SELECT * FROM questions AS q, LATERAL TABLE(VECTOR_SEARCH_AGG(SEARCH_TABLE => TABLE docs, COLUMN_TO_SEARCH => DESCRIPTOR(embedding), COLUMN_TO_QUERY => q.qvec, TOP_K => 2)) AS s',
    ]) {
      const printed = printStatement(parseScriptOrThrow(sql, 'a.sql')[0]!);
      expect(printed.replace(/\s+/g, ' ')).toContain(sql.includes('=>') ? 'VECTOR_SEARCH_AGG(SEARCH_TABLE => TABLE docs, COLUMN_TO_SEARCH => DESCRIPTOR(embedding), COLUMN_TO_QUERY => q.qvec, TOP_K => 2)' : "VECTOR_SEARCH(TABLE docs, DESCRIPTOR(embedding), questions.qvec, 3, MAP['timeout', '5 s'])");
      expect(printStatement(parseScriptOrThrow(printed, 'b.sql')[0]!)).toBe(printed);
    }
  });
});

describe('VECTOR_SEARCH argument checks (positioned)', () => {
  const at = (sql: string) => errorsOf(sql).map(({ code, line, col, message }) => ({ code, line, col, message }));

  it('TOP_K must be a positive integer literal', () => {
    expect(at('SELECT * FROM questions, LATERAL TABLE(VECTOR_SEARCH(TABLE docs, DESCRIPTOR(embedding), qvec, 0));')).toEqual([
      { code: 'PD2029', line: 1, col: 95, message: 'VECTOR_SEARCH: TOP_K must be positive, got 0' },
    ]);
    expect(at('SELECT * FROM questions, LATERAL TABLE(VECTOR_SEARCH(TABLE docs, DESCRIPTOR(embedding), qvec, 2.5));')[0]).toMatchObject({
      code: 'PD2029',
      col: 95,
      message: 'VECTOR_SEARCH: TOP_K must be an INTEGER literal, got 2.5',
    });
    expect(at('SELECT * FROM questions, LATERAL TABLE(VECTOR_SEARCH(TABLE docs, DESCRIPTOR(embedding), qvec, -1));')[0]?.message).toBe('VECTOR_SEARCH: TOP_K must be positive, got -1');
  });

  it('the descriptor names exactly one vector column of the search table, with did-you-mean', () => {
    expect(at('SELECT * FROM questions, LATERAL TABLE(VECTOR_SEARCH(TABLE docs, DESCRIPTOR(embeding), qvec, 1));')).toEqual([
      { code: 'PD2029', line: 1, col: 77, message: "VECTOR_SEARCH: table 'docs' has no column 'embeding'; did you mean 'embedding'?" },
    ]);
    expect(at('SELECT * FROM questions, LATERAL TABLE(VECTOR_SEARCH(TABLE docs, DESCRIPTOR(passage), qvec, 1));')[0]).toMatchObject({
      code: 'PD2029',
      col: 77,
      message: "VECTOR_SEARCH: COLUMN_TO_SEARCH 'passage' is STRING; it must be ARRAY<FLOAT> or ARRAY<DOUBLE>",
    });
    expect(at('SELECT * FROM questions, LATERAL TABLE(VECTOR_SEARCH(TABLE docs, DESCRIPTOR(embedding, passage), qvec, 1));')[0]).toMatchObject({ code: 'PD2029', col: 88 });
  });

  it('the query must be castable to the searched column', () => {
    expect(at('SELECT * FROM questions, LATERAL TABLE(VECTOR_SEARCH(TABLE docs, DESCRIPTOR(embedding), question, 1));')).toEqual([
      { code: 'PD2029', line: 1, col: 89, message: 'VECTOR_SEARCH: COLUMN_TO_QUERY question is STRING, which cannot be cast to ARRAY<FLOAT> (the type of \'embedding\')' },
    ]);
  });

  it('the search table must be searchable; unknown CONFIG keys get a did-you-mean', () => {
    expect(at('SELECT * FROM questions, LATERAL TABLE(VECTOR_SEARCH(TABLE kafka_t, DESCRIPTOR(v), qvec, 1));')[0]).toMatchObject({
      code: 'PD2029',
      col: 60,
      message: "VECTOR_SEARCH: 'kafka_t' uses connector 'kafka', which cannot be searched; the search table must be a 'connector' = 'milvus' table",
    });
    expect(at("SELECT * FROM questions, LATERAL TABLE(VECTOR_SEARCH(TABLE docs, DESCRIPTOR(embedding), qvec, 1, MAP['max-concurrent-operation', '2']));")[0]).toMatchObject({
      code: 'PD2029',
      message: "unknown VECTOR_SEARCH CONFIG key 'max-concurrent-operation'; did you mean 'max-concurrent-operations'?",
    });
  });

  it('parser: operand count, named parameters (did-you-mean, duplicates), operand shapes', () => {
    expect(at('SELECT * FROM questions, LATERAL TABLE(VECTOR_SEARCH(TABLE docs, DESCRIPTOR(embedding), qvec));')[0]).toMatchObject({ code: 'PD1007' });
    expect(at('SELECT * FROM questions, LATERAL TABLE(VECTOR_SEARCH(TABLE docs, DESCRIPTOR(embedding), qvec, 1, MAP[\'a\', \'b\'], 3));')[0]).toMatchObject({
      code: 'PD1007',
      message: expect.stringContaining('at most 5 operands'),
    });
    expect(at('SELECT * FROM questions, LATERAL TABLE(VECTOR_SEARCH(SEARCH_TABLE => TABLE docs, COLUMN_TO_SERCH => DESCRIPTOR(embedding), COLUMN_TO_QUERY => qvec, TOP_K => 1));')[0]).toMatchObject({
      code: 'PD1007',
      col: 82,
      message: expect.stringContaining('unknown parameter COLUMN_TO_SERCH; did you mean COLUMN_TO_SEARCH?'),
    });
    expect(at('SELECT * FROM questions, LATERAL TABLE(VECTOR_SEARCH(SEARCH_TABLE => TABLE docs, TOP_K => 1, TOP_K => 2));')[0]).toMatchObject({ code: 'PD1008' });
    expect(at('SELECT * FROM questions, LATERAL TABLE(VECTOR_SEARCH(SEARCH_TABLE => TABLE docs, TOP_K => 1));')[0]).toMatchObject({
      code: 'PD1007',
      message: 'VECTOR_SEARCH: missing COLUMN_TO_SEARCH => DESCRIPTOR(<vector column>)',
    });
    expect(at('SELECT * FROM questions, LATERAL TABLE(VECTOR_SEARCH(docs, DESCRIPTOR(embedding), qvec, 1));')[0]).toMatchObject({
      code: 'PD1007',
      col: 54,
      message: 'VECTOR_SEARCH: the search table operand must be TABLE <table name>',
    });
  });
});
