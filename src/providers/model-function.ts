import type { Logger } from '../spi/logger.js';
import { layoutOutputRow, physicalOutputs } from '../spi/error-columns.js';
import type {
  ModelClient,
  ModelDefinition,
  ModelFunction,
  ModelProviderFactory,
  ModelResponse,
  PredictOptions,
  PredictOutcome,
} from '../spi/model-provider.js';
import { ModelCallError } from '../spi/model-provider.js';
import type { Column, Value } from '../types/data-type.js';
import { compileAnswerReader, NonConformingAnswerError, type AnswerReader } from './answer-reader.js';
import { modelIdentity, ResponseCache, type CacheStats } from './response-cache.js';
import { providerView } from './structured-output.js';
import { assertNever } from '../types/data-type.js';
import { AttemptTimeoutError, attemptRunner, type AttemptRunner } from './attempt.js';
import { asCallError, type CallResult } from './call-result.js';
import { systemClock, type Clock } from './clock.js';
import { canIgnoreRows, decideFailure, type FailureCause } from './failure-decision.js';
import { MalformedAnswerError } from './malformed-answer.js';
import { MicroBatcher } from './micro-batcher.js';
import { RowBudget } from './row-budget.js';
import { DeadlineQueue } from './deadline-queue.js';
import { modelConfigError, ModelPredictError, ProviderClosedError, type PredictErrorCode } from './provider-errors.js';
import type { LimiterLease, LimiterState } from './limiter-lease.js';
import type { LimiterRegistry } from './limiter-registry.js';
import { firstCallLease } from './first-call-lease.js';
import { backoffDelay, compileModelPolicy, type ModelPolicy } from './shared-model-options.js';
import type { RequestDurationObservers } from '../spi/metrics.js';
import { failedRequestOutcome, RequestMeter } from './request-meter.js';
import { contextWindowFor, withContextWindow } from './context-window/context-window-model.js';
import type { ContextOverflowStats, ContextWindow } from './context-window/context-window.js';

export interface BindOptions {
  /** The daemon's shared limiters: models with the same quota key share one. */
  readonly limiters: LimiterRegistry;
  readonly log: Logger;
  /** Backoff sleeps, attempt and row deadlines; tests pass a fast or virtual clock. The limiter runs on its registry's clock. */
  readonly clock?: Clock;
  /** Jitter source in [0, 1). */
  readonly random?: () => number;
  /** Seconds per HTTP request by outcome (the daemon's histogram children for this job and model); timed on `clock`. */
  readonly requestDuration?: RequestDurationObservers;
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
  /** Attempts that ran out of `client-timeout` (also counted in transientErrors). */
  readonly attemptTimeouts: number;
  /** 2xx answers that could not be read, or did not conform to a structured OUTPUT (also counted in transientErrors). */
  readonly malformedAnswers: number;
  /** Rows whose per-row `timeout` ran out. */
  readonly rowTimeouts: number;
  /** Rows the strategy let go ('ignore': routed, or answered with the error columns). */
  readonly dropped: number;
  /** Rows given up with action 'fail'. */
  readonly failed: number;
  readonly promptTokens: number;
  readonly completionTokens: number;
  readonly totalTokens: number;
  /** The response cache's counters; present when `cache.enabled` is true. */
  readonly cache?: CacheStats;
  /** Rows over `max-context-size` and what became of them; present when it is set. */
  readonly contextOverflow?: ContextOverflowStats;
  /**
   * What the reported tokens cost at the model's `cost.input-per-1m-tokens` and
   * `cost.output-per-1m-tokens`, in the user's currency; absent when the model has no price.
   */
  readonly cost?: number;
  /** The shared limiter of the model's quota, as it is now (absent when not bound to one). */
  readonly limiter?: LimiterState;
}

export interface BoundModelFunction extends ModelFunction {
  readonly model: string;
  readonly quotaKey: string;
  readonly policy: ModelPolicy;
  stats(): ModelStats;
}

