import type { Logger } from '../spi/logger.js';
import type {
  ModelClient,
  ModelDefinition,
  ModelFunction,
  ModelProviderFactory,
  ModelResponse,
  PredictOutcome,
} from '../spi/model-provider.js';
import { ModelCallError } from '../spi/model-provider.js';
import type { Value } from '../types/data-type.js';
import { assertNever } from '../types/data-type.js';
import { asCallError, type CallResult } from './call-result.js';
import { systemClock, type Clock } from './clock.js';
import { MicroBatcher } from './micro-batcher.js';
import { modelConfigError, ModelPredictError, ProviderClosedError } from './provider-errors.js';
import type { LimiterLease, LimiterSnapshot } from './limiter-lease.js';
import type { LimiterRegistry } from './limiter-registry.js';
import { backoffDelay, compileModelPolicy, type ModelPolicy } from './shared-model-options.js';

export interface BindOptions {
  /** The daemon's shared limiters: models with the same quota key share one. */
  readonly limiters: LimiterRegistry;
  readonly log: Logger;
  /** Resolves '${NAME}' option values (api-key). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Backoff sleeps; tests pass a fast clock. The limiter itself runs on real time. */
  readonly clock?: Clock;
  /** Jitter source in [0, 1). */
  readonly random?: () => number;
}

/** Counters since the model was bound; a snapshot, safe to keep. */
export interface ModelStats {
  /** predict() calls (rows). */
  readonly rows: number;
  /** HTTP requests sent (a micro-batch counts once). */
  readonly requests: number;
  readonly succeeded: number;
  /** 429 answers, counted per row (a micro-batch answered 429 counts once for each of its rows). */
  readonly throttled: number;
  readonly transientErrors: number;
  readonly fatalErrors: number;
  /** Attempts after the first, throttled ones included. */
  readonly retries: number;
  /** Rows given up with action 'ignore' (IGNORE). */
  readonly dropped: number;
  /** Rows given up with action 'fail' (FAILOVER). */
  readonly failed: number;
  readonly promptTokens: number;
  readonly completionTokens: number;
  readonly totalTokens: number;
}

export interface BoundModelFunction extends ModelFunction {
  readonly model: string;
  readonly quotaKey: string;
  readonly policy: ModelPolicy;
  stats(): ModelStats;
  limiter(): Promise<LimiterSnapshot>;
}

type MutableStats = { -readonly [K in keyof ModelStats]: ModelStats[K] };

/**
 * Wraps a provider's ModelClient with everything plugins must not do themselves: admission through
 * the shared limiter, the retry loop and the error-handling strategy.
 *
 * - 429 (throttled): the whole quota pauses for Retry-After (or a backoff step when absent), its
 *   rate is lowered, and the row tries again. Throttling never counts against `retry-num` and never
 *   fails or drops a row under any strategy: it is backpressure, bounded by the caller's signal
 *   (the runtime's per-row timeout).
 * - transient (5xx, 408, 409, timeouts, connection errors): under RETRY, exponential backoff with
 *   full jitter, up to `retry-num` retries, each passing the limiter again.
 * - fatal: not retried.
 * A row that fails for good becomes `{ ok: false, action }`: 'ignore' for IGNORE, 'fail' for FAILOVER
 * (RETRY uses `retry-fallback-strategy`). predict() rejects only when the signal aborts (with
 * `signal.reason`) or the function is closed (ProviderClosedError).
 */
export function bindModel(factory: ModelProviderFactory, model: ModelDefinition, opts: BindOptions): BoundModelFunction {
  const problems = factory.checkSchema(model);
  if (problems.length > 0) throw modelConfigError(model, problems.join('; '));
  const policy = compileModelPolicy(model.options);
  const log = opts.log.child({ model: model.name, provider: model.provider });
  const client = factory.create(model, { log, env: opts.env });
  let lease: LimiterLease;
  try {
    lease = opts.limiters.get(client.quotaKey, policy.limits);
  } catch (err) {
    void client.close?.();
    throw err;
  }
  return new BoundModel(model.name, policy, client, lease, log, opts.clock ?? systemClock, opts.random ?? Math.random);
}

