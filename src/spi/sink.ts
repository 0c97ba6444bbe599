import type { Row } from '../types/data-type.js';
import type { TransactionalProgress } from './source.js';

/**
 * A write failure that no retry can fix (a row the format cannot encode, a schema the target
 * rejects). Sinks mark such errors with `permanent: true`; the runtime then fails the job and
 * commits nothing past those records, instead of retrying forever.
 */
export interface PermanentFailure {
  readonly permanent: true;
}

export function isPermanentFailure(err: unknown): err is Error & PermanentFailure {
  return err instanceof Error && (err as Partial<PermanentFailure>).permanent === true;
}

export interface Sink {
  /**
   * Writes rows and resolves only once they are durably written (acknowledged by Kafka,
   * flushed to Milvus, printed). A rejection means none of the rows may be acked; the
   * runtime retries with backoff, unless the error is a PermanentFailure.
   */
  write(rows: readonly Row[], opts: { readonly signal: AbortSignal }): Promise<void>;
  /** Flush what is buffered and release clients. Idempotent. */
  close(): Promise<void>;
  /**
   * Present on a sink that commits the source's progress in its own transactions (Kafka's
   * exactly-once). The runtime calls it once, before the source runs, with the source's
   * handle, or undefined when the source has none (the sink then throws: the job cannot run).
   */
  readonly attachSource?: (progress: TransactionalProgress | undefined) => void;
}
