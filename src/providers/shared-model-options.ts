import type { ConfigSpec, OptionSpec, ResolvedOptions } from '../spi/config-spec.js';
import { fullJitterDelay } from '../util/backoff.js';
import type { ModelProviderFactory } from '../spi/model-provider.js';
import type { RateLimits } from './limit-plan.js';
import { CONTEXT_OVERFLOW_OPTIONS } from './context-window/context-overflow-options.js';

/**
 * Default `client-timeout`: one attempt of a long chat generation (thousands of output tokens)
 * can take well over 30 s, and cutting it only to send it again wastes the tokens twice. A minute
 * still ends a hung connection long before Flink's 3-minute per-row `timeout`.
 */
export const DEFAULT_CLIENT_TIMEOUT_MS = 60_000;

/**
 * Options every model accepts whatever its provider: the shared limiter, the retry policy, the
 * response cache and the context window (`max-context-size`, context-window/).
 * Names follow Flink's OpenAI provider (`error-handling-strategy`, `retry-num`,
 * `retry-fallback-strategy`) and VVR (`retry-backoff-*`); snake_case spellings are aliases.
 */
export const SHARED_MODEL_SPEC: ConfigSpec = Object.freeze({
  options: Object.freeze<OptionSpec[]>([
    {
      key: 'provider',
      type: { kind: 'string' },
      description: 'The provider that serves the model, e.g. `openai`, `bailian`, `local`.',
    },
    {
      key: 'connection',
      type: { kind: 'string' },
      description: "Name of a CONNECTION whose endpoint and credentials the catalog merges into the model's options (the model's own keys win).",
    },
    {
      key: 'rate-limit.requests-per-minute',
      type: { kind: 'int', min: 1 },
      description:
        'Requests per minute allowed on this quota (provider + base URL + model + key), shared by every job of the daemon. ' +
        'Enforced by a token bucket refilled continuously at 97.5% of this rate (a burst of one request plus 50 ms of refill) under a sliding count that keeps the requests of any 1.02 s at a second\'s share, so no 1-second window of the provider\'s exceeds it; ' +
        'lowered automatically after a 429 and raised back slowly. Unset: no request limit.',
    },
    {
      key: 'rate-limit.tokens-per-minute',
      type: { kind: 'int', min: 1 },
      description:
        'Tokens per minute allowed on this quota: a token bucket refilled at 97.5% of this rate, holding under a second\'s share. ' +
        'Each call reserves its estimated tokens (prompt + `max-tokens`, or 256) and the reservation is corrected from the response `usage`. Unset: no token limit.',
    },
    {
      key: 'rate-limit.max-concurrent',
      type: { kind: 'int', min: 1 },
      description: 'Requests in flight at once on this quota, across all jobs. Unset: bounded only by each job.',
    },
    {
      key: 'client-timeout',
      type: { kind: 'duration', bareNumber: 'seconds', positive: true },
      default: '60s',
      aliases: [
        'client_timeout',
        'openai.client_timeout',
        'azureopenai.client_timeout',
        'azureml.client_timeout',
        'bedrock.client_timeout',
        'googleai.client_timeout',
        'vertexai.client_timeout',
        'sagemaker.client_timeout',
      ],
      description:
        'Timeout of one attempt (one HTTP request), enforced by the framework for every provider: an attempt that runs out is ' +
        'aborted and retried as a transient failure, with backoff. A bare number means seconds, as Confluent\'s ' +
        "`<provider>.client_timeout`; or give a unit: '500ms', '2 min'. The per-row `timeout` of ML_PREDICT still bounds all attempts of a row together.",
    },
    {
      key: 'error-handling-strategy',
      type: { kind: 'enum', values: ['RETRY', 'FAILOVER', 'IGNORE'] },
      default: 'RETRY',
      aliases: ['error_handling_strategy', 'errorHandlingStrategy'],
      description:
        '`RETRY`: retry transient failures (5xx, 408/409, connection errors, attempt timeouts, malformed answers) up to `retry-num` ' +
        'times, then apply `retry-fallback-strategy`; a fatal failure or a per-row `timeout` applies it at once. ' +
        '`IGNORE`: retry transient failures the same way, then let the row go (routed, logged and counted); fatal failures and ' +
        'per-row timeouts let it go at once. `FAILOVER`: fail the job on the first failure. ' +
        'Throttling (429) is never a failure under any strategy: the row waits.',
    },
    {
      key: 'retry-num',
      type: { kind: 'int', min: 0 },
      default: '100',
      aliases: ['retry_num', 'retryNum'],
      description:
        "Retries of transient failures per row under `RETRY` and `IGNORE`. 429 responses do not count. `'0'` with `IGNORE` lets a row go on its first failure, as Flink does.",
    },
    {
      key: 'retry-fallback-strategy',
      type: { kind: 'enum', values: ['FAILOVER', 'IGNORE'] },
      default: 'FAILOVER',
      aliases: ['retry_fallback_strategy', 'retryFallbackStrategy'],
      description:
        'What `RETRY` does with a row whose retries are exhausted, whose error cannot be retried or whose per-row `timeout` ran out: ' +
        'fail the job or let the row go (as `IGNORE`).',
    },
    {
      key: 'retry-backoff-strategy',
      type: { kind: 'enum', values: ['EXPONENTIAL', 'FIXED'] },
      default: 'EXPONENTIAL',
      aliases: ['retry_backoff_strategy', 'retryBackoffStrategy'],
      description:
        '`EXPONENTIAL`: wait a random time between 0 and min(max, base * 2^attempt) (full jitter). `FIXED`: wait `retry-backoff-base-interval` each time.',
    },
    {
      key: 'retry-backoff-base-interval',
      type: { kind: 'duration' },
      default: '500ms',
      aliases: ['retry_backoff_base_interval', 'retryBackoffBaseInterval'],
      description: 'First backoff step after a transient failure (also used for a 429 without `Retry-After`).',
    },
    {
      key: 'retry-backoff-max-interval',
      type: { kind: 'duration' },
      default: '30s',
      aliases: ['retry_backoff_max_interval', 'retryBackoffMaxInterval'],
      description: 'Upper bound of one backoff wait. A server `Retry-After` is honoured even when longer (up to 10 min).',
    },
    {
      key: 'cost.input-per-1m-tokens',
      type: { kind: 'double', min: 0 },
      description:
        'Price of one million input (prompt) tokens, in whatever currency you mean (the same for every model you want to add up). ' +
        "With `cost.output-per-1m-tokens`, the model's cost is summed from the token usage each answer reports: " +
        '`predictd_model_cost_total` and `cost` in the model stats of `GET /jobs`. Unset (both): no cost is reported.',
    },
    {
      key: 'cache.enabled',
      type: { kind: 'boolean' },
      default: 'false',
      description:
        'Answer identical inputs from a response cache instead of calling the model again. The key is the model (provider, OUTPUT ' +
        'columns and every option that can change an answer; not the rate-limit, retry, timeout, cost and cache options) plus the row\'s ' +
        'input; identical inputs in flight share one call. Only answers are cached, never errors. Worth it for repeated inputs of a ' +
        'deterministic model (`temperature` 0, a classifier, embeddings); with sampling on, a cached row repeats one sample. Per bound ' +
        'model: a job restart starts empty.',
    },
    {
      key: 'cache.max-entries',
      type: { kind: 'int', min: 1 },
      default: '10000',
      description: 'Answers the cache holds; beyond it the least recently used one is evicted (counted in `predictd_model_cache_evictions_total`).',
    },
    {
      key: 'cache.ttl',
      type: { kind: 'duration', positive: true },
      default: '1h',
      description: "How long a cached answer is used after it was stored, e.g. '10 min', '1h', '1d'. An expired answer is fetched again.",
    },
    {
      key: 'cost.output-per-1m-tokens',
      type: { kind: 'double', min: 0 },
      description: 'Price of one million output (completion) tokens, in the same currency as `cost.input-per-1m-tokens`.',
    },
    ...CONTEXT_OVERFLOW_OPTIONS,
  ]),
});

