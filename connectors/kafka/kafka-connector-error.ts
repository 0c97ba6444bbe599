/**
 * The stable codes this connector raises; each is listed in src/errors/connector-error-codes.ts
 * (connectors import only from src/spi, so a test keeps the two in step).
 */
export type KafkaErrorCode = 'PD4301' | 'PD4302' | 'PD4303' | 'PD4304' | 'PD4305' | 'PD4306' | 'PD4307' | 'PD4308' | 'PD4309' | 'PD4310' | 'PD4311' | 'PD4312' | 'PD4313' | 'PD4314';

/** An error of the Kafka connector: a stable `code` plus a message that never holds credentials. */
export class KafkaConnectorError extends Error {
  readonly code: KafkaErrorCode;
  /** No retry can help (a row that cannot be encoded, a record the broker refuses for good): the runtime must not retry the write. */
  readonly permanent: boolean;

  constructor(code: KafkaErrorCode, message: string, options?: { cause?: unknown; permanent?: boolean }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'KafkaConnectorError';
    this.code = code;
    this.permanent = options?.permanent ?? code === 'PD4306';
  }
}
