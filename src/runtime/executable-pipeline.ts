import type { ModelFunction } from '../spi/model-provider.js';
import type { Sink } from '../spi/sink.js';
import type { Source } from '../spi/source.js';
import type { Row, Value } from '../types/data-type.js';

/** Filter and projection, compiled: one input row gives zero (filtered) or more rows. Throws to fail the row. */
export interface TransformStage {
  readonly kind: 'transform';
  readonly description: string;
  apply(row: Row): Row[];
}

/** An ML_PREDICT call, compiled: the model's inputs from a row, and the row joined with each output. */
export interface PredictStage {
  readonly kind: 'predict';
  readonly description: string;
  readonly modelName: string;
  readonly model: ModelFunction;
  /** The descriptor columns' values, cast to the model's INPUT types. */
  inputs(row: Row): Value[];
  /** Input columns followed by the model's OUTPUT columns. */
  combine(row: Row, output: readonly Value[]): Row;
  /** `max-concurrent-operations`: model calls in flight for this stage of this job. */
  readonly maxConcurrent: number;
  /** `output-mode` ORDERED (true) or ALLOW_UNORDERED (false). */
  readonly ordered: boolean;
  /** `timeout`: the budget of one row's prediction, retries included; the model's error strategy decides what running out means. */
  readonly timeoutMs: number;
}

export type Stage = TransformStage | PredictStage;

/** A pipeline bound to live objects, ready to run: source -> stages -> sink. */
export interface ExecutablePipeline {
  readonly jobId: string;
  /** Names the pipeline in logs, e.g. the INSERT's target table. */
  readonly name: string;
  readonly source: Source;
  readonly stages: readonly Stage[];
  readonly sink: Sink;
  /** Source records in flight at most (admitted, not yet written or dropped). */
  readonly maxInFlight: number;
  readonly sinkBatch: { readonly maxRows: number; readonly lingerMs: number };
}