type MutableStats = { -readonly [K in Exclude<keyof ModelStats, 'limiter' | 'cache' | 'contextOverflow'>]-?: Exclude<ModelStats[K], undefined> };

/**
 * Wraps a provider's ModelClient with everything plugins must not do themselves: admission through
 * the shared limiter, the per-attempt `client-timeout`, the per-row `timeout`, the retry loop, the
 * error-handling strategy (decided by `decideFailure`, failure-decision.ts) and the error metadata
 * columns.
 *
 * - 429 (throttled): the whole quota pauses for Retry-After (or a backoff step when absent), its
 *   rate is lowered, and the row tries again, never counted against `retry-num`: backpressure.
 *   The wait for quota does not spend the per-row timeout (row-budget.ts).
 * - every other failure, and the per-row timeout, goes to `decideFailure`: retry after a backoff
 *   wait, let the row go ('ignore') or fail the job.
 * A row let go by a model that declares error columns is answered `{ ok: true }` with one row: the
 * physical outputs NULL, the error columns set. predict() rejects only when the caller's signal
 * aborts (with `signal.reason`) or the function is closed (ProviderClosedError).
 */
export function bindModel(factory: ModelProviderFactory, model: ModelDefinition, opts: BindOptions): BoundModelFunction {
  const policy = compileModelPolicy(model.options);
  // Providers see only the physical outputs: the error columns are the framework's.
  const physical = physicalOutputs(model.outputs);
  const hasErrorColumns = physical.length !== model.outputs.length;
  if (hasErrorColumns && !canIgnoreRows(policy)) {
    throw modelConfigError(model, "error metadata columns need an error-handling-strategy that lets rows go (IGNORE, or RETRY with retry-fallback-strategy IGNORE)");
  }
  // A structured model's provider sees one STRING answer; the framework reads it into the typed columns.
  const view = providerView(hasErrorColumns ? { ...model, outputs: physical } : model, factory);
  const providerModel = view.model;
  const problems = view.problems.length > 0 ? view.problems : factory.checkSchema(providerModel);
  if (problems.length > 0) throw modelConfigError(model, problems.join('; '));
  // Compiled once per model, never per row.
  const reader = providerModel.structured ? compileAnswerReader(physical) : undefined;
  const log = opts.log.child({ model: model.name, provider: model.provider });
  const client = factory.create(providerModel, { log });
  const clock = opts.clock ?? systemClock;
  let lease: LimiterLease;
  let contextWindow: ContextWindow | undefined;
  try {
    contextWindow = contextWindowFor(model, client, log, clock);
    lease = firstCallLease(opts.limiters.get(client.quotaKey, policy.limits), clock);
  } catch (err) {
    void client.close?.();
    throw err;
  }
  const cache = policy.cache ? new ResponseCache(modelIdentity(model), policy.cache, clock) : undefined;
  const bound = new BoundModel({
    name: model.name,
    outputs: hasErrorColumns ? model.outputs : undefined,
    policy,
    client,
    lease,
    log,
    clock,
    random: opts.random ?? Math.random,
    requestDuration: opts.requestDuration,
    reader,
    cache,
  });
  return contextWindow ? withContextWindow(bound, contextWindow) : bound;
}

interface BoundModelParts {
  readonly name: string;
  /** The declared outputs when they include error columns, else undefined (rows pass through). */
  readonly outputs: readonly Column[] | undefined;
  readonly policy: ModelPolicy;
  readonly client: ModelClient;
  readonly lease: LimiterLease;
  readonly log: Logger;
  readonly clock: Clock;
  readonly random: () => number;
  readonly requestDuration: RequestDurationObservers | undefined;
  /** Reads a structured model's answer text into its typed columns. */
  readonly reader: AnswerReader | undefined;
  readonly cache: ResponseCache | undefined;
}

type Rows = readonly (readonly Value[])[];

/** Why a row's loop stopped short of an answer. */
interface RowFailureInfo {
  readonly cause: FailureCause;
  /** The last attempt's error; undefined when the row timed out before any attempt failed. */
  readonly error: ModelCallError | undefined;
  readonly attempts: number;
  readonly retries: number;
  readonly timeoutMs?: number;
}

