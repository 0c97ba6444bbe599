import { describe, expect, it } from 'vitest';
import type { PipelinePlan, StagePlan } from '../../src/planner/pipeline-plan.js';
import type { Value } from '../../src/types/data-type.js';
import { compile, diagnosticsOf, onlyPipeline, runStages, stageKinds, type FakeModel } from './plan-helpers.js';

const DDL = `
CREATE TABLE reviews (id BIGINT, review STRING, stars INT, content STRING) WITH ('connector' = 'datagen', 'number-of-rows' = '5');
CREATE MODEL chat
INPUT (prompt STRING)
OUTPUT (content STRING)
WITH ('provider' = 'openai', 'endpoint' = 'https://api.openai.com/v1/chat/completions', 'api-key' = 'sk-test', 'model' = 'gpt-4o');
CREATE MODEL scored
INPUT (\`input\` STRING)
OUTPUT (label STRING, score DOUBLE)
WITH ('provider' = 'local', 'task' = 'sentiment');
`;

function predictOf(plan: PipelinePlan): Extract<StagePlan, { kind: 'predict' }> {
  const stages = plan.stages.filter((s) => s.kind === 'predict');
  expect(stages).toHaveLength(1);
  return stages[0] as Extract<StagePlan, { kind: 'predict' }>;
}

/** A model that answers `answer(input)` and counts its calls. */
function countingModel(answer: (input: Value) => Value[] = (v) => [`re: ${String(v)}`]): FakeModel & { calls: Value[][] } {
  const calls: Value[][] = [];
  const fn: FakeModel = (_model, inputs) => {
    calls.push([...inputs]);
    return [answer(inputs[0] ?? null)];
  };
  return Object.assign(fn, { calls });
}

describe('ML_PREDICT output columns', () => {
  it('are the input columns followed by the model OUTPUT columns', () => {
    const plan = onlyPipeline(`${DDL}SELECT * FROM ML_PREDICT(TABLE reviews, MODEL scored, DESCRIPTOR(review));`);
    expect(plan.outputColumns.map((c) => `${c.name} ${c.type.kind}`)).toEqual([
      'id BIGINT',
      'review STRING',
      'stars INT',
      'content STRING',
      'label STRING',
      'score DOUBLE',
    ]);
    expect(plan.sink).toEqual({ kind: 'print' });
  });

  it("rename an OUTPUT column that clashes with an input column with Flink's index suffix (content -> content0)", () => {
    const plan = onlyPipeline(`${DDL}SELECT * FROM ML_PREDICT(TABLE reviews, MODEL chat, DESCRIPTOR(review));`);
    expect(plan.outputColumns.map((c) => c.name)).toEqual(['id', 'review', 'stars', 'content', 'content0']);
    const model = countingModel();
    expect(runStages(plan.stages, [1, 'good', 5, 'original'], model)).toEqual([[1, 'good', 5, 'original', 're: good']]);
    expect(model.calls).toEqual([['good']]);
  });

  it('takes the next free suffix when content0 exists too', () => {
    const sql = `CREATE TABLE t (content STRING, content0 STRING) WITH ('connector' = 'datagen');
CREATE MODEL chat INPUT (p STRING) OUTPUT (content STRING)
WITH ('provider' = 'openai', 'endpoint' = 'https://api.openai.com/v1/chat/completions', 'api-key' = 'k', 'model' = 'gpt-4o');
SELECT * FROM ML_PREDICT(TABLE t, MODEL chat, DESCRIPTOR(content));`;
    expect(onlyPipeline(sql).outputColumns.map((c) => c.name)).toEqual(['content', 'content0', 'content1']);
  });

  it('selects the renamed column by its new name', () => {
    const plan = onlyPipeline(`${DDL}SELECT id, content0 AS answer FROM ML_PREDICT(TABLE reviews, MODEL chat, DESCRIPTOR(review));`);
    expect(plan.outputColumns.map((c) => c.name)).toEqual(['id', 'answer']);
    expect(runStages(plan.stages, [3, 'meh', 2, 'x'], countingModel())).toEqual([[3, 're: meh']]);
  });

  it('gives one row per model output row, and none when the model returns nothing or the input is NULL', () => {
    const plan = onlyPipeline(`${DDL}SELECT id, label FROM ML_PREDICT(TABLE reviews, MODEL scored, DESCRIPTOR(review));`);
    const two: FakeModel = () => [
      ['positive', 0.9],
      ['neutral', 0.1],
    ];
    expect(runStages(plan.stages, [1, 'x', 1, null], two)).toEqual([
      [1, 'positive'],
      [1, 'neutral'],
    ]);
    expect(runStages(plan.stages, [1, 'x', 1, null], () => [])).toEqual([]);
    const model = countingModel();
    expect(runStages(plan.stages, [1, null, 1, null], model)).toEqual([]);
    expect(model.calls).toEqual([]);
  });

  it("the named form and Confluent's LATERAL TABLE form plan the same predict stage", () => {
    const named = onlyPipeline(`${DDL}SELECT * FROM ML_PREDICT(INPUT => TABLE reviews, MODEL => MODEL scored, ARGS => DESCRIPTOR(review));`);
    const lateral = onlyPipeline(`${DDL}SELECT * FROM reviews, LATERAL TABLE(ML_PREDICT('scored', review));`);
    expect(named.outputColumns).toEqual(lateral.outputColumns);
    expect(predictOf(named).model.name).toBe('scored');
    expect(predictOf(lateral).model.name).toBe('scored');
  });

  it("the LATERAL TABLE form accepts a versioned model name ('m$2') and a table alias", () => {
    const plan = onlyPipeline(`${DDL}SELECT r.id, p.label FROM reviews AS r, LATERAL TABLE(ML_PREDICT('scored$2', review)) AS p;`);
    expect(predictOf(plan).model.name).toBe('scored');
    expect(plan.outputColumns.map((c) => c.name)).toEqual(['id', 'label']);
  });

  it('casts descriptor values to the model INPUT type', () => {
    const sql = `CREATE TABLE t (code CHAR(3)) WITH ('connector' = 'datagen');
CREATE MODEL m INPUT (\`input\` STRING) OUTPUT (label STRING) WITH ('provider' = 'local');
SELECT * FROM ML_PREDICT(TABLE t, MODEL m, DESCRIPTOR(code));`;
    const stage = predictOf(onlyPipeline(sql));
    expect(stage.inputs.map((e) => e.type.kind)).toEqual(['STRING']);
  });
});

