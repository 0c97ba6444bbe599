import { afterEach, describe, expect, it } from 'vitest';
import { LimiterRegistry, abortableSleep, bindModel, systemClock, type BoundModelFunction, type Clock } from '../../src/providers/index.js';
import type { RequestDurationObservers, RequestOutcome } from '../../src/spi/metrics.js';
import { ModelCallError, type ModelClient, type ModelProviderFactory, type ModelResponse } from '../../src/spi/model-provider.js';
import type { Value } from '../../src/types/data-type.js';
import { captureLogger, defineModel, never } from './helpers.js';

/** Virtual time: a request "takes" what its script says; backoff sleeps take none. */
function virtualClock(): Clock & { t: number } {
  const clock = { t: 0, now: () => clock.t, sleep: (_ms: number, signal: AbortSignal) => abortableSleep(0, signal), schedule: systemClock.schedule, cancel: systemClock.cancel };
  return clock;
}

type Step = { readonly takesMs: number; readonly answer: ModelResponse | Error | 'hang' };

/** Answers from a list of steps, advancing the clock by each step's duration. */
function scripted(clock: { t: number }, steps: Step[], batch = 1): ModelProviderFactory {
  const next = async (signal: AbortSignal): Promise<ModelResponse> => {
    const step = steps.shift()!;
    clock.t += step.takesMs;
    if (step.answer === 'hang') return new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason), { once: true }));
    if (step.answer instanceof Error) throw step.answer;
    return step.answer;
  };
  return {
    names: ['fake'],
    summary: 'scripted',
    spec: { options: [] },
    checkSchema: () => [],
    create: (): ModelClient => ({
      quotaKey: `fake-${Math.random()}`,
      estimateTokens: () => 10,
      call: (_inputs, opts) => next(opts.signal),
      ...(batch > 1
        ? { maxBatchSize: batch, callBatch: async (rows: readonly (readonly Value[])[], opts: { signal: AbortSignal }) => { const r = await next(opts.signal); return rows.map(() => r); } }
        : {}),
    }),
  };
}

function recorder(): RequestDurationObservers & { seen: Array<[RequestOutcome, number]> } {
  const seen: Array<[RequestOutcome, number]> = [];
  const of = (outcome: RequestOutcome) => ({ observe: (v: number) => void seen.push([outcome, v]) });
  return { seen, ok: of('ok'), throttled: of('throttled'), timeout: of('timeout'), error: of('error'), canceled: of('canceled') };
}

const answer = (promptTokens: number, completionTokens: number): ModelResponse => ({
  rows: [['fine']],
  usage: { promptTokens, completionTokens, totalTokens: promptTokens + completionTokens },
});

let limiters: LimiterRegistry | undefined;
const bound: BoundModelFunction[] = [];
afterEach(async () => {
  await Promise.all(bound.splice(0).map((f) => f.close()));
  await limiters?.close();
  limiters = undefined;
});

function bind(factory: ModelProviderFactory, options: Record<string, string>, clock: Clock, requestDuration?: RequestDurationObservers): BoundModelFunction {
  limiters ??= new LimiterRegistry({ log: captureLogger() });
  const fn = bindModel(factory, defineModel(factory, { provider: 'fake', ...options }), { limiters, log: captureLogger(), clock, random: () => 0.5, requestDuration });
  bound.push(fn);
  return fn;
}

describe('model request durations and cost', () => {
  it('times every request on the injected clock, labelled by how it ended', async () => {
    const clock = virtualClock();
    const durations = recorder();
    const factory = scripted(clock, [
      { takesMs: 100, answer: new ModelCallError('throttled', '429', { status: 429, retryAfterMs: 1 }) },
      { takesMs: 300, answer: new ModelCallError('transient', '503', { status: 503 }) },
      { takesMs: 0, answer: 'hang' },
      { takesMs: 1500, answer: answer(3, 2) },
    ]);
    const fn = bind(factory, { 'client-timeout': '50ms', 'retry-backoff-base-interval': '1ms' }, clock, durations);
    expect(await fn.predict(['x'], { signal: never() })).toEqual({ ok: true, rows: [['fine']] });
    expect(durations.seen).toEqual([['throttled', 0.1], ['error', 0.3], ['timeout', 0], ['ok', 1.5]]);
    expect(fn.stats()).toMatchObject({ requests: 4, throttled: 1, transientErrors: 2, attemptTimeouts: 1 });
  });

  it('times a micro-batch once, and a request the job gave up as canceled', async () => {
    const clock = virtualClock();
    const durations = recorder();
    const fn = bind(scripted(clock, [{ takesMs: 40, answer: answer(4, 0) }, { takesMs: 10, answer: 'hang' }], 4), {}, clock, durations);
    const rows = await Promise.all([1, 2, 3, 4].map((i) => fn.predict([`row ${i}`], { signal: never() })));
    expect(rows.every((r) => r.ok)).toBe(true);
    expect(durations.seen).toEqual([['ok', 0.04]]);

    const stop = new AbortController();
    const pending = fn.predict(['late'], { signal: stop.signal });
    await new Promise((r) => setTimeout(r, 20));
    stop.abort(new Error('stopping'));
    await expect(pending).rejects.toThrow('stopping');
    expect(durations.seen).toEqual([['ok', 0.04], ['canceled', 0.01]]);
  });

  it('sums the cost of the reported tokens at the model price, and reports none for a model without one', async () => {
    const clock = virtualClock();
    const priced = bind(scripted(clock, [{ takesMs: 1, answer: answer(1000, 200) }, { takesMs: 1, answer: answer(500, 100) }]), { 'cost.input-per-1m-tokens': '2.5', 'cost.output-per-1m-tokens': '10' }, clock);
    await priced.predict(['a'], { signal: never() });
    await priced.predict(['b'], { signal: never() });
    expect(priced.stats().cost).toBeCloseTo((1500 * 2.5 + 300 * 10) / 1e6, 15);

    const outputOnly = bind(scripted(clock, [{ takesMs: 1, answer: answer(1000, 200) }]), { 'cost.output-per-1m-tokens': '10' }, clock);
    await outputOnly.predict(['a'], { signal: never() });
    expect(outputOnly.stats().cost).toBeCloseTo(0.002, 15);

    const free = bind(scripted(clock, [{ takesMs: 1, answer: answer(1000, 200) }]), {}, clock);
    await free.predict(['a'], { signal: never() });
    expect(free.stats()).not.toHaveProperty('cost');
  });

  it('accepts only non-negative prices', () => {
    const factory = scripted({ t: 0 }, []);
    expect(() => defineModel(factory, { provider: 'fake', 'cost.input-per-1m-tokens': '-1' })).toThrow(/cost\.input-per-1m-tokens' expects a value >= 0/);
    expect(() => defineModel(factory, { provider: 'fake', 'cost.output-per-1m-tokens': 'cheap' })).toThrow(/cost\.output-per-1m-tokens' expects a number/);
    expect(() => defineModel(factory, { provider: 'fake', 'cost.input-per-1m-tokens': '0', 'cost.output-per-1m-tokens': '0.15' })).not.toThrow();
  });
});
