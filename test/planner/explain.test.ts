import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { explainPipeline } from '../../src/planner/explain.js';
import { compile } from './plan-helpers.js';

const SEED_002 = fileURLToPath(new URL('../fixtures/sql/valid/seed-002-flink21-compliance.sql', import.meta.url));

describe('explainPipeline', () => {
  const plan = compile(readFileSync(SEED_002, 'utf8'), 'seed-002.sql');
  const insert = plan.pipelines.find((p) => p.name === 'INSERT INTO risk_sink')!;
  const text = explainPipeline(insert, 'seed-002.sql');
  const lines = text.split('\n');

  it('names the pipeline and where it is declared', () => {
    expect(lines[0]).toBe(`INSERT INTO risk_sink  (seed-002.sql:${insert.span.line})`);
  });

  it('shows source, one line per stage, sink and columns, in that order', () => {
    const kinds = lines.slice(1).map((l) => l.trim().split(/\s+/)[0]);
    expect(kinds).toEqual(['source', 'predict', 'project', 'project', 'project', 'sink', 'columns']);
    expect(lines.slice(1).every((l) => l.startsWith('  '))).toBe(true);
  });

  it('describes the Kafka source and sink with their main options', () => {
    const source = lines.find((l) => l.trim().startsWith('source'))!;
    expect(source).toContain('kafka table product_source');
    expect(source).toContain('topic=product_source');
    expect(source).toContain('properties.bootstrap.servers=localhost:9092');
    const sink = lines.find((l) => l.trim().startsWith('sink'))!;
    expect(sink).toContain('kafka table risk_sink');
  });

  it('describes the predict stage: model, provider, input, output and config', () => {
    const predict = lines.find((l) => l.trim().startsWith('predict'))!;
    expect(predict).toMatch(/compliance_model \(openai\) on title -> response STRING/);
    expect(predict).toContain('max-concurrent-operations=10');
    expect(predict).toContain('output-mode=ORDERED');
    expect(predict).toContain('timeout=3 min');
  });

  it('lists the projections and the columns the sink receives', () => {
    const projections = lines.filter((l) => l.trim().startsWith('project'));
    expect(projections.some((l) => l.includes("JSON_VALUE(response, '$.reason') AS reason"))).toBe(true);
    expect(projections.at(-1)).toContain('to risk_sink (id, title, risk, reason)');
    expect(lines.at(-1)!.trim()).toBe('columns  id, title, risk, reason');
  });

  it('shows a bare SELECT going to stdout', () => {
    const select = plan.pipelines.find((p) => p.name === 'SELECT')!;
    expect(explainPipeline(select)).toContain('sink     stdout');
  });

  it('shows filters and VALUES sources', () => {
    const p = compile(`CREATE TABLE out_t (a INT) WITH ('connector' = 'print', 'print-identifier' = 'x');
INSERT INTO out_t SELECT * FROM (VALUES (1), (2)) AS v(a) WHERE a > 1;`).pipelines[0]!;
    const text = explainPipeline(p);
    expect(text).toContain('source   2 VALUES rows');
    expect(text).toContain('filter   a > 1');
    expect(text).toContain('sink     print table out_t [print-identifier=x]');
  });
});
