import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { ModelEntry, TableEntry } from '../../src/catalog/catalog-entries.js';
import type { PipelinePlan, StagePlan } from '../../src/planner/pipeline-plan.js';
import type { ScriptPlan } from '../../src/planner/plan-script.js';
import { compile, diagnosticsOf, runStages, stageKinds } from '../planner/plan-helpers.js';

const DIR = fileURLToPath(new URL('../fixtures/catalog/valid/', import.meta.url));
const FILES = readdirSync(DIR)
  .filter((f) => f.endsWith('.sql'))
  .sort();

function load(name: string): ScriptPlan {
  return compile(readFileSync(join(DIR, name), 'utf8'), name);
}

function predictStage(p: PipelinePlan): Extract<StagePlan, { kind: 'predict' }> {
  const s = p.stages.find((x) => x.kind === 'predict');
  if (!s || s.kind !== 'predict') throw new Error(`${p.name} has no predict stage`);
  return s;
}

function sourceTable(p: PipelinePlan): TableEntry {
  if (p.source.kind !== 'table') throw new Error(`${p.name} reads VALUES`);
  return p.source.table;
}

describe('valid catalog fixtures', () => {
  it.each(FILES)('%s compiles without diagnostics', (file) => {
    expect(diagnosticsOf(readFileSync(join(DIR, file), 'utf8'), undefined, file)).toEqual([]);
  });

  it('temporary-shadowing: TEMPORARY objects shadow permanent ones until DROP TEMPORARY', () => {
    const { pipelines, catalog } = load('temporary-shadowing.sql');
    expect(pipelines.map((p) => p.name)).toEqual(['INSERT INTO wide_sink', 'INSERT INTO narrow_sink']);
    const [wide, narrow] = pipelines as [PipelinePlan, PipelinePlan];

    expect(sourceTable(wide).temporary).toBe(true);
    expect(sourceTable(wide).definition.columns.map((c) => c.name)).toEqual(['id', 'review', 'stars']);
    expect(predictStage(wide).model.temporary).toBe(true);
    expect(predictStage(wide).model.outputs.map((c) => c.name)).toEqual(['label', 'score']);

    expect(sourceTable(narrow).temporary).toBe(false);
    expect(sourceTable(narrow).definition.columns.map((c) => c.name)).toEqual(['id', 'review']);
    expect(predictStage(narrow).model.temporary).toBe(false);
    expect(predictStage(narrow).model.outputs.map((c) => c.name)).toEqual(['label']);

    // After the script, only the permanent objects are left.
    expect(catalog.relation('reviews')?.temporary).toBe(false);
    expect(catalog.model('sentiment')?.temporary).toBe(false);
  });

  it('if-not-exists: the first definition of each object stays', () => {
    const { catalog, pipelines } = load('if-not-exists.sql');
    const reviews = catalog.relation('reviews') as TableEntry;
    expect(reviews.definition.columns.map((c) => c.name)).toEqual(['id', 'review']);
    expect(catalog.model('sentiment')!.outputs.map((c) => c.name)).toEqual(['label']);
    expect(catalog.connection('openai-conn')!.options['api-key']).toBe('sk-first');
    expect(catalog.relation('recent')!.kind).toBe('view');
    expect((catalog.relation('labeled') as TableEntry).definition.columns.map((c) => c.name)).toEqual(['id', 'review', 'label']);
    expect(pipelines).toHaveLength(1);
    expect(pipelines[0]!.outputColumns.map((c) => c.name)).toEqual(['id', 'review', 'label']);
  });

  it('alter-model: SET, RESET and RENAME are in effect when the model is used', () => {
    const { catalog, pipelines } = load('alter-model.sql');
    expect(catalog.model('assistant')).toBeUndefined();
    const model = predictStage(pipelines[0]!).model;
    expect(model.name).toBe('helper');
    expect(model.definition.name).toBe('helper');
    expect(model.definition.options.get('model')).toBe('gpt-4o');
    expect(model.definition.options.get('max-tokens')).toBe(256);
    expect(model.definition.options.get('temperature')).toBeUndefined();
    expect(model.written).toMatchObject({ model: 'gpt-4o', 'max-tokens': '256' });
    expect(model.written).not.toHaveProperty('temperature');
    expect(predictStage(pipelines[0]!).description).toMatch(/^helper \(openai\)/);
  });

  it('connection-reference: the model inherits endpoint and api-key; its own options win', () => {
    const { catalog } = load('connection-reference.sql');
    const inherits = catalog.model('inherits') as ModelEntry;
    expect(inherits.definition.options.get('endpoint')).toBe('https://api.openai.com/v1/chat/completions');
    expect(inherits.definition.options.get('api-key')).toBe('sk-from-connection');
    expect(inherits.definition.options.get('model')).toBe('gpt-4o-mini');
    expect(inherits.written).not.toHaveProperty('api-key');
    expect(inherits.rawOptions['api-key']).toBe('sk-from-connection');

    const overrides = catalog.model('overrides') as ModelEntry;
    expect(overrides.definition.provider).toBe('openai'); // from the connection's 'type'
    expect(overrides.definition.options.get('api-key')).toBe('sk-own');
    expect(overrides.definition.options.get('endpoint')).toBe('https://api.openai.com/v1/chat/completions');
  });

  it('session-settings: SET is picked up, CONFIG overrides it, RESET restores the defaults', () => {
    const { pipelines } = load('session-settings.sql');
    expect(pipelines.map((p) => predictStage(p).config)).toEqual([
      { maxConcurrent: 4, ordered: false, timeoutMs: 30_000 },
      { maxConcurrent: 2, ordered: true, timeoutMs: 5_000 },
      { maxConcurrent: 10, ordered: true, timeoutMs: 180_000 },
    ]);
  });

  it('drop-and-recreate: uses see the re-created table, model and view', () => {
    const { pipelines } = load('drop-and-recreate.sql');
    const plan = pipelines[0]!;
    expect(sourceTable(plan).definition.columns.map((c) => c.name)).toEqual(['id', 'body', 'lang']);
    expect(predictStage(plan).model.outputs[0]!.type.kind).toBe('ARRAY');
    expect(stageKinds(plan)).toEqual(['filter', 'map', 'predict', 'map', 'map']);
    const rows = runStages(plan.stages, [1, 'hello', 'en'], () => [[[0.5, 0.5]]]);
    expect(rows).toEqual([[1, 'hello', 'en', [0.5, 0.5]]]);
    expect(runStages(plan.stages, [2, 'hallo', 'de'], () => [[[0.5]]])).toEqual([]);
  });

  it('implicit-casts: VARCHAR/CHAR feed a STRING input; INT and FLOAT widen on INSERT; unlisted columns are NULL', () => {
    const { pipelines } = load('implicit-casts.sql');
    const [full, partial] = pipelines as [PipelinePlan, PipelinePlan];
    expect(predictStage(full).inputs[0]!.type.kind).toBe('STRING');
    expect(predictStage(partial).inputs[0]!.type.kind).toBe('STRING');
    expect(full.outputColumns.map((c) => `${c.name} ${c.type.kind}`)).toEqual([
      'id BIGINT',
      'subject STRING',
      'label STRING',
      'score DOUBLE',
      'note STRING',
    ]);
    const model = () => [['neutral']];
    expect(runStages(full.stages, [7, 'printer on fire', 'P1  ', 0.5], model)).toEqual([[7, 'printer on fire', 'neutral', 0.5, null]]);
    expect(runStages(partial.stages, [8, 'x', 'P2  ', 1], model)).toEqual([[8, null, 'neutral', null, null]]);
  });
});
