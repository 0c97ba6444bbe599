import type { CatalogContext } from '../../src/catalog/catalog-context.js';
import type { ModelEntry } from '../../src/catalog/catalog-entries.js';
import { compileJob } from '../../src/daemon/compile-job.js';
import { createDefaultRegistry } from '../../src/daemon/default-registry.js';
import { DiagnosticsError } from '../../src/errors/diagnostic.js';
import type { PipelinePlan, StagePlan } from '../../src/planner/pipeline-plan.js';
import type { ScriptPlan } from '../../src/planner/plan-script.js';
import { modelSpecFor } from '../../src/providers/index.js';
import type { Row, Value } from '../../src/types/data-type.js';

/** What the daemon gives the catalog, with a default Kafka cluster for tables declared without WITH. */
export function catalogContext(overrides: Partial<CatalogContext> = {}): CatalogContext {
  return { registry: createDefaultRegistry(), modelSpec: modelSpecFor, defaultKafkaBootstrap: 'localhost:9092', ...overrides };
}

const shared = catalogContext();

/** Compiles a job; throws DiagnosticsError (with every problem) as the daemon would. */
export function compile(source: string, file = 'job.sql', ctx: CatalogContext = shared): ScriptPlan {
  return compileJob(file, source, ctx);
}

export interface Found {
  readonly code: string;
  readonly line: number;
  readonly col: number;
  readonly message: string;
}

/** The diagnostics of a job, [] when it compiles. */
export function diagnosticsOf(source: string, ctx: CatalogContext = shared, file = 'job.sql'): Found[] {
  try {
    compileJob(file, source, ctx);
    return [];
  } catch (err) {
    if (!(err instanceof DiagnosticsError)) throw err;
    return err.diagnostics.map((d) => ({ code: d.code, line: d.span.line, col: d.span.col, message: d.message }));
  }
}

/** The one pipeline of a job (fails the test when there are more or none). */
export function onlyPipeline(source: string): PipelinePlan {
  const plan = compile(source);
  if (plan.pipelines.length !== 1) throw new Error(`expected one pipeline, got ${plan.pipelines.length}`);
  return plan.pipelines[0]!;
}

/** A fake model: the model entry and its cast inputs -> zero or more output rows. */
export type FakeModel = (model: ModelEntry, inputs: readonly Value[]) => readonly (readonly Value[])[];

/**
 * Runs planned stages over one row with the semantics the runtime gives them: a filter keeps
 * TRUE rows, a map projects, a predict calls the model (a NULL input drops the row) and
 * appends each output row's values.
 */
export function runStages(stages: readonly StagePlan[], row: Row, model: FakeModel = () => []): Row[] {
  let rows: Row[] = [row];
  for (const stage of stages) {
    const next: Row[] = [];
    for (const r of rows) {
      switch (stage.kind) {
        case 'filter':
          if (stage.predicate.evaluate(r) === true) next.push(r);
          break;
        case 'map':
          next.push(stage.exprs.map((e) => e.evaluate(r)));
          break;
        case 'unnest':
          next.push(...stage.expand(r));
          break;
        case 'predict': {
          const inputs = stage.inputs.map((e) => e.evaluate(r));
          if (inputs.some((v) => v === null)) break;
          for (const out of model(stage.model, inputs)) next.push([...r, ...out]);
          break;
        }
      }
    }
    rows = next;
  }
  return rows;
}

/** The kinds of a plan's stages, in order: e.g. ['filter', 'predict', 'map']. */
export function stageKinds(plan: PipelinePlan): string[] {
  return plan.stages.map((s) => s.kind);
}