class BoundModel implements BoundModelFunction {
  readonly model: string;
  readonly quotaKey: string;
  readonly policy: ModelPolicy;
  readonly #client: ModelClient;
  readonly #lease: LimiterLease;
  readonly #log: Logger;
  readonly #clock: Clock;
  readonly #random: () => number;
  readonly #batcher: MicroBatcher | undefined;
  readonly #stats: MutableStats = {
    rows: 0,
    requests: 0,
    succeeded: 0,
    throttled: 0,
    transientErrors: 0,
    fatalErrors: 0,
    retries: 0,
    dropped: 0,
    failed: 0,
    promptTokens: 0,
    completionTokens: 0,
    totalTokens: 0,
  };
  #closed = false;

  constructor(name: string, policy: ModelPolicy, client: ModelClient, lease: LimiterLease, log: Logger, clock: Clock, random: () => number) {
    this.model = name;
    this.quotaKey = client.quotaKey;
    this.policy = policy;
    this.#client = client;
    this.#lease = lease;
    this.#log = log;
    this.#clock = clock;
    this.#random = random;
    const callBatch = client.callBatch?.bind(client);
    if (callBatch && (client.maxBatchSize ?? 1) > 1) {
      const target = { estimateTokens: (inputs: readonly Value[]) => client.estimateTokens(inputs), callBatch };
      this.#batcher = new MicroBatcher(target, lease, client.maxBatchSize ?? 1, () => this.#stats.requests++);
    }
  }

  async predict(inputs: readonly Value[], opts: { readonly signal: AbortSignal }): Promise<PredictOutcome> {
    const { signal } = opts;
    if (this.#closed) throw new ProviderClosedError(`model '${this.model}' is closed`);
    signal.throwIfAborted();
    this.#stats.rows++;
    let attempts = 0;
    let transientRetries = 0;
    let throttleStreak = 0;
    for (;;) {
      const result = await this.#dispatch(inputs, signal, attempts > 0);
      attempts++;
      if (result.ok) {
        this.#recordSuccess(result.response);
        return { ok: true, rows: result.response.rows };
      }
      const { error } = result;
      if (signal.aborted) throw signal.reason;
      switch (error.kind) {
        case 'throttled': {
          this.#stats.throttled++;
          this.#stats.retries++;
          const pause =
            error.retryAfterMs ?? Math.max(this.policy.backoff.baseMs, backoffDelay(this.policy.backoff, throttleStreak, this.#random));
          throttleStreak++;
          this.#lease.throttled(pause, result.permit);
          break;
        }
        case 'transient': {
          this.#stats.transientErrors++;
          if (this.policy.strategy !== 'RETRY') return this.#giveUp('PD4203', error, attempts);
          if (transientRetries >= this.policy.retryNum) return this.#giveUp('PD4204', error, attempts);
          const wait = Math.max(backoffDelay(this.policy.backoff, transientRetries, this.#random), error.retryAfterMs ?? 0);
          transientRetries++;
          this.#stats.retries++;
          this.#log.debug({ status: error.status, attempt: attempts, waitMs: wait }, `transient model error, retrying: ${error.message}`);
          await this.#clock.sleep(wait, signal);
          break;
        }
        case 'fatal':
          this.#stats.fatalErrors++;
          return this.#giveUp('PD4203', error, attempts);
        default:
          return assertNever(error.kind, 'call error kind');
      }
    }
  }

  #dispatch(inputs: readonly Value[], signal: AbortSignal, retry: boolean): Promise<CallResult> {
    if (this.#batcher) return this.#batcher.dispatch(inputs, signal, retry);
    return this.#callOne(inputs, signal, retry);
  }

  async #callOne(inputs: readonly Value[], signal: AbortSignal, retry: boolean): Promise<CallResult> {
    const permit = await this.#lease.acquire({ weight: this.#client.estimateTokens(inputs), signal, retry });
    this.#stats.requests++;
    try {
      const response = await this.#client.call(inputs, { signal });
      permit.release({ totalTokens: response.usage?.totalTokens });
      return { ok: true, response };
    } catch (err) {
      const error = asCallError(err);
      permit.release({ rejected: error.kind === 'throttled' });
      if (signal.aborted) throw signal.reason;
      return { ok: false, error, permit };
    }
  }

  #recordSuccess(response: ModelResponse): void {
    const s = this.#stats;
    s.succeeded++;
    if (response.usage) {
      s.promptTokens += response.usage.promptTokens;
      s.completionTokens += response.usage.completionTokens;
      s.totalTokens += response.usage.totalTokens;
    }
  }

  #giveUp(code: 'PD4203' | 'PD4204', error: ModelCallError, attempts: number): PredictOutcome {
    const { strategy, fallback } = this.policy;
    const action: 'ignore' | 'fail' = strategy === 'IGNORE' || (strategy === 'RETRY' && fallback === 'IGNORE') ? 'ignore' : 'fail';
    const detail = code === 'PD4204' ? ` (gave up after ${attempts} attempts)` : '';
    const wrapped = new ModelPredictError(code, `model '${this.model}': ${error.message}${detail}`, {
      model: this.model,
      kind: error.kind,
      status: error.status,
      attempts,
      cause: error,
    });
    const fields = { code, kind: error.kind, status: error.status, attempts, strategy };
    if (action === 'ignore') {
      this.#stats.dropped++;
      this.#log.warn(fields, `row dropped by the error-handling strategy: ${wrapped.message}`);
    } else {
      this.#stats.failed++;
      this.#log.error(fields, `model call failed: ${wrapped.message}`);
    }
    return { ok: false, action, error: wrapped };
  }

  stats(): ModelStats {
    return Object.freeze({ ...this.#stats });
  }

  limiter(): Promise<LimiterSnapshot> {
    return this.#lease.snapshot();
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#batcher?.close();
    this.#lease.close();
    await this.#client.close?.();
  }
}
