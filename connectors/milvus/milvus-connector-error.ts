/**
 * The stable codes this connector raises. Connectors import only from src/spi, so these are
 * listed again in src/errors/connector-error-codes.ts (a test keeps the two in step).
 */
export type MilvusErrorCode = 'PD4341' | 'PD4342' | 'PD4343' | 'PD4344' | 'PD4345';

/** One-line meaning of each code, for src/errors/connector-error-codes.ts and docs/errors.md. */
export const MILVUS_ERROR_CODES: Readonly<Record<MilvusErrorCode, string>> = {
  PD4341: "invalid Milvus connection options ('endpoint', 'port', credentials, database, collection or partition name)",
  PD4342: 'the Milvus collection does not fit the table (missing field, incompatible type, auto-id primary key, unsupported field type)',
  PD4343: 'a row cannot be written to Milvus (NULL primary key or vector, vector of the wrong dimension, NULL in a non-nullable field)',
  PD4344: 'Milvus refused or failed a request (connect, create collection, create index, load, upsert, search)',
  PD4345: 'a Milvus sink was written (or a Milvus table searched) after close()',
};

/** An error of the Milvus connector: a stable `code` plus a message that never holds credentials. */
export class MilvusConnectorError extends Error {
  readonly code: MilvusErrorCode;
  /** Rows Milvus can never take, and a collection that does not fit: retrying cannot help. */
  readonly permanent: boolean;

  constructor(code: MilvusErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'MilvusConnectorError';
    this.code = code;
    this.permanent = code === 'PD4342' || code === 'PD4343';
  }
}
