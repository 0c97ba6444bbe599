import { afterEach, describe, expect, it, vi } from 'vitest';
import { LimiterRegistry, ProviderClosedError, abortableSleep, bindModel, systemClock, type BoundModelFunction, type Clock } from '../../src/providers/index.js';
import type { ConfigSpec } from '../../src/spi/config-spec.js';
import { ModelCallError, type ModelClient, type ModelProviderFactory, type ModelResponse } from '../../src/spi/model-provider.js';
import type { Value } from '../../src/types/data-type.js';
import { decideFailure } from '../../src/providers/failure-decision.js';
import { bodySnippet, malformedAnswer } from '../../src/providers/malformed-answer.js';
import { makeRedactor } from '../../src/providers/openai/openai-errors.js';
import { responseHeaders } from '../../src/providers/response-headers.js';
import { captureLogger, col, defineModel, never, steppedClock, STRING } from './helpers.js';

type Script = (inputs: readonly Value[], call: number) => ModelResponse | Error;

/** A provider whose client answers from a script: the retry policy is tested without HTTP. */
function fakeProvider(script: Script, batch?: { maxBatchSize: number; batches: (readonly Value[])[][] }): ModelProviderFactory & { calls: number } {
  const spec: ConfigSpec = { options: [] };
  const factory = {
    names: ['fake'],
    summary: 'scripted',
    spec,
    calls: 0,
    checkSchema: () => [],
    create: (): ModelClient => {
      const client: ModelClient = {
        quotaKey: 'fake',
        estimateTokens: () => 10,
        call: async (inputs) => {
          const r = script(inputs, factory.calls++);
          if (r instanceof Error) throw r;
          return r;
        },
      };
      if (!batch) return client;
      return {
        ...client,
        maxBatchSize: batch.maxBatchSize,
        callBatch: async (rows) => {
          batch.batches.push([...rows]);
          const r = script(rows[0]!, factory.calls++);
          if (r instanceof Error) throw r;
          await new Promise((res) => setTimeout(res, 5));
          return rows.map((row) => ({ rows: [[`echo ${String(row[0])}`]] }));
        },
      };
    },
  };
  return factory;
}

const ok = (text: string): ModelResponse => ({ rows: [[text]], usage: { promptTokens: 3, completionTokens: 2, totalTokens: 5 } });

function recordingClock(): Clock & { sleeps: number[] } {
  const sleeps: number[] = [];
  return { sleeps, now: () => Date.now(), sleep: (ms, signal) => (sleeps.push(ms), abortableSleep(0, signal)), schedule: systemClock.schedule, cancel: systemClock.cancel };
}

let limiters: LimiterRegistry;
const bound: BoundModelFunction[] = [];
afterEach(async () => {
  await Promise.all(bound.splice(0).map((f) => f.close()));
  await limiters?.close();
});

function bind(factory: ModelProviderFactory, options: Record<string, string> = {}, clock: Clock = recordingClock(), random = () => 0.999) {
  limiters ??= new LimiterRegistry({ log: captureLogger() });
  const fn = bindModel(factory, defineModel(factory, { provider: 'fake', ...options }), { limiters, log: captureLogger(), clock, random });
  bound.push(fn);
  return fn;
}

