import type { Span } from '../errors/diagnostic.js';
import { Scope, type ScopeColumn } from '../expr/index.js';
import type { MlPredictNode } from '../sql/ast/index.js';
import type { DataType } from '../types/data-type.js';
import type { SourcePlan, StagePlan } from './pipeline-plan.js';

export interface RelColumn {
  readonly name: string;
  readonly type: DataType;
  /** Table names and aliases that may qualify it (`t.col`). */
  readonly qualifiers: readonly string[];
  /** Where the column came from, for errors about it. */
  readonly span: Span;
  /** Columns the planner added for its own use (scalar ML_PREDICT results); `*` skips them. */
  readonly hidden?: boolean;
}

/** A query result under construction: a source, the stages so far, and the current row layout. */
export interface Relation {
  readonly source: SourcePlan;
  readonly stages: readonly StagePlan[];
  readonly columns: readonly RelColumn[];
}

export function scopeOf(rel: Relation, resolvePredict?: (node: MlPredictNode) => { index: number; type: DataType } | undefined): Scope {
  const cols: ScopeColumn[] = rel.columns.map((c, index) => ({ name: c.name, qualifiers: [...c.qualifiers], type: c.type, index }));
  return new Scope(cols, resolvePredict ? { resolvePredict } : {});
}

export function requalify(rel: Relation, qualifier: string | undefined): Relation {
  if (qualifier === undefined) return rel;
  return { ...rel, columns: rel.columns.map((c) => ({ ...c, qualifiers: [qualifier] })) };
}

export function withStage(rel: Relation, stage: StagePlan, columns: readonly RelColumn[] = rel.columns): Relation {
  return { source: rel.source, stages: [...rel.stages, stage], columns };
}
