import { afterEach, describe, expect, it } from 'vitest';
import { LimiterRegistry, bindModel, localProvider, type BoundModelFunction } from '../../src/providers/index.js';
import { analyzeSentiment } from '../../src/providers/local/sentiment.js';
import { hashingEmbedding } from '../../src/providers/local/hashing-embedding.js';
import { captureLogger, col, defineModel, DOUBLE, FLOAT_ARRAY, never } from './helpers.js';

const log = captureLogger();
let limiters: LimiterRegistry;
const bound: BoundModelFunction[] = [];

afterEach(async () => {
  await Promise.all(bound.splice(0).map((f) => f.close()));
  await limiters?.close();
});

function bind(options: Record<string, string>, shape: Parameters<typeof defineModel>[2] = {}) {
  limiters ??= new LimiterRegistry({ log });
  const fn = bindModel(localProvider, defineModel(localProvider, { provider: 'local', ...options }, shape), { limiters, log });
  bound.push(fn);
  return fn;
}

async function label(fn: BoundModelFunction, text: string | null): Promise<unknown> {
  const outcome = await fn.predict([text], { signal: never() });
  if (!outcome.ok) throw outcome.error;
  return outcome.rows[0]?.[0];
}

function cosine(a: readonly number[], b: readonly number[]): number {
  return a.reduce((s, x, i) => s + x * b[i]!, 0);
}

describe('local provider: sentiment', () => {
  it('labels clear examples', async () => {
    limiters = new LimiterRegistry({ log });
    const fn = bind({});
    const cases: [string, string][] = [
      ['Happy Birthday! You are great!', 'positive'],
      ['Today was bad day in the stock market.', 'negative'],
      ['The mitochondria are the powerhouse of the cell', 'neutral'],
      ['My favorite part was when the kid guessed the sounds. Very gentle and loving.', 'positive'],
      ['This is not good at all.', 'negative'],
      ["I don't like it", 'negative'],
      ['Not bad, actually.', 'positive'],
      ['The product does not work and support was useless', 'negative'],
      ['It arrived on Tuesday.', 'neutral'],
      ['I love this phone, the camera is excellent', 'positive'],
      ['Terrible service, I hate waiting', 'negative'],
    ];
    for (const [text, expected] of cases) expect(await label(fn, text), text).toBe(expected);
  });

  it('scopes negation to the clause and scores it', () => {
    expect(analyzeSentiment('not great', 1.5).score).toBeCloseTo(-2.25);
    expect(analyzeSentiment('not good', 1.5).score).toBe(-2); // an AFINN phrase of its own
    expect(analyzeSentiment('not here, good', 1.5).score).toBe(3);
    const s = analyzeSentiment('excellent excellent excellent', 1.5);
    expect(s.normalized).toBeGreaterThan(0.9);
    expect(s.normalized).toBeLessThan(1);
  });

  it('fills an optional score column, honours the threshold, and drops NULL rows', async () => {
    limiters = new LimiterRegistry({ log });
    const fn = bind({ task: 'classification', 'neutral-threshold': '5' }, { outputs: [col('label'), col('score', DOUBLE)] });
    const outcome = await fn.predict(['good'], { signal: never() });
    expect(outcome).toMatchObject({ ok: true, rows: [['neutral', expect.any(Number)]] });
    expect(await fn.predict([null], { signal: never() })).toEqual({ ok: true, rows: [] });
  });
});

describe('local provider: embeddings', () => {
  it('is deterministic, L2-normalised and honours the dimension', async () => {
    limiters = new LimiterRegistry({ log });
    const fn = bind({ task: 'embedding', dimension: '64' }, { outputs: [col('v', FLOAT_ARRAY)] });
    const a = (await label(fn, 'streaming inference with Flink SQL')) as number[];
    const b = (await label(fn, 'streaming inference with Flink SQL')) as number[];
    expect(a).toHaveLength(64);
    expect(a).toEqual(b);
    expect(Math.sqrt(a.reduce((s, x) => s + x * x, 0))).toBeCloseTo(1, 5);
    expect(hashingEmbedding('x y z', 256)).toHaveLength(256);
    expect(hashingEmbedding('', 16)).toEqual(new Array(16).fill(0));
  });

  it('places related texts closer than unrelated ones', () => {
    const q = hashingEmbedding('golden finger', 256);
    const near = hashingEmbedding('the golden fingers', 256);
    const far = hashingEmbedding('license to kill', 256);
    expect(cosine(q, near)).toBeGreaterThan(cosine(q, far) + 0.3);
  });

  it('simulates latency and stops waiting when aborted', async () => {
    limiters = new LimiterRegistry({ log });
    const fn = bind({ latency: '5 s' });
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(new Error('stop')), 30);
    await expect(fn.predict(['good'], { signal: controller.signal })).rejects.toThrow('stop');
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('rejects schemas it cannot fill', () => {
    const bad = defineModel(localProvider, { provider: 'local', task: 'embedding' }, { outputs: [col('v')] });
    expect(localProvider.checkSchema(bad).join()).toMatch(/ARRAY<FLOAT>/);
    const twoInputs = defineModel(localProvider, { provider: 'local' }, { inputs: [col('a'), col('b')] });
    expect(localProvider.checkSchema(twoInputs).join()).toMatch(/exactly one STRING input/);
  });
});
