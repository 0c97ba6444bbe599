import type { Span } from '../errors/diagnostic.js';
import type { CompiledExpr } from '../expr/index.js';
import type { ModelEntry, TableEntry } from '../catalog/catalog-entries.js';
import type { Column, Row, Value } from '../types/data-type.js';

/** One input a pipeline reads. */
export type LeafSourcePlan =
  | { readonly kind: 'table'; readonly table: TableEntry }
  /** VALUES rows, evaluated at plan time (they are constants). */
  | { readonly kind: 'values'; readonly rows: readonly (readonly Value[])[]; readonly description: string };

/** The stages a UNION ALL input may have of its own: row-by-row transforms, no model call. */
export type TransformStagePlan = Extract<StagePlan, { kind: 'map' | 'filter' | 'unnest' }>;

/**
 * One UNION ALL input: the rows of `inputs[input]` through `stages`, which end with the cast to
 * the union's column types. Two branches over one table share its input: read once, rows to both.
 */
export interface UnionBranchPlan {
  readonly input: number;
  readonly stages: readonly TransformStagePlan[];
}

/** Where a pipeline's rows come from. */
export type SourcePlan =
  | LeafSourcePlan
  /** UNION ALL: the inputs read side by side in one pipeline, each record acked to its own input. */
  | { readonly kind: 'union'; readonly inputs: readonly LeafSourcePlan[]; readonly branches: readonly UnionBranchPlan[] };

/** The inputs a source plan reads: itself, or a union's inputs. */
export function leafSources(source: SourcePlan): readonly LeafSourcePlan[] {
  return source.kind === 'union' ? source.inputs : [source];
}

/** The source plan with each input replaced (resolving options, swapping connectors in tests). */
export function mapLeafSources(source: SourcePlan, fn: (leaf: LeafSourcePlan) => LeafSourcePlan): SourcePlan {
  return source.kind === 'union' ? { ...source, inputs: source.inputs.map(fn) } : fn(source);
}

export interface PredictConfig {
  readonly maxConcurrent: number;
  readonly ordered: boolean;
  readonly timeoutMs: number;
}

/** One step between source and sink; rows are positional, each stage says what it outputs. */
export type StagePlan =
  /** Row -> one row of these expressions. */
  | { readonly kind: 'map'; readonly exprs: readonly CompiledExpr[]; readonly description: string }
  /** Keeps the rows for which the predicate is TRUE (NULL and FALSE drop the row). */
  | { readonly kind: 'filter'; readonly predicate: CompiledExpr; readonly description: string }
  /** Appends the model's OUTPUT columns to the row (n outputs give n rows; NULL input drops the row). */
  | {
      readonly kind: 'predict';
      readonly model: ModelEntry;
      /** The model inputs, already cast to the model's INPUT types. */
      readonly inputs: readonly CompiledExpr[];
      readonly config: PredictConfig;
      readonly description: string;
    }
  /**
   * CROSS JOIN UNNEST: the row followed by each element's columns, one row per element (none for
   * an empty or NULL collection). `expand` is pure; the runtime runs it as a fan-out transform.
   */
  | { readonly kind: 'unnest'; readonly expand: (row: Row) => Row[]; readonly outputs: readonly Column[]; readonly description: string }
  /**
   * VECTOR_SEARCH: appends the search table's columns and `score` (one row per hit, none when
   * nothing is found), or with `aggregate` (VECTOR_SEARCH_AGG) one `search_results` array.
   * Runs on the predict stage's machinery: concurrency, ordering, timeout, retries.
   */
  | {
      readonly kind: 'search';
      readonly table: TableEntry;
      readonly column: string;
      readonly topK: number;
      /** The query vector, cast to the searched column's type. */
      readonly query: CompiledExpr;
      /** Searched rows are table columns then score; VECTOR_SEARCH_AGG keeps these indexes of them in each array element. */
      readonly aggregate: { readonly keep: readonly number[] } | undefined;
      /** The columns the stage appends. */
      readonly outputs: readonly Column[];
      readonly config: PredictConfig;
      readonly description: string;
    };

export type SinkPlan = { readonly kind: 'table'; readonly table: TableEntry } | { readonly kind: 'print' };

/** One INSERT (or bare SELECT) planned: source -> stages -> sink. Pure data and closures; no I/O. */
export interface PipelinePlan {
  /** e.g. "INSERT INTO risk_sink" */
  readonly name: string;
  readonly span: Span;
  readonly source: SourcePlan;
  readonly stages: readonly StagePlan[];
  readonly sink: SinkPlan;
  /** The rows the sink receives: its non-computed, non-virtual columns (or the SELECT's columns for print). */
  readonly outputColumns: readonly Column[];
}