describe('bindModel retry policy', () => {
  it('backs off exponentially with full jitter, capped, up to retry-num', async () => {
    limiters = new LimiterRegistry({ log: captureLogger() });
    const p = fakeProvider(() => new ModelCallError('transient', 'boom', { status: 503 }));
    const clock = recordingClock();
    const fn = bind(p, { 'retry-num': '5', 'retry-backoff-base-interval': '100ms', 'retry-backoff-max-interval': '1s' }, clock);
    const outcome = await fn.predict(['x'], { signal: never() });
    expect(outcome).toMatchObject({ ok: false, action: 'fail', error: { code: 'PD4204', attempts: 6 } });
    expect(p.calls).toBe(6);
    expect(clock.sleeps).toEqual([99, 199, 399, 799, 999]);
    expect(fn.stats()).toMatchObject({ rows: 1, requests: 6, transientErrors: 6, retries: 5, failed: 1 });
  });

  it('waits the base interval each time with FIXED, and at least a server Retry-After', async () => {
    limiters = new LimiterRegistry({ log: captureLogger() });
    let n = 0;
    const p = fakeProvider(() => (n++ < 2 ? new ModelCallError('transient', 'busy', { status: 503, retryAfterMs: n === 1 ? 2_000 : undefined }) : ok('fine')));
    const clock = recordingClock();
    const fn = bind(p, { retry_backoff_strategy: 'FIXED', 'retry-backoff-base-interval': '250ms' }, clock);
    expect(await fn.predict(['x'], { signal: never() })).toEqual({ ok: true, rows: [['fine']] });
    expect(clock.sleeps).toEqual([2_000, 250]);
  });

  it('does not count 429s against retry-num and never gives up on them', async () => {
    limiters = new LimiterRegistry({ log: captureLogger() });
    let n = 0;
    const p = fakeProvider(() => (n++ < 3 ? new ModelCallError('throttled', '429', { status: 429, retryAfterMs: 10 }) : ok('done')));
    const fn = bind(p, { 'retry-num': '0', 'error-handling-strategy': 'IGNORE' });
    expect(await fn.predict(['x'], { signal: never() })).toEqual({ ok: true, rows: [['done']] });
    expect(fn.stats()).toMatchObject({ throttled: 3, retries: 3, succeeded: 1, dropped: 0, totalTokens: 5 });
  });

  it("sends a model's first call alone: the others leave once it was answered", async () => {
    limiters = new LimiterRegistry({ log: captureLogger() });
    const p = fakeProvider(() => ok('fine'));
    let answerFirst!: () => void;
    const create = p.create.bind(p);
    p.create = (...args) => {
      const client = create(...args);
      let calls = 0;
      return {
        ...client,
        call: async (inputs, signal) => {
          if (calls++ === 0) await new Promise<void>((resolve) => (answerFirst = resolve));
          return client.call(inputs, signal);
        },
      };
    };
    const fn = bind(p);
    const first = fn.predict(['x'], { signal: never() });
    const second = fn.predict(['y'], { signal: never() });
    await new Promise((resolve) => setImmediate(resolve));
    expect(p.calls).toBe(0);
    answerFirst();
    expect(await Promise.all([first, second])).toEqual([{ ok: true, rows: [['fine']] }, { ok: true, rows: [['fine']] }]);
    expect(p.calls).toBe(2);
  });

  it('treats an unexpected exception from a plugin as fatal', async () => {
    limiters = new LimiterRegistry({ log: captureLogger() });
    const p = fakeProvider(() => new TypeError('plugin bug'));
    const fn = bind(p);
    const outcome = await fn.predict(['x'], { signal: never() });
    expect(outcome).toMatchObject({ ok: false, action: 'fail', error: { code: 'PD4203', kind: 'fatal' } });
    expect(p.calls).toBe(1);
  });

  it('stops a backoff sleep when the signal aborts', async () => {
    limiters = new LimiterRegistry({ log: captureLogger() });
    const p = fakeProvider(() => new ModelCallError('transient', 'down', { status: 502 }));
    const realClock: Clock = systemClock;
    const fn = bind(p, { 'retry-backoff-base-interval': '10s' }, realClock, () => 0.9);
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('row timeout')), 50);
    const started = Date.now();
    await expect(fn.predict(['x'], { signal: controller.signal })).rejects.toThrow('row timeout');
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(p.calls).toBe(1);
  });

  it('closes idempotently: predict then throws and the quota is released', async () => {
    limiters = new LimiterRegistry({ log: captureLogger() });
    const fn = bind(fakeProvider(() => ok('x')), { 'rate-limit.requests-per-minute': '60' });
    expect(limiters.quotaKeys()).toEqual(['fake']);
    await fn.close();
    await fn.close();
    expect(limiters.quotaKeys()).toEqual([]);
    await expect(fn.predict(['x'], { signal: never() })).rejects.toBeInstanceOf(ProviderClosedError);
  });
});

