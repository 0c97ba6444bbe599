import type { Column, Value } from '../types/data-type.js';
import type { ConfigSpec, ResolvedOptions } from './config-spec.js';
import type { Logger } from './logger.js';

/** A model as the catalog knows it after CREATE MODEL, its WITH map resolved against the spec. */
export interface ModelDefinition {
  readonly name: string;
  readonly provider: string;
  readonly inputs: readonly Column[];
  readonly outputs: readonly Column[];
  readonly options: ResolvedOptions;
  /**
   * Set by the framework when the model's OUTPUT is typed (several columns, or `response-format` =
   * `json_schema`): the provider then sees one STRING output, asks for an answer in this shape
   * and returns the answer's text; the framework validates it into the typed columns.
   */
  readonly structured?: StructuredOutputRequest;
}

/** A JSON answer the framework asks a provider for (output-json-schema.ts derives it from the OUTPUT columns). */
export interface StructuredOutputRequest {
  /** The schema's name as OpenAI's `json_schema.name` takes it: [A-Za-z0-9_-], at most 64 characters. */
  readonly name: string;
  /** A JSON Schema object (type object, one property per OUTPUT column). */
  readonly schema: Readonly<Record<string, unknown>>;
  /** The schema as a system-prompt instruction, for APIs without a schema field. */
  readonly instruction: string;
}

export interface TokenUsage {
  readonly promptTokens: number;
  readonly completionTokens: number;
  readonly totalTokens: number;
}

export interface ModelResponse {
  /** Zero or more output rows, each with one value per OUTPUT column (n > 1 gives n rows). */
  readonly rows: readonly (readonly Value[])[];
  readonly usage?: TokenUsage;
}

/** How the runtime should treat a failed call. */
export type CallErrorKind =
  /** 429 and the like: wait (Retry-After when given), lower the rate, try again. */
  | 'throttled'
  /** 5xx, timeouts, connection resets: exponential backoff with jitter. */
  | 'transient'
  /** Other 4xx, bad responses, quota exhausted: retrying cannot help. */
  | 'fatal';

/** The one error a ModelClient throws. Messages never contain credentials. */
export class ModelCallError extends Error {
  readonly kind: CallErrorKind;
  readonly status: number | undefined;
  readonly retryAfterMs: number | undefined;
  /** Response headers of the failed attempt (lower-case names), when there was a response. Never request headers. */
  readonly headers: Readonly<Record<string, readonly string[]>> | undefined;

  constructor(
    kind: CallErrorKind,
    message: string,
    opts: { status?: number; retryAfterMs?: number; headers?: Readonly<Record<string, readonly string[]>>; cause?: unknown } = {},
  ) {
    super(message, { cause: opts.cause });
    this.name = 'ModelCallError';
    this.kind = kind;
    this.status = opts.status;
    this.retryAfterMs = opts.retryAfterMs;
    this.headers = opts.headers;
  }
}

/**
 * A provider plugin's client: one HTTP attempt per call, no retries, no rate limiting —
 * the providers framework wraps it with the shared limiter and the retry policy.
 */
export interface ModelClient {
  /** The quota this client draws on: provider + endpoint + credential fingerprint (never the secret itself). */
  readonly quotaKey: string;
  /**
   * The text the client sends with every row besides the row's own (its system prompt, a schema
   * instruction): `max-context-size` counts it. Absent: only the row's text is counted.
   */
  readonly systemPrompt?: string;
  /** Tokens a call with these inputs is expected to consume (prompt + expected completion). */
  estimateTokens(inputs: readonly Value[]): number;
  /**
   * `signal` is this call's while it runs: once the call has answered, the client neither listens
   * to it nor keeps it (the framework hands a signal left clean to its next call).
   */
  call(inputs: readonly Value[], opts: { readonly signal: AbortSignal }): Promise<ModelResponse>;
  /** Providers whose API takes arrays (embeddings) may answer several rows in one request. `signal` as for call(). */
  readonly maxBatchSize?: number;
  callBatch?(batch: readonly (readonly Value[])[], opts: { readonly signal: AbortSignal }): Promise<readonly ModelResponse[]>;
  close?(): Promise<void>;
}

export interface ProviderContext {
  readonly log: Logger;
}

export interface ModelProviderFactory {
  /** Every 'provider' value this factory answers to, e.g. ['openai', 'bailian', 'qwen']. */
  readonly names: readonly string[];
  readonly summary: string;
  /** Provider-specific WITH options; the framework adds the shared rate-limit and error-handling options. */
  readonly spec: ConfigSpec;
  /** Schema rules (e.g. one STRING input, one STRING or ARRAY<FLOAT> output); returns problems. */
  checkSchema(model: ModelDefinition): readonly string[];
  /**
   * How the provider carries `ModelDefinition.structured`: 'native' in a schema field of its API,
   * 'prompt' in the system prompt. Absent: typed OUTPUT columns are rejected for its models.
   */
  readonly structuredOutput?: 'native' | 'prompt';
  create(model: ModelDefinition, ctx: ProviderContext): ModelClient;
}

/** What the runtime's predict stage sees: limiter, retries and error strategy already applied. */
export type PredictOutcome =
  | { readonly ok: true; readonly rows: readonly (readonly Value[])[] }
  /**
   * The row failed for good and the error strategy decided: 'ignore' lets the row go (the pipeline
   * routes it: dead-letter queue, else dropped, logged and counted), 'fail' fails the job.
   */
  | {
      readonly ok: false;
      readonly action: 'ignore' | 'fail';
      readonly error: Error;
      /**
       * 'row': the provider rejected this input for good (a 400; no retry can change it), which a
       * source's `errors.tolerance` = `all` routes even under FAILOVER. 'service' (the default):
       * retries or the row's timeout ran out, an outage that fails the job.
       */
      readonly fault?: 'row' | 'service';
    };

export interface PredictOptions {
  /** Aborted at a hard stop: predict() then rejects with `signal.reason`. */
  readonly signal: AbortSignal;
  /**
   * Flink's per-row `timeout`: from the first attempt to the final answer, retries and waits
   * included. Running out is a row failure that the error strategy decides, not a rejection.
   */
  readonly timeoutMs?: number;
}

export interface ModelFunction {
  predict(inputs: readonly Value[], opts: PredictOptions): Promise<PredictOutcome>;
  close(): Promise<void>;
}
