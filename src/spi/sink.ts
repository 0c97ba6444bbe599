import type { Row } from '../types/data-type.js';

export interface Sink {
  /**
   * Writes rows and resolves only once they are durably written (acknowledged by Kafka,
   * flushed to Milvus, printed). A rejection means none of the rows may be acked; the
   * runtime retries with backoff.
   */
  write(rows: readonly Row[], opts: { readonly signal: AbortSignal }): Promise<void>;
  /** Flush what is buffered and release clients. Idempotent. */
  close(): Promise<void>;
}