describe('micro-batching', () => {
  it('groups concurrent rows into batches of at most maxBatchSize and answers each row', async () => {
    limiters = new LimiterRegistry({ log: captureLogger() });
    const batches: (readonly Value[])[][] = [];
    const fn = bind(fakeProvider(() => ok('unused'), { maxBatchSize: 4, batches }));
    const outcomes = await Promise.all(Array.from({ length: 10 }, (_, i) => fn.predict([`r${i}`], { signal: never() })));
    expect(outcomes.map((o) => (o.ok ? o.rows[0]![0] : 'failed'))).toEqual(Array.from({ length: 10 }, (_, i) => `echo r${i}`));
    expect(batches.every((b) => b.length <= 4)).toBe(true);
    expect(batches.flat().length).toBe(10);
    expect(batches.length).toBeLessThanOrEqual(4);
  });

  it('lets one row leave a pending batch and retries a failed batch row by row', async () => {
    limiters = new LimiterRegistry({ log: captureLogger() });
    const batches: (readonly Value[])[][] = [];
    let n = 0;
    const p = fakeProvider(() => (n++ === 0 ? new ModelCallError('transient', 'blip', { status: 500 }) : ok('unused')), { maxBatchSize: 8, batches });
    const fn = bind(p, { 'rate-limit.max-concurrent': '1' });
    const controller = new AbortController();
    const pending = [
      fn.predict(['a'], { signal: never() }),
      fn.predict(['b'], { signal: never() }),
      fn.predict(['gone'], { signal: controller.signal }),
    ];
    // The three rows wait in the batcher until the next macrotask; one leaves before it is sent.
    controller.abort(new Error('not wanted'));
    const results = await Promise.allSettled(pending);
    expect(results[0]).toMatchObject({ status: 'fulfilled', value: { ok: true, rows: [['echo a']] } });
    expect(results[1]).toMatchObject({ status: 'fulfilled', value: { ok: true, rows: [['echo b']] } });
    expect(results[2]).toMatchObject({ status: 'rejected', reason: new Error('not wanted') });
    expect(batches.flat()).not.toContainEqual(['gone']);
    expect(fn.stats()).toMatchObject({ transientErrors: 2, succeeded: 2 });
  });
});

/** A client whose scripted answer `hang` never settles and ignores its signal; the signals it got are kept. */
function hangingProvider(script: (call: number) => ModelResponse | Error | 'hang') {
  const signals: AbortSignal[] = [];
  const factory = fakeProvider(() => ok('unused'));
  let calls = 0;
  const p: ModelProviderFactory & { calls: () => number; signals: AbortSignal[] } = {
    ...factory,
    calls: () => calls,
    signals,
    create: () => ({
      quotaKey: 'fake',
      estimateTokens: () => 10,
      call: async (_inputs, { signal }) => {
        signals.push(signal);
        const r = script(calls++);
        if (r === 'hang') return new Promise<ModelResponse>(() => {});
        if (r instanceof Error) throw r;
        return r;
      },
    }),
  };
  return p;
}

const ERROR_OUTPUTS = [
  col('content'),
  col('error-string'),
  col('http-status-code', { kind: 'INT', nullable: true }),
  col('http-headers-map', { kind: 'MAP', key: STRING, value: { kind: 'ARRAY', element: STRING, nullable: true }, nullable: true }),
];

function bindShaped(factory: ModelProviderFactory, options: Record<string, string>, clock: Clock, outputs = ERROR_OUTPUTS) {
  limiters ??= new LimiterRegistry({ log: captureLogger() });
  const model = defineModel(factory, { provider: 'fake', ...options }, { outputs });
  const fn = bindModel(factory, model, { limiters, log: captureLogger(), clock, random: () => 0.999 });
  bound.push(fn);
  return fn;
}

