import { describe, expect, it } from 'vitest';
import { explainPipeline } from '../../src/planner/explain.js';
import { diagnosticsOf, onlyPipeline, runStages, stageKinds } from './plan-helpers.js';

const DDL = `
CREATE TABLE answers (id INT, tags ARRAY<STRING>, hits ARRAY<ROW<doc STRING, score DOUBLE>>, attrs MAP<STRING, INT>, n INT)
  WITH ('connector' = 'datagen', 'number-of-rows' = '1');
`;

describe('CROSS JOIN UNNEST', () => {
  it('gives one row per array element, the input columns first; the alias names the element column', () => {
    const plan = onlyPipeline(`${DDL}SELECT id, tag FROM answers CROSS JOIN UNNEST(tags) AS t(tag);`);
    expect(stageKinds(plan)).toEqual(['unnest', 'map']);
    expect(plan.outputColumns.map((c) => `${c.name} ${c.type.kind}`)).toEqual(['id INT', 'tag STRING']);
    expect(runStages(plan.stages, [1, ['a', null, 'c'], null, null, 0])).toEqual([[1, 'a'], [1, null], [1, 'c']]);
  });

  it('gives no row for an empty or NULL array (the inner join Flink runs)', () => {
    const plan = onlyPipeline(`${DDL}SELECT id, tag FROM answers CROSS JOIN UNNEST(tags) AS t(tag);`);
    expect(runStages(plan.stages, [1, [], null, null, 0])).toEqual([]);
    expect(runStages(plan.stages, [1, null, null, null, 0])).toEqual([]);
  });

  it('reads the comma form and a qualified lateral reference alike', () => {
    const plan = onlyPipeline(`${DDL}SELECT a.id, t.tag FROM answers AS a, UNNEST(a.tags) AS t(tag) WHERE t.tag <> 'b';`);
    expect(runStages(plan.stages, [7, ['a', 'b'], null, null, 0])).toEqual([[7, 'a']]);
  });

  it('spreads an array of ROWs into its fields and numbers elements WITH ORDINALITY', () => {
    const plan = onlyPipeline(`${DDL}SELECT id, doc, score, pos FROM answers CROSS JOIN UNNEST(hits) WITH ORDINALITY AS h(doc, score, pos);`);
    expect(plan.outputColumns.map((c) => `${c.name} ${c.type.kind}${c.type.nullable ? '' : ' NOT NULL'}`)).toEqual(['id INT', 'doc STRING', 'score DOUBLE', 'pos INT NOT NULL']);
    expect(runStages(plan.stages, [3, null, [['x', 0.9], null, ['y', 0.5]], null, 0])).toEqual([[3, 'x', 0.9, 1], [3, null, null, 2], [3, 'y', 0.5, 3]]);
  });

  it('names columns as Calcite does without an alias list: EXPR$0, the ROW fields, KEY and VALUE, ORDINALITY', () => {
    expect(onlyPipeline(`${DDL}SELECT * FROM answers CROSS JOIN UNNEST(tags) WITH ORDINALITY;`).outputColumns.map((c) => c.name).slice(5)).toEqual(['EXPR$0', 'ORDINALITY']);
    expect(onlyPipeline(`${DDL}SELECT h.* FROM answers CROSS JOIN UNNEST(hits) AS h;`).outputColumns.map((c) => c.name)).toEqual(['doc', 'score']);
    const map = onlyPipeline(`${DDL}SELECT id, KEY, VALUE FROM answers CROSS JOIN UNNEST(attrs);`);
    expect(map.outputColumns.map((c) => `${c.name} ${c.type.kind}`)).toEqual(['id INT', 'KEY STRING', 'VALUE INT']);
    expect(runStages(map.stages, [1, null, null, new Map<string, number>([['a', 1], ['b', 2]]), 0])).toEqual([[1, 'a', 1], [1, 'b', 2]]);
  });

  it('chains two UNNESTs and unnests a constant alone in FROM', () => {
    const two = onlyPipeline(`${DDL}SELECT id, tag, k FROM answers CROSS JOIN UNNEST(tags) AS t(tag) CROSS JOIN UNNEST(attrs) AS m(k, v);`);
    expect(runStages(two.stages, [1, ['a', 'b'], null, new Map([['x', 1]]), 0])).toEqual([[1, 'a', 'x'], [1, 'b', 'x']]);
    const alone = onlyPipeline(`SELECT x * 10 AS y FROM UNNEST(ARRAY[1, 2, 3]) AS t(x);`);
    expect(runStages(alone.stages, [])).toEqual([[10], [20], [30]]);
  });

  it('explains the stage', () => {
    const plan = onlyPipeline(`${DDL}SELECT id, tag FROM answers CROSS JOIN UNNEST(tags) WITH ORDINALITY AS t(tag, i);`);
    expect(explainPipeline(plan)).toContain('unnest   UNNEST(tags) WITH ORDINALITY -> tag, i');
  });

  it('reports a collection that is neither ARRAY nor MAP, and an alias list of the wrong length, at their place', () => {
    expect(diagnosticsOf(`${DDL}SELECT * FROM answers CROSS JOIN UNNEST(n) AS t(x);`)).toMatchObject([{ code: 'PD2030', line: 4, col: 41 }]);
    expect(diagnosticsOf(`${DDL}SELECT * FROM answers CROSS JOIN UNNEST(tags) AS t(a, b);`)).toMatchObject([{ code: 'PD2025', line: 4 }]);
    expect(diagnosticsOf(`${DDL}SELECT * FROM answers CROSS JOIN UNNEST(nope) AS t(a);`)).toMatchObject([{ line: 4, col: 41 }]);
  });

  it('keeps a CROSS JOIN of two tables unsupported', () => {
    expect(diagnosticsOf(`${DDL}SELECT * FROM answers CROSS JOIN answers;`)).toMatchObject([{ code: 'PD1005', line: 4, col: 23 }]);
  });
});
