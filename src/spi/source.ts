import type { Row } from '../types/data-type.js';
import type { Logger } from './logger.js';

/** One record read by a source; the runtime calls exactly one of ack/nack, once. */
export interface SourceRecord {
  readonly row: Row;
  /** The sink wrote every row derived from this record (or it was filtered or dropped by policy). */
  ack(): void;
  /** Processing failed for good: the source must never commit at or past this record. */
  nack(error: Error): void;
}

/** The pipeline's in-flight window, seen from a source. */
export interface FlowControl {
  /** True while the window is full: stop reading (pause partitions) until drained() resolves. */
  readonly full: boolean;
  /** Resolves once the in-flight count is below the low-water mark, or when the signal aborts. */
  drained(signal: AbortSignal): Promise<void>;
}

export interface SourceContext {
  /** Aborted when the job stops: stop reading new records (in-flight ones still settle). */
  readonly signal: AbortSignal;
  readonly flow: FlowControl;
  /** Hands one record to the pipeline. Never blocks; callers respect `flow.full`. */
  push(record: SourceRecord): void;
  readonly log: Logger;
}

export interface Source {
  /** Reads until the input ends (bounded sources) or the signal aborts. */
  run(ctx: SourceContext): Promise<void>;
  /** After the pipeline drained: final commit, then release clients. Idempotent. */
  close(): Promise<void>;
}