describe('ML_PREDICT config precedence: CONFIG map > SET > defaults', () => {
  const call = (config = '') => `SELECT * FROM ML_PREDICT(TABLE reviews, MODEL scored, DESCRIPTOR(review)${config});`;

  it("defaults to Flink's 10 / ORDERED / 3 min", () => {
    expect(predictOf(onlyPipeline(DDL + call())).config).toEqual({ maxConcurrent: 10, ordered: true, timeoutMs: 180_000 });
  });

  it('SET changes the defaults for later calls only', () => {
    const plan = compile(`${DDL}${call()}
SET 'table.exec.async-ml-predict.max-concurrent-operations' = '3';
SET 'table.exec.async-ml-predict.timeout' = '1 min';
${call()}`);
    expect(plan.pipelines.map((p) => predictOf(p).config)).toEqual([
      { maxConcurrent: 10, ordered: true, timeoutMs: 180_000 },
      { maxConcurrent: 3, ordered: true, timeoutMs: 60_000 },
    ]);
  });

  it('a CONFIG key wins over SET, and SET fills the keys CONFIG leaves out', () => {
    const plan = onlyPipeline(`${DDL}
SET 'table.exec.async-ml-predict.max-concurrent-operations' = '3';
SET 'table.exec.async-ml-predict.output-mode' = 'ALLOW_UNORDERED';
${call(", MAP['max-concurrent-operations', '7', 'async', 'true']")}`);
    expect(predictOf(plan).config).toEqual({ maxConcurrent: 7, ordered: false, timeoutMs: 180_000 });
    expect(predictOf(plan).description).toContain('[max-concurrent-operations=7, output-mode=ALLOW_UNORDERED, timeout=3 min]');
  });

  it("takes Confluent's typed CONFIG keys: max_parallelism, client_timeout (seconds, over SET), async_enabled", () => {
    const plan = onlyPipeline(`${DDL}
SET 'table.exec.async-ml-predict.timeout' = '10 min';
SELECT * FROM reviews, LATERAL TABLE(ML_PREDICT('scored', review, MAP['async_enabled', true, 'client_timeout', 60, 'max_parallelism', 4]));`);
    expect(predictOf(plan).config).toEqual({ maxConcurrent: 4, ordered: true, timeoutMs: 60_000 });
  });

  it('reports a bad SET value at the ML_PREDICT call that uses it', () => {
    const found = diagnosticsOf(`SET 'table.exec.async-ml-predict.max-concurrent-operations' = 'many';
${DDL}${call()}`);
    expect(found.map((d) => d.code)).toEqual(['PD2015']);
    expect(found[0]!.message).toContain("from SET 'table.exec.async-ml-predict.max-concurrent-operations'");
    expect(found[0]!.line).toBe(DDL.split('\n').length + 1);
  });
});

