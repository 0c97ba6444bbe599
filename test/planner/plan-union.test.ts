import { describe, expect, it } from 'vitest';
import { explainPipeline } from '../../src/planner/explain.js';
import type { PipelinePlan } from '../../src/planner/pipeline-plan.js';
import type { Row } from '../../src/types/data-type.js';
import { diagnosticsOf, onlyPipeline, runStages } from './plan-helpers.js';

const DDL = `
CREATE TABLE a (id INT, txt STRING NOT NULL, tags ARRAY<STRING>) WITH ('connector' = 'datagen', 'number-of-rows' = '1');
CREATE TABLE b (id BIGINT, body STRING, n INT) WITH ('connector' = 'datagen', 'number-of-rows' = '1');
CREATE TABLE out_t (id BIGINT, txt STRING) WITH ('connector' = 'print');
CREATE MODEL chat INPUT (prompt STRING) OUTPUT (content STRING)
  WITH ('provider' = 'openai', 'endpoint' = 'https://api.openai.com/v1/chat/completions', 'api-key' = 'sk-test', 'model' = 'gpt-4o');
`;

/** What the runtime does with a union plan: a row of input i through each branch reading i, then the plan's stages. */
function runUnion(plan: PipelinePlan, input: number, row: Row): Row[] {
  if (plan.source.kind !== 'union') throw new Error('not a union');
  const rows = plan.source.branches.filter((b) => b.input === input).flatMap((b) => runStages(b.stages, row));
  return rows.flatMap((r) => runStages(plan.stages, r));
}

describe('UNION ALL', () => {
  it('unifies column types as Flink does (INT + BIGINT -> BIGINT, nullable if any input is) and names columns after the first input', () => {
    const plan = onlyPipeline(`${DDL}SELECT id, txt FROM a UNION ALL SELECT id, body FROM b;`);
    expect(plan.source.kind).toBe('union');
    expect(plan.outputColumns.map((c) => `${c.name} ${c.type.kind}${c.type.nullable ? '' : ' NOT NULL'}`)).toEqual(['id BIGINT', 'txt STRING']);
    expect(runUnion(plan, 0, [1, 'x', null])).toEqual([[1, 'x']]);
    expect(runUnion(plan, 1, [2, null, 7])).toEqual([[2, null]]);
  });

  it('keeps each input\'s own filter and projection in its branch', () => {
    const plan = onlyPipeline(`${DDL}INSERT INTO out_t SELECT id, UPPER(txt) FROM a WHERE id > 0 UNION ALL SELECT id * 10, body FROM b WHERE n IS NOT DISTINCT FROM 1;`);
    expect(runUnion(plan, 0, [1, 'x', null])).toEqual([[1, 'X']]);
    expect(runUnion(plan, 0, [0, 'x', null])).toEqual([]);
    expect(runUnion(plan, 1, [2, 'y', 1])).toEqual([[20, 'y']]);
    expect(runUnion(plan, 1, [2, 'y', null])).toEqual([]);
  });

  it('reads a table used by two inputs once, giving each row to both branches', () => {
    const plan = onlyPipeline(`${DDL}SELECT id, txt FROM a UNION ALL SELECT id, tag FROM a CROSS JOIN UNNEST(tags) AS t(tag);`);
    expect(plan.source.kind === 'union' && plan.source.inputs.length).toBe(1);
    expect(runUnion(plan, 0, [1, 'x', ['p', 'q']])).toEqual([[1, 'x'], [1, 'p'], [1, 'q']]);
  });

  it('flattens a union of a union view and runs ML_PREDICT once on the merged stream', () => {
    const plan = onlyPipeline(`${DDL}
CREATE VIEW both_texts AS SELECT CAST(id AS BIGINT) AS id, txt FROM a UNION ALL SELECT id, body FROM b;
CREATE VIEW all_texts AS SELECT * FROM both_texts UNION ALL VALUES (CAST(99 AS BIGINT), 'v');
SELECT id, content FROM ML_PREDICT(TABLE all_texts, MODEL chat, DESCRIPTOR(txt));`);
    expect(plan.source.kind === 'union' && plan.source.inputs.map((i) => i.kind)).toEqual(['table', 'table', 'values']);
    expect(plan.stages.map((s) => s.kind)).toContain('predict');
    const model = () => [['answer']];
    const run = (input: number, row: Row) => {
      if (plan.source.kind !== 'union') throw new Error('not a union');
      return plan.source.branches.filter((br) => br.input === input).flatMap((br) => runStages(br.stages, row)).flatMap((r) => runStages(plan.stages, r, model));
    };
    expect(run(1, [5, 'hello', 0])).toEqual([[5, 'answer']]);
    expect(run(2, [99, 'v'])).toEqual([[99, 'answer']]);
    const text = explainPipeline(plan);
    expect(text).toContain('source   UNION ALL of 3 inputs');
    expect(text).toMatch(/input 1 {2}datagen table a/);
    expect(text).toMatch(/input 3 {2}1 VALUES rows/);
    expect(text).toMatch(/predict {2}chat \(openai\) on txt/);
  });

  it('reports inputs with different column counts at the input, and types that do not unify', () => {
    expect(diagnosticsOf(`${DDL}SELECT id, txt FROM a\nUNION ALL\nSELECT id FROM b;`)).toMatchObject([{ code: 'PD2031', line: 9, col: 1 }]);
    const found = diagnosticsOf(`${DDL}SELECT id, tags FROM a UNION ALL SELECT id, n FROM b;`);
    expect(found).toMatchObject([{ code: 'PD2031' }]);
    expect(found[0]!.message).toContain("column 2 ('tags') has types that do not unify: ARRAY<STRING>, INT");
  });

  it('asks each Kafka input for its own consumer group (one group would leave a topic unread)', () => {
    const kafka = (name: string, group?: string) =>
      `CREATE TABLE ${name} (id BIGINT, txt STRING) WITH ('connector' = 'kafka', 'topic' = '${name}', 'properties.bootstrap.servers' = 'k:9092', 'format' = 'json'${group ? `, 'properties.group.id' = '${group}'` : ''});\n`;
    const union = 'SELECT id, txt FROM k1 UNION ALL SELECT id, txt FROM k2;';
    const found = diagnosticsOf(`${kafka('k1')}${kafka('k2')}${union}`);
    expect(found).toMatchObject([{ code: 'PD2031', line: 3, col: 1 }]);
    expect(found[0]!.message).toContain("Kafka tables 'k1' and 'k2' of this UNION ALL share the job's default consumer group");
    expect(diagnosticsOf(`${kafka('k1', 'g')}${kafka('k2', 'g')}${union}`)).toMatchObject([{ code: 'PD2031' }]);
    expect(diagnosticsOf(`${kafka('k1', 'g1')}${kafka('k2', 'g2')}${union}`)).toEqual([]);
    // One table read by two inputs is one consumer.
    expect(diagnosticsOf(`${kafka('k1')}SELECT id, txt FROM k1 UNION ALL SELECT id, UPPER(txt) FROM k1;`)).toEqual([]);
  });

  it('asks for ML_PREDICT after the union, not inside one input', () => {
    const found = diagnosticsOf(`${DDL}SELECT id, txt FROM a UNION ALL SELECT id, content FROM ML_PREDICT(TABLE b, MODEL chat, DESCRIPTOR(body));`);
    expect(found).toMatchObject([{ code: 'PD2023', line: 7, col: 33 }]);
  });
});
