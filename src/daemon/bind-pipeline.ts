import type { ModelEntry } from '../catalog/catalog-entries.js';
import type { LeafSourcePlan, PipelinePlan, SourcePlan, StagePlan } from '../planner/pipeline-plan.js';
import type { ExecutablePipeline, Stage, TransformStage } from '../runtime/executable-pipeline.js';
import { unionSource, unionStage } from '../runtime/union-source.js';
import type { Source } from '../spi/source.js';
import { valuesSource } from '../runtime/values-source.js';
import type { ConnectorContext } from '../spi/connector.js';
import type { ModelFunction } from '../spi/model-provider.js';
import type { Row } from '../types/data-type.js';
import type { DaemonConfig } from './daemon-config.js';
import { vectorSearchModel } from './vector-search-model.js';

export interface BindContext {
  readonly connector: ConnectorContext;
  /** One ModelFunction per model of a job, sharing the daemon-wide limiters. */
  readonly model: (entry: ModelEntry) => ModelFunction;
  readonly pipeline: DaemonConfig['pipeline'];
  /** Writes rows of a bare SELECT (stdout by default). */
  readonly printSink: () => ExecutablePipeline['sink'];
}

/** A plan, bound to live clients: connectors' sources and sinks, providers' model functions. */
export function bindPipeline(plan: PipelinePlan, ctx: BindContext): ExecutablePipeline {
  const after = fuse(plan.stages, ctx);
  const concurrency = Math.max(0, ...after.map((s) => (s.kind === 'predict' ? s.maxConcurrent : 0)));
  const maxInFlight = concurrency > 0 ? Math.max(1, concurrency * ctx.pipeline.inFlightPerConcurrency) : ctx.pipeline.sinkBatchMaxRows;
  const { source, prelude } = bindSource(plan.source, ctx, maxInFlight);
  const sink = plan.sink.kind === 'print' ? ctx.printSink() : plan.sink.table.connector.createSink!(plan.sink.table.definition, ctx.connector);
  return {
    jobId: ctx.connector.jobId,
    name: plan.name,
    source,
    stages: [...prelude, ...after],
    sink,
    maxInFlight,
    sinkBatch: { maxRows: ctx.pipeline.sinkBatchMaxRows, lingerMs: ctx.pipeline.sinkLingerMs },
  };
}

/** A leaf source as is; a UNION ALL's inputs as one source, with the stage that runs each row through its branches. */
function bindSource(plan: SourcePlan, ctx: BindContext, maxInFlight: number): { source: Source; prelude: Stage[] } {
  if (plan.kind !== 'union') return { source: bindLeaf(plan, ctx), prelude: [] };
  const byInput = plan.inputs.map((_, i) => plan.branches.filter((b) => b.input === i).map((b) => fuse(b.stages, ctx) as TransformStage[]));
  return { source: unionSource(plan.inputs.map((leaf) => bindLeaf(leaf, ctx)), maxInFlight), prelude: [unionStage(byInput, `UNION ALL of ${plan.branches.length} inputs`)] };
}

function bindLeaf(plan: LeafSourcePlan, ctx: BindContext): Source {
  return plan.kind === 'values' ? valuesSource(plan.rows.map((r) => [...r])) : plan.table.connector.createSource!(plan.table.definition, ctx.connector);
}

/** Consecutive map/filter stages run as one transform: one pass over the row, no intermediate arrays. */
function fuse(plans: readonly StagePlan[], ctx: BindContext): Stage[] {
  const out: Stage[] = [];
  let pending: Array<Extract<StagePlan, { kind: 'map' | 'filter' }>> = [];
  const flush = () => {
    if (pending.length === 0) return;
    const steps = pending;
    pending = [];
    out.push({
      kind: 'transform',
      description: steps.map((s) => s.description).join('; '),
      apply(row: Row): Row[] {
        let r = row;
        for (const s of steps) {
          if (s.kind === 'filter') {
            if (s.predicate.evaluate(r) !== true) return [];
          } else {
            const next: Row = new Array(s.exprs.length);
            for (let i = 0; i < s.exprs.length; i++) next[i] = s.exprs[i]!.evaluate(r);
            r = next;
          }
        }
        return [r];
      },
    });
  };
  for (const s of plans) {
    if (s.kind === 'unnest') {
      // A fan-out of its own: the one-row fast path of the fused stages stays as it is.
      flush();
      out.push({ kind: 'transform', description: s.description, apply: s.expand });
      continue;
    }
    if (s.kind === 'search') {
      flush();
      out.push(searchStage(s, ctx));
      continue;
    }
    if (s.kind !== 'predict') {
      pending.push(s);
      continue;
    }
    flush();
    const inputs = s.inputs;
    out.push({
      kind: 'predict',
      description: s.description,
      modelName: s.model.name,
      model: ctx.model(s.model),
      inputs: (row) => inputs.map((e) => e.evaluate(row)),
      combine: (row, output) => [...row, ...output],
      maxConcurrent: s.config.maxConcurrent,
      ordered: s.config.ordered,
      timeoutMs: s.config.timeoutMs,
    });
  }
  flush();
  return out;
}

/** VECTOR_SEARCH runs as a predict stage: the same bounded concurrency, ordering, timeout and retries. */
function searchStage(s: Extract<StagePlan, { kind: 'search' }>, ctx: BindContext): Stage {
  const entry = vectorSearchModel(s, ctx.connector);
  const query = s.query;
  return {
    kind: 'predict',
    description: s.description,
    modelName: entry.name,
    model: ctx.model(entry),
    inputs: (row) => [query.evaluate(row)],
    combine: (row, output) => [...row, ...output],
    maxConcurrent: s.config.maxConcurrent,
    ordered: s.config.ordered,
    timeoutMs: s.config.timeoutMs,
  };
}