/** The spec the catalog validates a model's WITH map against: shared options plus the provider's own. */
export function modelSpecFor(factory: Pick<ModelProviderFactory, 'spec'>): ConfigSpec {
  const own = new Set(factory.spec.options.map((o) => o.key));
  return Object.freeze({
    options: Object.freeze([...SHARED_MODEL_SPEC.options.filter((o) => !own.has(o.key)), ...factory.spec.options]),
    passthroughPrefixes: factory.spec.passthroughPrefixes ?? [],
  });
}

export type ErrorHandlingStrategy = 'RETRY' | 'FAILOVER' | 'IGNORE';
export type FallbackStrategy = 'FAILOVER' | 'IGNORE';

export interface BackoffPolicy {
  readonly strategy: 'EXPONENTIAL' | 'FIXED';
  readonly baseMs: number;
  readonly maxMs: number;
}

/** The shared options compiled once, every default filled in. */
export interface ModelPolicy {
  readonly strategy: ErrorHandlingStrategy;
  readonly retryNum: number;
  readonly fallback: FallbackStrategy;
  readonly backoff: BackoffPolicy;
  /** `client-timeout`: the budget of one attempt. */
  readonly attemptTimeoutMs: number;
  readonly limits: RateLimits;
  /** Prices per token (per million divided out), when either `cost.*` option is set. */
  readonly cost?: ModelCostRates;
  /** The response cache, when `cache.enabled` is true. */
  readonly cache?: ResponseCachePolicy;
}