describe('WHERE around ML_PREDICT', () => {
  const sql = `${DDL}
SELECT id, label FROM ML_PREDICT(TABLE reviews, MODEL scored, DESCRIPTOR(review))
WHERE stars >= 4 AND label = 'positive' AND review IS NOT NULL AND score > 0.5;`;

  it('moves conjuncts on input columns before the predict stage and keeps those on model outputs after it', () => {
    const plan = onlyPipeline(sql);
    expect(stageKinds(plan)).toEqual(['filter', 'filter', 'predict', 'filter', 'filter', 'map']);
    const descriptions = plan.stages.map((s) => s.description);
    expect(descriptions[0]).toBe('stars >= 4 (before the model)');
    expect(descriptions[1]).toBe('review IS NOT NULL (before the model)');
    expect(descriptions[3]).toBe("label = 'positive'");
    expect(descriptions[4]).toBe('score > 0.5');
  });

  it('calls the model only for rows that pass the pushed conjuncts', () => {
    const plan = onlyPipeline(sql);
    const calls: Value[][] = [];
    const model: FakeModel = (_m, inputs) => {
      calls.push([...inputs]);
      return inputs[0] === 'great' ? [['positive', 0.9]] : [['negative', 0.8]];
    };
    const rows = [
      [1, 'great', 5, null],
      [2, 'awful', 5, null],
      [3, 'great', 1, null],
      [4, null, 5, null],
    ].flatMap((r) => runStages(plan.stages, r, model));
    expect(rows).toEqual([[1, 'positive']]);
    expect(calls).toEqual([['great'], ['awful']]);
  });

  it('keeps a disjunction over an input and an output column after the model', () => {
    const plan = onlyPipeline(`${DDL}SELECT id FROM ML_PREDICT(TABLE reviews, MODEL scored, DESCRIPTOR(review)) WHERE stars = 5 OR label = 'positive';`);
    expect(stageKinds(plan)).toEqual(['predict', 'filter', 'map']);
  });

  it('filters on input columns only are all moved before the model', () => {
    const plan = onlyPipeline(`${DDL}SELECT id FROM ML_PREDICT(TABLE reviews, MODEL scored, DESCRIPTOR(review)) WHERE stars = 5;`);
    expect(stageKinds(plan)).toEqual(['filter', 'predict', 'map']);
  });

  it("the LATERAL TABLE form pushes too", () => {
    const plan = onlyPipeline(`${DDL}SELECT id, label FROM reviews, LATERAL TABLE(ML_PREDICT('scored', review)) WHERE id > 10 AND score < 0.2;`);
    expect(stageKinds(plan)).toEqual(['filter', 'predict', 'filter', 'map']);
  });
});

describe('scalar ML_PREDICT (seed 002 form)', () => {
  const seed002 = `
CREATE TABLE product_source (
  id STRING,
  title STRING,
  ts TIMESTAMP_LTZ(3) METADATA FROM 'timestamp',
  WATERMARK FOR ts AS ts - INTERVAL '5' SECOND
) WITH ('connector'='kafka', 'topic'='product_source', 'properties.bootstrap.servers'='localhost:9092', 'format'='json');
CREATE TABLE risk_sink (id STRING, title STRING, risk DOUBLE, reason STRING)
WITH ('connector'='kafka', 'topic'='risk_sink', 'properties.bootstrap.servers'='localhost:9092', 'format'='json');
CREATE MODEL compliance_model INPUT (text STRING) OUTPUT (response STRING)
WITH ('provider'='openai', 'endpoint'='https://api.openai.com/v1/chat/completions', 'api-key'='k', 'model'='gpt-4o');
INSERT INTO risk_sink
SELECT id, title, CAST(JSON_VALUE(response,'$.risk') AS DOUBLE) AS risk, JSON_VALUE(response,'$.reason') AS reason
FROM (SELECT id, title, ML_PREDICT(compliance_model, title) AS response FROM product_source) t;`;

  it('plans one predict stage and projects JSON_VALUE/CAST over its result', () => {
    const plan = onlyPipeline(seed002);
    expect(stageKinds(plan)).toEqual(['predict', 'map', 'map', 'map']);
    const predict = predictOf(plan);
    expect(predict.model.name).toBe('compliance_model');
    expect(plan.stages[2]!.description).toContain("CAST(JSON_VALUE(response, '$.risk') AS DOUBLE) AS risk");
    expect(plan.outputColumns.map((c) => `${c.name} ${c.type.kind}`)).toEqual(['id STRING', 'title STRING', 'risk DOUBLE', 'reason STRING']);
  });

  it('turns the model answer {"risk":0.8,"reason":"alcohol"} into risk 0.8 and reason alcohol', () => {
    const plan = onlyPipeline(seed002);
    const calls: Value[][] = [];
    const model: FakeModel = (_m, inputs) => {
      calls.push([...inputs]);
      return [['{"risk":0.8,"reason":"alcohol"}']];
    };
    const ts = new Date('2025-07-31T00:00:00Z');
    expect(runStages(plan.stages, ['p1', 'Craft beer 6-pack', ts], model)).toEqual([['p1', 'Craft beer 6-pack', 0.8, 'alcohol']]);
    expect(calls).toEqual([['Craft beer 6-pack']]);
    // An answer that is not JSON gives NULLs (JSON_VALUE's NULL ON ERROR), not a failed row.
    expect(runStages(plan.stages, ['p2', 'Socks', ts], () => [['no idea']])).toEqual([['p2', 'Socks', null, null]]);
  });

  it('hides the scalar result column from SELECT *', () => {
    const plan = onlyPipeline(`CREATE TABLE t (a STRING) WITH ('connector' = 'datagen');
CREATE MODEL m INPUT (\`input\` STRING) OUTPUT (label STRING) WITH ('provider' = 'local');
SELECT *, ML_PREDICT(m, a) AS label FROM t;`);
    expect(plan.outputColumns.map((c) => c.name)).toEqual(['a', 'label']);
    expect(runStages(plan.stages, ['good'], () => [['positive']])).toEqual([['good', 'positive']]);
  });
});
