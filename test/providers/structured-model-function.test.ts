import { afterEach, describe, expect, it } from 'vitest';
import { LimiterRegistry, abortableSleep, bindModel, systemClock, type BoundModelFunction, type Clock } from '../../src/providers/index.js';
import type { ConfigSpec } from '../../src/spi/config-spec.js';
import type { ModelClient, ModelDefinition, ModelProviderFactory, ModelResponse } from '../../src/spi/model-provider.js';
import type { Column, DataType, Value } from '../../src/types/data-type.js';
import { captureLogger, col, defineModel, DOUBLE, never, STRING } from './helpers.js';

/**
 * The framework's half of structured output and of the response cache, on a scripted provider
 * that declares structured output: what it is shown, how its answer text becomes typed columns,
 * how a non-conforming answer is retried and then routed, and how the cache saves calls.
 */
type Script = (inputs: readonly Value[], call: number) => string | Promise<string>;

function scriptedProvider(script: Script) {
  const seen: ModelDefinition[] = [];
  const factory: ModelProviderFactory & { calls: number; seen: ModelDefinition[] } = {
    names: ['fake'],
    summary: 'scripted, structured',
    spec: { options: [] } satisfies ConfigSpec,
    structuredOutput: 'native',
    calls: 0,
    seen,
    checkSchema: (model) => (model.outputs.length === 1 && model.outputs[0]!.type.kind === 'STRING' ? [] : ['one STRING output only']),
    create: (model): ModelClient => {
      seen.push(model);
      return {
        quotaKey: 'fake',
        estimateTokens: () => 10,
        call: async (inputs): Promise<ModelResponse> => ({ rows: [[await script(inputs, factory.calls++)]], usage: { promptTokens: 4, completionTokens: 6, totalTokens: 10 } }),
      };
    },
  };
  return factory;
}

const noSleep: Clock = { now: () => Date.now(), sleep: (_ms, signal) => abortableSleep(0, signal), schedule: systemClock.schedule, cancel: systemClock.cancel };
const ERROR_STRING: Column = { name: 'error-string', type: STRING };
const RISK: Column[] = [col('risk', { ...DOUBLE, nullable: false } as DataType), col('reason', STRING)];

let limiters: LimiterRegistry | undefined;
const bound: BoundModelFunction[] = [];
afterEach(async () => {
  await Promise.all(bound.splice(0).map((f) => f.close()));
  await limiters?.close();
  limiters = undefined;
});

function bind(factory: ModelProviderFactory, options: Record<string, string>, outputs: Column[] = RISK, clock: Clock = noSleep): BoundModelFunction {
  limiters ??= new LimiterRegistry({ log: captureLogger() });
  const fn = bindModel(factory, defineModel(factory, { provider: 'fake', ...options }, { outputs }), { limiters, log: captureLogger(), clock, random: () => 0.5 });
  bound.push(fn);
  return fn;
}

describe('structured output in bindModel', () => {
  it('shows the provider one STRING answer with the schema, and fills the typed columns from its JSON', async () => {
    const p = scriptedProvider(() => '{"risk": 0.75, "reason": "three late payments"}');
    const fn = bind(p, {});
    expect(await fn.predict(['history'], { signal: never() })).toEqual({ ok: true, rows: [[0.75, 'three late payments']] });
    expect(p.seen[0]!.outputs.map((c) => c.name)).toEqual(['answer']);
    expect(p.seen[0]!.structured?.schema).toMatchObject({ required: ['risk', 'reason'], additionalProperties: false });
  });

  it('retries a non-conforming answer and keeps the conforming one', async () => {
    const p = scriptedProvider((_i, n) => (n === 0 ? 'I think the risk is high.' : n === 1 ? '{"risk": "high", "reason": "x"}' : '{"risk": 0.9, "reason": "x"}'));
    const fn = bind(p, { 'retry-num': '3' });
    expect(await fn.predict(['history'], { signal: never() })).toEqual({ ok: true, rows: [[0.9, 'x']] });
    expect(p.calls).toBe(3);
    expect(fn.stats()).toMatchObject({ succeeded: 1, malformedAnswers: 2, retries: 2, totalTokens: 30 });
  });

  it('gives a row that never conforms up after retry-num retries (PD4208) and routes it, never as text', async () => {
    const p = scriptedProvider(() => 'Risk: high');
    const fn = bind(p, { 'retry-num': '2', 'error-handling-strategy': 'IGNORE' });
    const outcome = await fn.predict(['history'], { signal: never() });
    expect(outcome).toMatchObject({ ok: false, action: 'ignore', error: { code: 'PD4208', kind: 'transient', attempts: 3 } });
    expect(outcome.ok ? '' : outcome.error.message).toMatch(/answer does not conform to the OUTPUT schema: the answer is not JSON; answer: "Risk: high" \(gave up after 3 attempts\)/);
    expect(p.calls).toBe(3);
    expect(fn.stats()).toMatchObject({ dropped: 1, malformedAnswers: 3 });
  });

  it('answers a row given up with the error columns NULL-valued in every typed column', async () => {
    const p = scriptedProvider(() => '{"risk": 0.5}');
    const fn = bind(p, { 'retry-num': '0', 'error-handling-strategy': 'IGNORE' }, [...RISK, ERROR_STRING]);
    const outcome = await fn.predict(['history'], { signal: never() });
    expect(outcome.ok).toBe(true);
    const [row] = outcome.ok ? outcome.rows : [];
    expect(row!.slice(0, 2)).toEqual([null, null]);
    expect(String(row![2])).toMatch(/lacks the property 'reason'/);
  });

  it('fails the job on a non-conforming answer under FAILOVER', async () => {
    const p = scriptedProvider(() => '[]');
    const outcome = await bind(p, { 'error-handling-strategy': 'FAILOVER' }).predict(['x'], { signal: never() });
    expect(outcome).toMatchObject({ ok: false, action: 'fail', error: { code: 'PD4208' } });
    expect(p.calls).toBe(1);
  });
});

