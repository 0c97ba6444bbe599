import { ModelCallError } from '../spi/model-provider.js';
import type { ModelResponse } from '../spi/model-provider.js';
import type { Value } from '../types/data-type.js';
import type { AttemptRunner } from './attempt.js';
import { asCallError, type CallResult } from './call-result.js';
import { ProviderClosedError } from './provider-errors.js';
import type { LimiterLease } from './limiter-lease.js';
import { failedRequestOutcome, type RequestMeter } from './request-meter.js';

/** What the batcher needs from a client: its estimate and its array call. */
export interface BatchTarget {
  estimateTokens(inputs: readonly Value[]): number;
  callBatch(batch: readonly (readonly Value[])[], opts: { readonly signal: AbortSignal }): Promise<readonly ModelResponse[]>;
}

/** The per-row budget as the batcher sees it: stopped while the row waits for the limiter (row-budget.ts). */
export interface QuotaWait {
  pause(): void;
  resume(): void;
}

interface Item {
  readonly inputs: readonly Value[];
  readonly signal: AbortSignal;
  readonly retry: boolean;
  readonly quota: QuotaWait | undefined;
  settled: boolean;
  settle(result: CallResult | { readonly error: unknown }): void;
}

/**
 * Gathers concurrent rows of a model whose API takes arrays (embeddings) into one request of at
 * most `maxBatchSize` rows. Batches form adaptively: while one batch waits for the limiter,
 * later rows accumulate, so a throttled quota sends fewer, fuller requests. Each row keeps its
 * own retry loop; a failed batch reports the same error to each of its rows.
 */
export class MicroBatcher {
  readonly #client: BatchTarget;
  readonly #lease: LimiterLease;
  readonly #maxBatchSize: number;
  readonly #meter: RequestMeter;
  readonly #attempt: AttemptRunner;
  #pending: Item[] = [];
  #awaitingAdmission = 0;
  #flushScheduled = false;
  #closed = false;

  constructor(client: BatchTarget, lease: LimiterLease, maxBatchSize: number, meter: RequestMeter, attempt: AttemptRunner) {
    this.#client = client;
    this.#attempt = attempt;
    this.#lease = lease;
    this.#maxBatchSize = Math.max(1, Math.floor(maxBatchSize));
    this.#meter = meter;
  }

  /** `quota` is paused while the row waits for admission (its per-row budget stands still) and resumed once it is admitted or settled. */
  dispatch(inputs: readonly Value[], signal: AbortSignal, retry: boolean, quota?: QuotaWait): Promise<CallResult> {
    if (this.#closed) return Promise.reject(new ProviderClosedError('the model function is closed'));
    if (signal.aborted) return Promise.reject(signal.reason);
    return new Promise<CallResult>((resolve, reject) => {
      const onAbort = () => {
        this.#pending = this.#pending.filter((p) => p !== item);
        item.settle({ error: signal.reason });
      };
      const item: Item = {
        inputs,
        signal,
        retry,
        quota,
        settled: false,
        settle(result) {
          if (item.settled) return;
          item.settled = true;
          quota?.resume();
          signal.removeEventListener('abort', onAbort);
          if ('ok' in result) resolve(result);
          else reject(result.error);
        },
      };
      signal.addEventListener('abort', onAbort, { once: true });
      quota?.pause();
      this.#pending.push(item);
      this.#pump();
    });
  }

  /** Rejects rows not yet sent; rows in flight finish. */
  close(): void {
    this.#closed = true;
    const pending = this.#pending;
    this.#pending = [];
    for (const item of pending) item.settle({ error: new ProviderClosedError('the model function is closed') });
  }

  #pump(): void {
    while (this.#pending.length >= this.#maxBatchSize) void this.#launch(this.#pending.splice(0, this.#maxBatchSize));
    if (this.#pending.length === 0 || this.#awaitingAdmission > 0 || this.#flushScheduled) return;
    this.#flushScheduled = true;
    // One macrotask of lingering lets rows submitted in the same burst share a request.
    setImmediate(() => {
      this.#flushScheduled = false;
      if (this.#pending.length > 0 && this.#awaitingAdmission === 0) void this.#launch(this.#pending.splice(0, this.#maxBatchSize));
    });
  }

  async #launch(items: Item[]): Promise<void> {
    const group = abortWhenAllAbort(items.map((i) => i.signal));
    this.#awaitingAdmission++;
    let admitted = false;
    try {
      const weight = items.reduce((sum, i) => sum + this.#client.estimateTokens(i.inputs), 0);
      const permit = await this.#lease.acquire(weight, group.signal, { retry: items.some((i) => i.retry) });
      admitted = true;
      this.#awaitingAdmission--;
      this.#pump();
      const live = items.filter((i) => !i.settled);
      for (const item of live) item.quota?.resume();
      if (live.length === 0) {
        permit.release({ rejected: true });
        return;
      }
      const startedAt = this.#meter.started();
      try {
        const responses = await this.#attempt(group.signal, (signal) => this.#client.callBatch(live.map((i) => i.inputs), { signal }));
        if (responses.length !== live.length) {
          throw new ModelCallError('fatal', `provider answered ${responses.length} results for a batch of ${live.length} inputs`);
        }
        this.#meter.ended(startedAt, 'ok');
        permit.release({ totalTokens: sumTokens(responses.map((r) => r.usage?.totalTokens)) });
        live.forEach((item, k) => item.settle({ ok: true, response: responses[k]! }));
      } catch (err) {
        const error = asCallError(err);
        this.#meter.ended(startedAt, failedRequestOutcome(error, group.signal.aborted));
        permit.release({ rejected: error.kind === 'throttled' });
        for (const item of live) {
          if (item.signal.aborted) item.settle({ error: item.signal.reason });
          else item.settle({ ok: false, error, permit });
        }
      }
    } catch (err) {
      // acquire() failed: every row aborted (already settled) or the limiter closed.
      for (const item of items) item.settle({ error: item.signal.aborted ? item.signal.reason : err });
    } finally {
      if (!admitted) {
        this.#awaitingAdmission--;
        this.#pump();
      }
      group.dispose();
    }
  }
}

function sumTokens(values: readonly (number | undefined)[]): number | undefined {
  if (values.every((v) => v === undefined)) return undefined;
  return values.reduce<number>((sum, v) => sum + (v ?? 0), 0);
}

/** A signal that aborts once every one of `signals` has aborted: the batch is wanted while any row is. */
function abortWhenAllAbort(signals: readonly AbortSignal[]): { readonly signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  let remaining = signals.filter((s) => !s.aborted).length;
  const cleanups: (() => void)[] = [];
  if (remaining === 0) controller.abort(signals[0]?.reason);
  for (const s of signals) {
    if (s.aborted) continue;
    const onAbort = () => {
      remaining--;
      if (remaining === 0) controller.abort(s.reason);
    };
    s.addEventListener('abort', onAbort, { once: true });
    cleanups.push(() => s.removeEventListener('abort', onAbort));
  }
  return { signal: controller.signal, dispose: () => cleanups.forEach((c) => c()) };
}
