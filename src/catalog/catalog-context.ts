import type { Diagnostic, Span } from '../errors/diagnostic.js';
import type { ErrorCode } from '../errors/error-codes.js';
import type { ConfigSpec } from '../spi/config-spec.js';
import type { ModelProviderFactory } from '../spi/model-provider.js';
import type { Registry } from '../spi/registry.js';

export interface CatalogContext {
  readonly registry: Registry;
  /** A provider's complete option spec: its own options plus the shared model options (rate limits, retries). */
  readonly modelSpec: (factory: ModelProviderFactory) => ConfigSpec;
  /** Kafka cluster for tables declared without WITH (...); '' when the daemon has none. */
  readonly defaultKafkaBootstrap: string;
}

/** Collects a file's diagnostics: every check reports here and goes on, so a file reports all its errors at once. */
export class DiagnosticSink {
  readonly items: Diagnostic[] = [];

  error(code: ErrorCode, message: string, span: Span): void {
    this.items.push({ code, message, span });
  }

  get count(): number {
    return this.items.length;
  }
}
