import { describe, expect, it } from 'vitest';
import { compile, diagnosticsOf, onlyPipeline, runStages, stageKinds } from './plan-helpers.js';

const DDL = `
CREATE TABLE clicks (user_id INT, page STRING, dwell FLOAT, ok BOOLEAN) WITH ('connector' = 'datagen', 'number-of-rows' = '5');
CREATE TABLE wide (user_id BIGINT, page STRING, dwell DOUBLE, note STRING) WITH ('connector' = 'print');
`;

describe('INSERT', () => {
  it('casts INT to BIGINT and FLOAT to DOUBLE implicitly, to the sink column types', () => {
    const plan = onlyPipeline(`${DDL}INSERT INTO wide SELECT user_id, page, dwell, page FROM clicks;`);
    expect(plan.name).toBe('INSERT INTO wide');
    expect(plan.sink.kind).toBe('table');
    expect(plan.outputColumns.map((c) => `${c.name} ${c.type.kind}`)).toEqual(['user_id BIGINT', 'page STRING', 'dwell DOUBLE', 'note STRING']);
    const last = plan.stages.at(-1)!;
    expect(last.kind).toBe('map');
    expect(last.kind === 'map' && last.exprs.map((e) => e.type.kind)).toEqual(['BIGINT', 'STRING', 'DOUBLE', 'STRING']);
    expect(runStages(plan.stages, [42, '/home', 1.5, true])).toEqual([[42, '/home', 1.5, '/home']]);
  });

  it('fills the columns a column list leaves out with NULL, in sink order', () => {
    const plan = onlyPipeline(`${DDL}INSERT INTO wide (page, user_id) SELECT page, user_id FROM clicks;`);
    expect(plan.outputColumns.map((c) => c.name)).toEqual(['user_id', 'page', 'dwell', 'note']);
    expect(runStages(plan.stages, [7, '/about', 2, false])).toEqual([[7, '/about', null, null]]);
  });

  it('matches query columns to the sink by position, not by name', () => {
    const plan = onlyPipeline(`${DDL}INSERT INTO wide SELECT user_id, page AS note, dwell, page AS page FROM clicks;`);
    expect(runStages(plan.stages, [1, '/x', 0.5, true])).toEqual([[1, '/x', 0.5, '/x']]);
  });

  it('reports a narrowing cast (BIGINT to INT) and a STRING to a number', () => {
    const found = diagnosticsOf(`${DDL}CREATE TABLE narrow (user_id INT, n INT) WITH ('connector' = 'print');
INSERT INTO narrow SELECT CAST(user_id AS BIGINT), page FROM clicks;`);
    expect(found.map((d) => d.code)).toEqual(['PD2017', 'PD2017']);
  });

  it('writes VALUES rows, evaluated at plan time and unified to one type per column', () => {
    const plan = onlyPipeline(`${DDL}INSERT INTO wide VALUES (1, 'a', 1.5, 'x'), (2, 'bb', NULL, NULL);`);
    expect(plan.source.kind).toBe('values');
    expect(plan.source.kind === 'values' && plan.source.rows).toHaveLength(2);
    const rows = plan.source.kind === 'values' ? plan.source.rows.flatMap((r) => runStages(plan.stages, [...r])) : [];
    expect(rows).toEqual([
      [1, 'a', 1.5, 'x'],
      [2, 'bb', null, null],
    ]);
  });

  it('plans each INSERT of a statement set as its own pipeline', () => {
    const plan = compile(`${DDL}CREATE TABLE other (page STRING) WITH ('connector' = 'print');
EXECUTE STATEMENT SET
BEGIN
  INSERT INTO wide SELECT user_id, page, dwell, 'n' FROM clicks;
  INSERT INTO other SELECT page FROM clicks WHERE ok;
END;`);
    expect(plan.pipelines.map((p) => p.name)).toEqual(['INSERT INTO wide', 'INSERT INTO other']);
    expect(stageKinds(plan.pipelines[1]!)).toEqual(['filter', 'map', 'map']);
  });

  it('plans EXPLAIN statements without running them', () => {
    const plan = compile(`${DDL}EXPLAIN INSERT INTO wide SELECT user_id, page, dwell, page FROM clicks;`);
    expect(plan.pipelines).toEqual([]);
    expect(plan.explained.map((p) => p.name)).toEqual(['INSERT INTO wide']);
  });
});

describe('bare SELECT', () => {
  it('plans a print sink whose columns are the select list', () => {
    const plan = onlyPipeline(`${DDL}SELECT user_id, UPPER(page) AS page, dwell * 2 FROM clicks WHERE ok;`);
    expect(plan.name).toBe('SELECT');
    expect(plan.sink).toEqual({ kind: 'print' });
    expect(plan.outputColumns.map((c) => c.name)).toEqual(['user_id', 'page', 'EXPR$2']);
    expect(stageKinds(plan)).toEqual(['filter', 'map']);
    expect(runStages(plan.stages, [1, '/a', 1.5, true])).toEqual([[1, '/A', 3]]);
    expect(runStages(plan.stages, [1, '/a', 1.5, false])).toEqual([]);
  });

  it('reads through a view and a subquery', () => {
    const plan = onlyPipeline(`${DDL}CREATE TEMPORARY VIEW long_reads AS SELECT user_id, page FROM clicks WHERE dwell > 10;
SELECT v.page FROM (SELECT * FROM long_reads) AS v;`);
    expect(plan.outputColumns.map((c) => c.name)).toEqual(['page']);
    expect(runStages(plan.stages, [1, '/a', 11, true])).toEqual([['/a']]);
    expect(runStages(plan.stages, [1, '/a', 9, true])).toEqual([]);
  });

  it('SELECT without FROM reads one empty row', () => {
    const plan = onlyPipeline(`SELECT 1 + 1 AS two, 'x' AS x;`);
    expect(plan.source.kind).toBe('values');
    expect(runStages(plan.stages, [])).toEqual([[2, 'x']]);
  });
});