export interface ResponseCachePolicy {
  readonly maxEntries: number;
  readonly ttlMs: number;
}

export const DEFAULT_CACHE_MAX_ENTRIES = 10_000;
export const DEFAULT_CACHE_TTL_MS = 3_600_000;

/** What one input and one output token cost, in the user's currency. */
export interface ModelCostRates {
  readonly inputPerToken: number;
  readonly outputPerToken: number;
}

/** Reads the shared options; a map resolved without them (defaults missing) still compiles. */
export function compileModelPolicy(options: ResolvedOptions): ModelPolicy {
  const baseMs = options.get<number>('retry-backoff-base-interval') ?? 500;
  const maxMs = Math.max(baseMs, options.get<number>('retry-backoff-max-interval') ?? 30_000);
  return Object.freeze({
    strategy: (options.get<string>('error-handling-strategy') ?? 'RETRY').toUpperCase() as ErrorHandlingStrategy,
    retryNum: options.get<number>('retry-num') ?? 100,
    fallback: (options.get<string>('retry-fallback-strategy') ?? 'FAILOVER').toUpperCase() as FallbackStrategy,
    backoff: Object.freeze({
      strategy: (options.get<string>('retry-backoff-strategy') ?? 'EXPONENTIAL').toUpperCase() as BackoffPolicy['strategy'],
      baseMs,
      maxMs,
    }),
    attemptTimeoutMs: options.get<number>('client-timeout') ?? DEFAULT_CLIENT_TIMEOUT_MS,
    limits: Object.freeze({
      requestsPerMinute: options.get<number>('rate-limit.requests-per-minute'),
      tokensPerMinute: options.get<number>('rate-limit.tokens-per-minute'),
      maxConcurrent: options.get<number>('rate-limit.max-concurrent'),
    }),
    ...costRatesOf(options),
    ...cachePolicyOf(options),
  });
}

/** Off unless `cache.enabled` is true: a cache changes what a repeated input costs and answers, so it is opted into. */
function cachePolicyOf(options: ResolvedOptions): { cache?: ResponseCachePolicy } {
  if (options.get<boolean>('cache.enabled') !== true) return {};
  return {
    cache: Object.freeze({
      maxEntries: options.get<number>('cache.max-entries') ?? DEFAULT_CACHE_MAX_ENTRIES,
      ttlMs: options.get<number>('cache.ttl') ?? DEFAULT_CACHE_TTL_MS,
    }),
  };
}

/**
 * A model is priced when either price is set (the other then counts as 0): a model without any
 * price reports no cost rather than a cost of 0, which would read as "free".
 */
function costRatesOf(options: ResolvedOptions): { cost?: ModelCostRates } {
  const input = options.get<number>('cost.input-per-1m-tokens');
  const output = options.get<number>('cost.output-per-1m-tokens');
  if (input === undefined && output === undefined) return {};
  return { cost: Object.freeze({ inputPerToken: (input ?? 0) / 1e6, outputPerToken: (output ?? 0) / 1e6 }) };
}

/** Delay before retry number `attempt` (0-based): full jitter for EXPONENTIAL, constant for FIXED. */
export function backoffDelay(policy: BackoffPolicy, attempt: number, random: () => number = Math.random): number {
  if (policy.strategy === 'FIXED') return policy.baseMs;
  return fullJitterDelay(attempt, policy.baseMs, policy.maxMs, random);
}
