import type { Value } from '../types/data-type.js';

/** What one VECTOR_SEARCH call asks of a table: the vector column to search and how many rows to return. */
export interface VectorSearchRequest {
  /** The DESCRIPTOR's column: a vector column of the table. */
  readonly column: string;
  /** TOP_K: rows per query vector at most. */
  readonly topK: number;
}

/**
 * The search side of a connector (Flink's VectorSearchTableSource): one request per query row, no
 * retries of its own (the runtime retries, times out and bounds concurrency as for ML_PREDICT).
 * A failure that retrying cannot fix carries `permanent: true` (see isPermanentFailure).
 */
export interface VectorSearcher {
  /** Names what is searched in logs and metrics (host, database, collection); never a credential. */
  readonly target: string;
  /**
   * The rows nearest to `vector`, nearest first, at most `topK`: one value per column of the
   * table (TableDefinition order), then the score as a DOUBLE.
   */
  search(vector: readonly number[], opts: { readonly signal: AbortSignal }): Promise<readonly (readonly Value[])[]>;
  /** Idempotent. */
  close(): Promise<void>;
}