class BoundModel implements BoundModelFunction {
  readonly model: string;
  readonly quotaKey: string;
  readonly policy: ModelPolicy;
  readonly #outputs: readonly Column[] | undefined;
  readonly #client: ModelClient;
  readonly #lease: LimiterLease;
  readonly #log: Logger;
  readonly #clock: Clock;
  readonly #random: () => number;
  readonly #attempt: AttemptRunner;
  /** The per-row and per-attempt deadlines, on `#clock`. */
  readonly #deadlines: DeadlineQueue;
  readonly #batcher: MicroBatcher | undefined;
  readonly #meter: RequestMeter;
  readonly #reader: AnswerReader | undefined;
  readonly #cache: ResponseCache | undefined;
  readonly #stats: MutableStats = {
    rows: 0,
    requests: 0,
    succeeded: 0,
    throttled: 0,
    transientErrors: 0,
    fatalErrors: 0,
    retries: 0,
    attemptTimeouts: 0,
    malformedAnswers: 0,
    rowTimeouts: 0,
    dropped: 0,
    failed: 0,
    promptTokens: 0,
    completionTokens: 0,
    totalTokens: 0,
    cost: 0,
  };
  #closed = false;

  constructor(parts: BoundModelParts) {
    const { client, lease } = parts;
    this.model = parts.name;
    this.quotaKey = client.quotaKey;
    this.policy = parts.policy;
    this.#outputs = parts.outputs;
    this.#client = client;
    this.#lease = lease;
    this.#log = parts.log;
    this.#clock = parts.clock;
    this.#random = parts.random;
    this.#reader = parts.reader;
    this.#cache = parts.cache;
    // Every row and attempt has a deadline of the same length: one timer for all of them.
    this.#deadlines = new DeadlineQueue(parts.clock);
    this.#attempt = attemptRunner(this.#deadlines, parts.policy.attemptTimeoutMs);
    this.#meter = new RequestMeter(parts.clock, parts.requestDuration, () => this.#stats.requests++);
    const callBatch = client.callBatch?.bind(client);
    if (callBatch && (client.maxBatchSize ?? 1) > 1) {
      const target = { estimateTokens: (inputs: readonly Value[]) => client.estimateTokens(inputs), callBatch };
      this.#batcher = new MicroBatcher(target, lease, client.maxBatchSize ?? 1, this.#meter, this.#attempt);
    }
  }

  predict(inputs: readonly Value[], opts: PredictOptions): Promise<PredictOutcome> {
    const cache = this.#cache;
    return cache ? this.#predictCached(cache, inputs, opts) : this.#predict(inputs, opts, undefined);
  }

  /**
   * A row through the cache: a fresh stored answer, or the answer of an identical row in flight,
   * is this row's answer without a call; else this row calls and stores what it got. Only an
   * answer is stored: a row let go (error columns included) or failed stores nothing, and a row
   * that waited on it makes its own call.
   */
  async #predictCached(cache: ResponseCache, inputs: readonly Value[], opts: PredictOptions): Promise<PredictOutcome> {
    if (this.#closed) throw new ProviderClosedError(`model '${this.model}' is closed`);
    opts.signal.throwIfAborted();
    let own: PredictOutcome | undefined;
    const { rows, shared } = await cache.answer(cache.keyOf(inputs), opts.signal, async () => {
      let answered: Rows | undefined;
      own = await this.#predict(inputs, opts, (r) => (answered = r));
      return answered;
    });
    if (own) return own;
    if (shared && rows) {
      this.#stats.rows++;
      return { ok: true, rows };
    }
    cache.countMiss();
    return this.#predict(inputs, opts, undefined);
  }

  async #predict(inputs: readonly Value[], opts: PredictOptions, onAnswer: ((rows: Rows) => void) | undefined): Promise<PredictOutcome> {
    const { signal, timeoutMs } = opts;
    if (this.#closed) throw new ProviderClosedError(`model '${this.model}' is closed`);
    signal.throwIfAborted();
    this.#stats.rows++;
    // The row's stop: its per-row timeout (when set) and the caller's signal, without an AbortSignal of its own unless one is asked for.
    const budget = new RowBudget(this.#deadlines, timeoutMs, signal);
    let attempts = 0;
    let retries = 0;
    let lastError: ModelCallError | undefined;
    try {
      let throttleStreak = 0;
      for (;;) {
        // Counted when started: a row that times out mid-attempt reports the attempt it was on.
        attempts++;
        const result = await this.#dispatch(inputs, signal, budget, attempts > 1);
        let error: ModelCallError;
        if (result.ok) {
          const read = this.#read(result.response);
          if (!(read instanceof NonConformingAnswerError)) {
            this.#recordSuccess(result.response);
            const rows = this.#layout(read);
            onAnswer?.(rows);
            return { ok: true, rows };
          }
          // Its tokens were spent all the same.
          this.#recordUsage(result.response);
          error = read;
        } else {
          error = result.error;
        }
        lastError = error;
        this.#count(error);
        const decision = decideFailure(this.policy, error.kind, retries);
        if (decision !== 'retry') return this.#giveUp(decision, { cause: error.kind, error, attempts, retries });
        this.#stats.retries++;
        switch (error.kind) {
          case 'throttled': {
            const pause =
              error.retryAfterMs ?? Math.max(this.policy.backoff.baseMs, backoffDelay(this.policy.backoff, throttleStreak, this.#random));
            throttleStreak++;
            // The limiter holds the whole quota back for the pause: no sleep of our own.
            this.#lease.throttled(pause, result.ok ? undefined : result.permit);
            break;
          }
          case 'transient':
          case 'fatal': {
            const wait = Math.max(backoffDelay(this.policy.backoff, retries, this.#random), error.retryAfterMs ?? 0);
            retries++;
            this.#log.debug({ status: error.status, attempt: attempts, waitMs: wait }, `transient model error, retrying: ${error.message}`);
            await this.#clock.sleep(wait, budget.signal);
            break;
          }
          default:
            return assertNever(error.kind, 'call error kind');
        }
      }
    } catch (err) {
      if (signal.aborted) throw signal.reason;
      if (budget.expired) {
        this.#stats.rowTimeouts++;
        const decision = decideFailure(this.policy, 'row-timeout', retries);
        return this.#giveUp(decision === 'retry' ? 'fail' : decision, { cause: 'row-timeout', error: lastError, attempts, retries, timeoutMs });
      }
      throw err;
    } finally {
      budget.dispose();
    }
  }

  #count(error: ModelCallError): void {
    const s = this.#stats;
    if (error.kind === 'throttled') s.throttled++;
    else if (error.kind === 'fatal') s.fatalErrors++;
    else s.transientErrors++;
    if (error instanceof MalformedAnswerError || error instanceof NonConformingAnswerError) s.malformedAnswers++;
    else if (error instanceof AttemptTimeoutError) s.attemptTimeouts++;
  }

  /** `stop` is the caller's signal, `row` the row's stop (that signal and the per-row timeout). */
  #dispatch(inputs: readonly Value[], stop: AbortSignal, row: RowBudget, retry: boolean): Promise<CallResult> {
    // A micro-batch races several rows' signals: the row's AbortSignal is made for it.
    if (this.#batcher) return this.#batcher.dispatch(inputs, row.signal, retry, row);
    return this.#callOne(inputs, stop, row, retry);
  }

  async #callOne(inputs: readonly Value[], stop: AbortSignal, row: RowBudget, retry: boolean): Promise<CallResult> {
    if (row.aborted) throw row.reason;
    // While it waits for quota the row's budget stands still, so only the caller's signal can stop it there.
    row.pause();
    let permit;
    try {
      permit = await this.#lease.acquire(this.#client.estimateTokens(inputs), stop, { retry });
    } finally {
      row.resume();
    }
    const startedAt = this.#meter.started();
    try {
      const response = await this.#attempt(row, (s) => this.#client.call(inputs, { signal: s }));
      this.#meter.ended(startedAt, 'ok');
      permit.release({ totalTokens: response.usage?.totalTokens });
      return { ok: true, response };
    } catch (err) {
      if (row.aborted) {
        this.#meter.ended(startedAt, 'canceled');
        permit.release({});
        throw row.reason;
      }
      const error = asCallError(err);
      this.#meter.ended(startedAt, failedRequestOutcome(error, false));
      permit.release({ rejected: error.kind === 'throttled' });
      return { ok: false, error, permit };
    }
  }

  /** A structured model's answers read into the typed columns (or why one does not conform); other models' rows as they are. */
  #read(response: ModelResponse): Rows | NonConformingAnswerError {
    const reader = this.#reader;
    if (!reader) return response.rows;
    try {
      return response.rows.map((row) => reader(row[0] ?? null));
    } catch (err) {
      if (err instanceof NonConformingAnswerError) return err;
      throw err;
    }
  }

  /** The provider's rows in the declared OUTPUT layout: error columns NULL on success. */
  #layout(rows: readonly (readonly Value[])[]): readonly (readonly Value[])[] {
    const outputs = this.#outputs;
    return outputs ? rows.map((r) => layoutOutputRow(outputs, r)) : rows;
  }

  #recordSuccess(response: ModelResponse): void {
    this.#stats.succeeded++;
    this.#recordUsage(response);
  }

  #recordUsage(response: ModelResponse): void {
    const s = this.#stats;
    const usage = response.usage;
    if (usage) {
      s.promptTokens += usage.promptTokens;
      s.completionTokens += usage.completionTokens;
      s.totalTokens += usage.totalTokens;
      const price = this.policy.cost;
      if (price) s.cost += usage.promptTokens * price.inputPerToken + usage.completionTokens * price.outputPerToken;
    }
  }

  #giveUp(action: 'ignore' | 'fail', info: RowFailureInfo): PredictOutcome {
    const { cause, error, attempts, retries } = info;
    const code: PredictErrorCode =
      cause === 'row-timeout'
        ? 'PD4206'
        : error instanceof NonConformingAnswerError
          ? 'PD4208'
          : error instanceof MalformedAnswerError
            ? 'PD4207'
            : retries > 0
              ? 'PD4204'
              : 'PD4203';
    const message =
      cause === 'row-timeout'
        ? `model '${this.model}': no answer within the per-row timeout of ${info.timeoutMs} ms (${attempts} attempts${error ? `; last error: ${error.message}` : ''})`
        : `model '${this.model}': ${error!.message}${retries > 0 ? ` (gave up after ${attempts} attempts)` : ''}`;
    const wrapped = new ModelPredictError(code, message, {
      model: this.model,
      kind: cause,
      status: error?.status,
      headers: error?.headers,
      attempts,
      cause: error,
    });
    const fields = { code, kind: cause, status: error?.status, attempts, strategy: this.policy.strategy };
    if (action === 'ignore') {
      this.#stats.dropped++;
      this.#log.warn(fields, `row let go by the error-handling strategy: ${wrapped.message}`);
      const outputs = this.#outputs;
      if (outputs) {
        const row = layoutOutputRow(outputs, undefined, { message: wrapped.message, status: wrapped.status, headers: wrapped.headers });
        return { ok: true, rows: [row] };
      }
    } else {
      this.#stats.failed++;
      this.#log.error(fields, `model call failed: ${wrapped.message}`);
    }
    return { ok: false, action, error: wrapped, fault: cause === 'fatal' ? 'row' : 'service' };
  }

  stats(): ModelStats {
    const { cost, ...counts } = this.#stats;
    const cache = this.#cache?.stats();
    return Object.freeze({ ...counts, ...(this.policy.cost ? { cost } : {}), ...(cache ? { cache } : {}), limiter: this.#lease.state() });
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#batcher?.close();
    this.#lease.close();
    await this.#client.close?.();
  }
}