describe('response cache in bindModel', () => {
  it('makes one call per distinct input for 100 concurrent rows of 10 inputs (single flight, then hits)', async () => {
    const p = scriptedProvider(async (inputs) => {
      await new Promise((r) => setTimeout(r, 5));
      return JSON.stringify({ risk: Number(String(inputs[0]).slice(1)) / 10, reason: String(inputs[0]) });
    });
    const fn = bind(p, { 'cache.enabled': 'true' });
    const inputs = Array.from({ length: 100 }, (_, i) => `q${i % 10}`);
    const outcomes = await Promise.all(inputs.map((q) => fn.predict([q], { signal: never() })));
    expect(outcomes.map((o) => (o.ok ? o.rows[0]![1] : 'failed'))).toEqual(inputs);
    expect(p.calls).toBe(10);
    expect(fn.stats()).toMatchObject({ rows: 100, requests: 10, cache: { hits: 90, misses: 10, evictions: 0 } });
    await fn.predict(['q3'], { signal: never() });
    expect(p.calls).toBe(10);
  });

  it('never caches a row that failed: the same input calls again', async () => {
    const p = scriptedProvider((_i, n) => (n === 0 ? 'nonsense' : '{"risk": 1, "reason": "r"}'));
    const fn = bind(p, { 'cache.enabled': 'true', 'retry-num': '0', 'error-handling-strategy': 'IGNORE' });
    expect((await fn.predict(['q'], { signal: never() })).ok).toBe(false);
    expect(await fn.predict(['q'], { signal: never() })).toEqual({ ok: true, rows: [[1, 'r']] });
    expect(await fn.predict(['q'], { signal: never() })).toEqual({ ok: true, rows: [[1, 'r']] });
    expect(p.calls).toBe(2);
    expect(fn.stats().cache).toEqual({ hits: 1, misses: 2, evictions: 0 });
  });

  it('expires answers after cache.ttl and evicts beyond cache.max-entries, on the injected clock', async () => {
    let now = 0;
    const clock: Clock = { ...noSleep, now: () => now };
    const p = scriptedProvider((inputs) => JSON.stringify({ risk: 0, reason: String(inputs[0]) }));
    const fn = bind(p, { 'cache.enabled': 'true', 'cache.ttl': '1 min', 'cache.max-entries': '2' }, RISK, clock);
    for (const q of ['a', 'b', 'a']) await fn.predict([q], { signal: never() });
    expect(p.calls).toBe(2);
    await fn.predict(['c'], { signal: never() }); // evicts b, the least recently used
    await fn.predict(['b'], { signal: never() });
    expect(p.calls).toBe(4);
    now += 60_000;
    await fn.predict(['b'], { signal: never() });
    expect(p.calls).toBe(5);
    expect(fn.stats().cache).toMatchObject({ evictions: 2 });
  });

  it('is off by default: no cache counters, every row calls', async () => {
    const p = scriptedProvider(() => '{"risk": 0, "reason": "r"}');
    const fn = bind(p, {});
    await fn.predict(['q'], { signal: never() });
    await fn.predict(['q'], { signal: never() });
    expect(p.calls).toBe(2);
    expect(fn.stats().cache).toBeUndefined();
  });
});