describe('client-timeout (per attempt)', () => {
  it('aborts a hung attempt, even one that ignores its signal, and retries it as a transient failure', async () => {
    limiters = new LimiterRegistry({ log: captureLogger() });
    const p = hangingProvider((n) => (n === 0 ? 'hang' : ok('second try')));
    const clock = steppedClock();
    const fn = bind(p, { 'retry-backoff-base-interval': '100ms' }, clock);
    const pending = fn.predict(['x'], { signal: never() });
    await vi.waitFor(() => expect(p.calls()).toBe(1));
    clock.advance(59_999);
    expect(p.signals[0]!.aborted).toBe(false);
    clock.advance(1);
    expect(await pending).toEqual({ ok: true, rows: [['second try']] });
    expect(p.signals[0]!.aborted).toBe(true);
    expect(clock.sleeps).toEqual([99]);
    expect(fn.stats()).toMatchObject({ attemptTimeouts: 1, transientErrors: 1, retries: 1, succeeded: 1 });
  });

  it("reads a bare number as seconds (Confluent's <provider>.client_timeout)", async () => {
    limiters = new LimiterRegistry({ log: captureLogger() });
    const p = hangingProvider(() => 'hang');
    const clock = steppedClock();
    const fn = bind(p, { 'openai.client_timeout': '2', 'retry-num': '0' }, clock);
    const pending = fn.predict(['x'], { signal: never() });
    await vi.waitFor(() => expect(p.calls()).toBe(1));
    clock.advance(2_000);
    expect(await pending).toMatchObject({ ok: false, action: 'fail', error: { code: 'PD4203', kind: 'transient', message: "model 'm': request timed out after 2000 ms" } });
  });
});

describe('malformed answers', () => {
  const html = { status: 200, headers: new Headers({ 'content-type': 'text/html; charset=utf-8' }), text: '<html><body>\n  Bad gateway sk-live-0123456789abcdef\n</body></html>' };

  it('are retried up to retry-num, then name status, content type and a redacted one-line snippet', async () => {
    limiters = new LimiterRegistry({ log: captureLogger() });
    const p = fakeProvider(() => malformedAnswer(html, "no 'choices' array", makeRedactor('unused-key')));
    const fn = bind(p, { 'retry-num': '2' });
    const outcome = await fn.predict(['x'], { signal: never() });
    expect(outcome).toMatchObject({ ok: false, action: 'fail', error: { code: 'PD4207', kind: 'transient', status: 200, attempts: 3 } });
    const message = outcome.ok ? '' : outcome.error.message;
    expect(message).toBe(
      "model 'm': malformed answer: status 200, content-type text/html; charset=utf-8: no 'choices' array; body: \"<html><body> Bad gateway sk-*** </body></html>\" (gave up after 3 attempts)",
    );
    expect(fn.stats()).toMatchObject({ malformedAnswers: 3, retries: 2 });
  });

  it('heal when a later attempt answers properly', async () => {
    limiters = new LimiterRegistry({ log: captureLogger() });
    const p = fakeProvider((_i, n) => (n < 2 ? malformedAnswer(html, 'not JSON', (t) => t) : ok('fine')));
    expect(await bind(p).predict(['x'], { signal: never() })).toEqual({ ok: true, rows: [['fine']] });
  });

  it('cut the snippet at 200 characters, after redaction', () => {
    const key = 'k'.repeat(30);
    const snippet = bodySnippet(`${'a'.repeat(190)}${key}${'b'.repeat(100)}`, makeRedactor(key));
    expect(snippet).toBe(`"${'a'.repeat(190)}***${'b'.repeat(7)}..."`);
    expect(bodySnippet('  \n ', (t) => t)).toBe('(empty)');
  });
});

