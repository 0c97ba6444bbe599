import type { SourceRecord } from '../spi/source.js';
import type { Row } from '../types/data-type.js';

/**
 * One source record on its way through a pipeline, with every row derived from it so far.
 * It is acked only once all its rows are written (or it produced none).
 */
export interface WorkUnit {
  readonly seq: number;
  readonly record: SourceRecord;
  rows: Row[];
  /** All stages are done; the rows are final. */
  ready: boolean;
  /** When the source handed the record over (the pipeline's clock, ms): the start of its end-to-end latency. */
  readonly readAt: number;
}