describe('the strategy table (decideFailure)', () => {
  const opts = (strategy: 'RETRY' | 'IGNORE' | 'FAILOVER', fallback: 'FAILOVER' | 'IGNORE' = 'FAILOVER') => ({ strategy, fallback, retryNum: 2 });
  it.each([
    // [strategy, fallback, cause, retries so far, decision]
    ['RETRY', 'FAILOVER', 'throttled', 99, 'retry'],
    ['IGNORE', 'FAILOVER', 'throttled', 99, 'retry'],
    ['FAILOVER', 'FAILOVER', 'throttled', 99, 'retry'],
    ['RETRY', 'FAILOVER', 'transient', 1, 'retry'],
    ['RETRY', 'FAILOVER', 'transient', 2, 'fail'],
    ['RETRY', 'IGNORE', 'transient', 2, 'ignore'],
    ['IGNORE', 'FAILOVER', 'transient', 1, 'retry'],
    ['IGNORE', 'FAILOVER', 'transient', 2, 'ignore'],
    ['FAILOVER', 'IGNORE', 'transient', 0, 'fail'],
    ['RETRY', 'FAILOVER', 'fatal', 0, 'fail'],
    ['RETRY', 'IGNORE', 'fatal', 0, 'ignore'],
    ['IGNORE', 'FAILOVER', 'fatal', 0, 'ignore'],
    ['FAILOVER', 'IGNORE', 'fatal', 0, 'fail'],
    ['RETRY', 'FAILOVER', 'row-timeout', 0, 'fail'],
    ['RETRY', 'IGNORE', 'row-timeout', 0, 'ignore'],
    ['IGNORE', 'FAILOVER', 'row-timeout', 0, 'ignore'],
    ['FAILOVER', 'IGNORE', 'row-timeout', 0, 'fail'],
  ] as const)('%s (fallback %s), %s after %i retries -> %s', (strategy, fallback, cause, retries, decision) => {
    expect(decideFailure(opts(strategy, fallback), cause, retries)).toBe(decision);
  });

  it.each([
    ['RETRY', 'FAILOVER', { ok: false, action: 'fail', error: { code: 'PD4203', status: 400 } }],
    ['RETRY', 'IGNORE', { ok: false, action: 'ignore', error: { code: 'PD4203', status: 400 } }],
    ['IGNORE', 'FAILOVER', { ok: false, action: 'ignore', error: { code: 'PD4203', status: 400 } }],
    ['FAILOVER', 'IGNORE', { ok: false, action: 'fail', error: { code: 'PD4203', status: 400 } }],
  ] as const)('a 400 under %s (fallback %s) is not retried', async (strategy, fallback, expected) => {
    limiters = new LimiterRegistry({ log: captureLogger() });
    const p = fakeProvider(() => new ModelCallError('fatal', 'bad request', { status: 400 }));
    const fn = bind(p, { 'error-handling-strategy': strategy, 'retry-fallback-strategy': fallback });
    expect(await fn.predict(['x'], { signal: never() })).toMatchObject(expected);
    expect(p.calls).toBe(1);
  });

  it.each([
    ['RETRY', 'FAILOVER', 'fail', 3],
    ['RETRY', 'IGNORE', 'ignore', 3],
    ['IGNORE', 'FAILOVER', 'ignore', 3],
    ['FAILOVER', 'FAILOVER', 'fail', 1],
  ] as const)('a 503 under %s (fallback %s) ends in %s after %i attempts', async (strategy, fallback, action, attempts) => {
    limiters = new LimiterRegistry({ log: captureLogger() });
    const p = fakeProvider(() => new ModelCallError('transient', 'unavailable', { status: 503 }));
    const fn = bind(p, { 'error-handling-strategy': strategy, 'retry-fallback-strategy': fallback, 'retry-num': '2' });
    expect(await fn.predict(['x'], { signal: never() })).toMatchObject({ ok: false, action, error: { attempts } });
    expect(p.calls).toBe(attempts);
  });
});

describe('per-row timeout', () => {
  it.each([
    ['RETRY', 'FAILOVER', 'fail'],
    ['RETRY', 'IGNORE', 'ignore'],
    ['IGNORE', 'FAILOVER', 'ignore'],
    ['FAILOVER', 'IGNORE', 'fail'],
  ] as const)('under %s (fallback %s) is decided as %s (PD4206), retries and waits included', async (strategy, fallback, action) => {
    limiters = new LimiterRegistry({ log: captureLogger() });
    const p = hangingProvider(() => 'hang');
    const clock = steppedClock();
    const fn = bind(p, { 'error-handling-strategy': strategy, 'retry-fallback-strategy': fallback, 'client-timeout': '1s', 'retry-backoff-base-interval': '200ms' }, clock);
    const pending = fn.predict(['x'], { signal: never(), timeoutMs: 2_500 });
    await vi.waitFor(() => expect(p.calls()).toBe(1));
    clock.advance(1_000);
    if (strategy !== 'FAILOVER') {
      // The timed-out attempt was retried after a backoff sleep; the second attempt hangs too.
      await vi.waitFor(() => expect(p.calls()).toBe(2));
      clock.advance(1_500);
    }
    const outcome = await pending;
    if (strategy === 'FAILOVER') {
      expect(outcome).toMatchObject({ ok: false, action: 'fail', error: { code: 'PD4203' } });
      return;
    }
    expect(outcome).toMatchObject({ ok: false, action, error: { code: 'PD4206', kind: 'row-timeout', attempts: 2 } });
    expect(outcome.ok ? '' : outcome.error.message).toMatch(/no answer within the per-row timeout of 2500 ms \(2 attempts; last error: request timed out after 1000 ms\)/);
    expect(fn.stats().rowTimeouts).toBe(1);
  });

  it('does not spend the budget while the row waits out a 429 pause: throttling never fails a row', async () => {
    limiters = new LimiterRegistry({ log: captureLogger() });
    const p = hangingProvider(() => new ModelCallError('throttled', 'slow down', { status: 429, retryAfterMs: 60_000 }));
    const clock = steppedClock();
    const fn = bind(p, { 'retry-fallback-strategy': 'IGNORE' }, clock);
    const stop = new AbortController();
    let settled = false;
    const pending = fn.predict(['x'], { signal: stop.signal, timeoutMs: 5_000 });
    void pending.then(() => (settled = true), () => (settled = true));
    await vi.waitFor(() => expect(fn.stats().throttled).toBe(1));
    clock.advance(50_000);
    await new Promise((r) => setTimeout(r, 20));
    expect(settled).toBe(false);
    expect(fn.stats().rowTimeouts).toBe(0);
    stop.abort(new Error('hard stop'));
    await expect(pending).rejects.toThrow('hard stop');
    expect(p.calls()).toBe(1);
  });
});

describe('error metadata columns', () => {
  it('are NULL on success', async () => {
    limiters = new LimiterRegistry({ log: captureLogger() });
    const fn = bindShaped(fakeProvider(() => ok('answer')), { 'error-handling-strategy': 'IGNORE' }, recordingClock());
    expect(await fn.predict(['x'], { signal: never() })).toEqual({ ok: true, rows: [['answer', null, null, null]] });
  });

  it('carry the message, status and response headers (no set-cookie) of a row the strategy lets go', async () => {
    limiters = new LimiterRegistry({ log: captureLogger() });
    const headers = responseHeaders(new Headers({ 'x-request-id': 'req_1', 'set-cookie': 'session=secret', 'content-type': 'application/json' }));
    const p = fakeProvider(() => new ModelCallError('fatal', 'Invalid prompt', { status: 400, headers }));
    const fn = bindShaped(p, { 'retry-fallback-strategy': 'IGNORE' }, recordingClock());
    const outcome = await fn.predict(['x'], { signal: never() });
    expect(outcome).toEqual({
      ok: true,
      rows: [[null, "model 'm': Invalid prompt", 400, new Map([['content-type', ['application/json']], ['x-request-id', ['req_1']]])]],
    });
    expect(fn.stats().dropped).toBe(1);
  });

  it('leave the status and headers NULL for a failure without a response', async () => {
    limiters = new LimiterRegistry({ log: captureLogger() });
    const p = fakeProvider(() => new ModelCallError('transient', 'connection error: ECONNRESET'));
    const fn = bindShaped(p, { 'error-handling-strategy': 'IGNORE', 'retry-num': '0' }, recordingClock(), ERROR_OUTPUTS.slice(0, 3));
    expect(await fn.predict(['x'], { signal: never() })).toEqual({ ok: true, rows: [[null, "model 'm': connection error: ECONNRESET", null]] });
  });

  it('are refused (PD4201) when the strategy never lets a row go, and hidden from the provider', () => {
    limiters = new LimiterRegistry({ log: captureLogger() });
    expect(() => bindShaped(fakeProvider(() => ok('x')), {}, recordingClock())).toThrow(/error metadata columns need/);
    let seen: readonly string[] = [];
    const p = { ...fakeProvider(() => ok('x')), checkSchema: (m: { outputs: readonly { name: string }[] }) => ((seen = m.outputs.map((c) => c.name)), []) };
    bindShaped(p, { 'error-handling-strategy': 'IGNORE' }, recordingClock());
    expect(seen).toEqual(['content']);
  });
});
