import { createRequire } from 'node:module';
import { afterEach, describe, expect, it } from 'vitest';
import { compileJob } from '../../src/daemon/compile-job.js';
import {
  LimiterRegistry,
  azureOpenAIProvider,
  bedrockProvider,
  bindModel,
  googleAIProvider,
  localProvider,
  modelSpecFor,
  openAIProvider,
  type BoundModelFunction,
} from '../../src/providers/index.js';
import { bpeTokenizer } from '../../src/providers/context-window/bpe-tokenizer.js';
import { CONTEXT_OVERFLOW_ACTIONS } from '../../src/providers/context-window/context-overflow-options.js';
import { estimateTokenizer } from '../../src/providers/context-window/estimate-tokenizer.js';
import { OVERFLOW_WARNING_INTERVAL_MS } from '../../src/providers/context-window/overflow-warning.js';
import { encodingForModel, tokenizerForModel } from '../../src/providers/context-window/tokenizer-for-model.js';
import { estimateTextTokens } from '../../src/providers/token-estimate.js';
import type { ModelClient, ModelProviderFactory } from '../../src/spi/model-provider.js';
import type { Value } from '../../src/types/data-type.js';
import { captureLogger, defineModel, expectOk, never, seedContext, steppedClock } from './helpers.js';

const require = createRequire(import.meta.url);
const o200k = require('gpt-tokenizer/cjs/encoding/o200k_base') as { encode(t: string): number[] };

/** No unpaired surrogate anywhere in `s`. */
function wellFormed(s: string): boolean {
  return (s as unknown as { isWellFormed(): boolean }).isWellFormed();
}

describe('tokenizer choice by model name', () => {
  it.each([
    ['gpt-4o', 'o200k_base'],
    ['gpt-4o-mini-2024-07-18', 'o200k_base'],
    ['chatgpt-4o-latest', 'o200k_base'],
    ['gpt-4.1-nano', 'o200k_base'],
    ['gpt-5', 'o200k_base'],
    ['GPT-5-mini', 'o200k_base'],
    ['o1', 'o200k_base'],
    ['o3-mini', 'o200k_base'],
    ['o4-mini', 'o200k_base'],
    ['openai/gpt-4o', 'o200k_base'],
    ['gpt-4', 'cl100k_base'],
    ['gpt-4-turbo', 'cl100k_base'],
    ['gpt-3.5-turbo', 'cl100k_base'],
    ['gpt-35-turbo', 'cl100k_base'],
    ['text-embedding-3-small', 'cl100k_base'],
    ['text-embedding-ada-002', 'cl100k_base'],
  ])('%s counts with %s', (model, encoding) => {
    expect(encodingForModel(model)).toBe(encoding);
    expect(tokenizerForModel(model).name).toBe(encoding);
  });

  it.each(['qwen-plus', 'text-embedding-v4', 'anthropic.claude-3-haiku', 'models/gemini-2.0-flash', 'o', 'omni', 'gpt-test', ''])(
    '%s counts with the estimate',
    (model) => {
      expect(encodingForModel(model)).toBeUndefined();
      expect(tokenizerForModel(model)).toBe(estimateTokenizer);
    },
  );
});

describe('the estimate', () => {
  it('counts a quarter token per ASCII character and one per other code point', () => {
    expect(estimateTextTokens('')).toBe(0);
    expect(estimateTextTokens('abcd')).toBe(1);
    expect(estimateTextTokens('abcde')).toBe(2);
    expect(estimateTextTokens('流处理')).toBe(3);
    expect(estimateTextTokens('😀😀')).toBe(2); // two surrogate pairs, two code points
    expect(estimateTextTokens('ab流')).toBe(2);
  });

  it('never counts more tokens than UTF-16 units, so a text no longer than the budget fits unscanned', () => {
    for (const s of ['x'.repeat(100), '流'.repeat(100), '😀'.repeat(50), 'a流😀b'.repeat(20)]) {
      expect(estimateTextTokens(s)).toBeLessThanOrEqual(s.length);
    }
    expect(estimateTokenizer.fitsWithoutCounting('流'.repeat(10), 10)).toBe(true);
    expect(estimateTokenizer.fitsWithoutCounting('a'.repeat(11), 10)).toBe(false);
  });

  it('keeps the start or the end within the budget, as exact parts of the text', () => {
    const text = 'abcdefghij'.repeat(10); // 100 chars, 25 tokens
    expect(estimateTokenizer.cut(text, 5, 'start')).toBe(text.slice(0, 20));
    expect(estimateTokenizer.cut(text, 5, 'end')).toBe(text.slice(-20));
    expect(estimateTokenizer.cut(text, 25, 'start')).toBe(text);
  });

  it('never splits a surrogate pair at the cut', () => {
    const text = 'ab' + '😀'.repeat(10) + 'cd';
    for (let budget = 1; budget <= 12; budget++) {
      for (const keep of ['start', 'end'] as const) {
        const kept = estimateTokenizer.cut(text, budget, keep);
        expect(wellFormed(kept), `${keep} ${budget}`).toBe(true);
        expect(estimateTextTokens(kept)).toBeLessThanOrEqual(budget);
        expect(keep === 'start' ? text.startsWith(kept) : text.endsWith(kept)).toBe(true);
      }
    }
    // budget 2: 'ab' (half a token) + one emoji; a second emoji would make 2.5
    expect(estimateTokenizer.cut(text, 2, 'start')).toBe('ab😀');
    expect(estimateTokenizer.cut(text, 2, 'end')).toBe('😀cd');
  });
});

describe('the OpenAI tokenizer', () => {
  const tok = bpeTokenizer('o200k_base');

  it('counts what tiktoken counts, special-token spellings as plain text', () => {
    const text = 'Stream processing plays an increasingly important role in real-time analytics.';
    expect(tok.count(text)).toBe(o200k.encode(text).length);
    expect(tok.count('a <|endoftext|> b')).toBeGreaterThan(3);
  });

  it('cuts on token boundaries: the kept text re-encodes to the kept tokens', () => {
    const text = 'The quick brown fox jumps over the lazy dog. '.repeat(20);
    const tokens = o200k.encode(text);
    const start = tok.cut(text, 17, 'start');
    expect(o200k.encode(start)).toEqual(tokens.slice(0, 17));
    const end = tok.cut(text, 17, 'end');
    expect(text.endsWith(end)).toBe(true);
    expect(tok.count(end)).toBeLessThanOrEqual(17);
    expect(tok.count(end)).toBeGreaterThanOrEqual(16);
  });

  it('drops a character split across tokens instead of sending a replacement character', () => {
    // Rare CJK characters and emoji take several byte-level tokens each.
    const text = '龘靐齉'.repeat(5) + ' 😀🦜🧬'.repeat(5);
    const tokens = o200k.encode(text);
    expect(tokens.length).toBeGreaterThan(text.length / 2);
    for (let budget = 1; budget < tokens.length; budget++) {
      for (const keep of ['start', 'end'] as const) {
        const kept = tok.cut(text, budget, keep);
        expect(kept.includes('\uFFFD'), `${keep} ${budget}: ${JSON.stringify(kept)}`).toBe(false);
        expect(wellFormed(kept)).toBe(true);
        expect(keep === 'start' ? text.startsWith(kept) : text.endsWith(kept)).toBe(true);
        expect(tok.count(kept)).toBeLessThanOrEqual(budget);
      }
    }
  });

  it('bounds by UTF-8 bytes, not characters: a rare CJK character can take more tokens than its length', () => {
    const text = '龘'.repeat(10);
    expect(tok.count(text)).toBeGreaterThan(text.length);
    expect(tok.fitsWithoutCounting(text, text.length)).toBe(false);
    expect(tok.fitsWithoutCounting(text, Buffer.byteLength(text))).toBe(true);
    expect(tok.fitsWithoutCounting('x'.repeat(10), 30)).toBe(true);
  });
});

/** A chat-like provider whose client records the text it would send; `model` picks the tokenizer. */
function recordingProvider(systemPrompt: string | undefined): ModelProviderFactory & { sent: Value[]; estimated: Value[] } {
  const sent: Value[] = [];
  const estimated: Value[] = [];
  return {
    sent,
    estimated,
    names: ['rec'],
    summary: 'records inputs',
    spec: { options: [{ key: 'model', type: { kind: 'string' }, description: 'model name' }] },
    checkSchema: () => [],
    create: (): ModelClient => ({
      quotaKey: `rec-${Math.random()}`,
      ...(systemPrompt ? { systemPrompt } : {}),
      estimateTokens: (inputs) => (estimated.push(inputs[0] ?? null), 10),
      call: async (inputs) => {
        sent.push(inputs[0] ?? null);
        return { rows: [[`answer to ${String(inputs[0]).length} chars`]] };
      },
    }),
  };
}

let limiters: LimiterRegistry | undefined;
const bound: BoundModelFunction[] = [];
afterEach(async () => {
  await Promise.all(bound.splice(0).map((f) => f.close()));
  await limiters?.close();
  limiters = undefined;
});

function bindRec(p: ModelProviderFactory, options: Record<string, string>, clock = steppedClock(), log = captureLogger()) {
  limiters ??= new LimiterRegistry({ log: captureLogger() });
  const fn = bindModel(p, defineModel(p, { provider: 'rec', ...options }), { limiters, log, clock });
  bound.push(fn);
  return { fn, log, clock };
}

const LONG = 'abcdefghij'.repeat(40); // 400 ASCII chars: 100 estimated tokens

describe('context-overflow-action', () => {
  it('sends a row that fits unchanged and counts nothing', async () => {
    const p = recordingProvider('Be brief.'); // 9 chars: 3 estimated tokens
    const { fn } = bindRec(p, { 'max-context-size': '103' });
    expectOk(await fn.predict([LONG], { signal: never() }));
    expect(p.sent).toEqual([LONG]);
    expect(fn.stats().contextOverflow).toEqual({ action: 'truncated-tail', rows: 0 });
  });

  it('truncated-tail (the default) keeps the start, counting the system prompt, before the limiter estimate', async () => {
    const p = recordingProvider('Be brief.');
    const { fn, log } = bindRec(p, { 'max-context-size': '23' });
    expectOk(await fn.predict([LONG], { signal: never() }));
    expect(p.sent).toEqual([LONG.slice(0, 80)]); // 23 - 3 = 20 tokens = 80 chars
    expect(p.estimated).toEqual([LONG.slice(0, 80)]);
    expect(fn.stats()).toMatchObject({ rows: 1, requests: 1, contextOverflow: { action: 'truncated-tail', rows: 1 } });
    expect(log.entries.filter((e) => e.level === 'warn')).toEqual([]);
  });

  it('truncated-head keeps the end', async () => {
    const p = recordingProvider(undefined);
    const { fn } = bindRec(p, { 'max-context-size': '20', 'context-overflow-action': 'truncated-head' });
    expectOk(await fn.predict([LONG], { signal: never() }));
    expect(p.sent).toEqual([LONG.slice(-80)]);
    expect(fn.stats().contextOverflow).toEqual({ action: 'truncated-head', rows: 1 });
  });

  it('skipped drops the row without a call and without an output row, as Flink does', async () => {
    const p = recordingProvider(undefined);
    const { fn } = bindRec(p, { 'max-context-size': '20', 'context-overflow-action': 'skipped' });
    expect(expectOk(await fn.predict([LONG], { signal: never() }))).toEqual([]);
    expectOk(await fn.predict(['short'], { signal: never() }));
    expect(p.sent).toEqual(['short']);
    expect(fn.stats()).toMatchObject({ rows: 1, requests: 1, contextOverflow: { action: 'skipped', rows: 1 } });
  });

  it.each([
    ['truncated-tail-log', 'truncated (truncated-tail)'],
    ['truncated-head-log', 'truncated (truncated-head)'],
    ['skipped-log', 'skipped'],
  ])('%s warns at most once a minute per model, with the count of rows, never the text', async (action, what) => {
    const p = recordingProvider(undefined);
    const { fn, log, clock } = bindRec(p, { 'max-context-size': '20', 'context-overflow-action': action });
    const warnings = () => log.entries.filter((e) => e.level === 'warn');
    await fn.predict([LONG], { signal: never() });
    expect(warnings()).toHaveLength(1);
    expect(warnings()[0]).toMatchObject({ fields: { model: 'm', action, rows: 1, maxContextSize: 20, tokens: 100, tokenizer: 'estimate' } });
    expect(warnings()[0]!.msg).toContain(what);
    for (let i = 0; i < 5; i++) await fn.predict([LONG], { signal: never() });
    clock.advance(OVERFLOW_WARNING_INTERVAL_MS - 1);
    await fn.predict([LONG], { signal: never() });
    expect(warnings()).toHaveLength(1);
    clock.advance(1);
    await fn.predict([LONG], { signal: never() });
    expect(warnings()).toHaveLength(2);
    expect(warnings()[1]!.fields).toMatchObject({ rows: 7 });
    await fn.predict([LONG], { signal: never() });
    await fn.close();
    expect(warnings()).toHaveLength(3);
    expect(warnings()[2]!.fields).toMatchObject({ rows: 1 });
    expect(JSON.stringify(log.entries)).not.toContain('abcdefghij');
    expect(fn.stats().contextOverflow).toEqual({ action, rows: 9 });
  });

  it('the non-log actions do not warn', async () => {
    for (const action of CONTEXT_OVERFLOW_ACTIONS.filter((a) => !a.endsWith('-log'))) {
      const p = recordingProvider(undefined);
      const { fn, log } = bindRec(p, { 'max-context-size': '20', 'context-overflow-action': action });
      await fn.predict([LONG], { signal: never() });
      await fn.close();
      expect(log.entries.filter((e) => e.level === 'warn'), action).toEqual([]);
    }
  });

  it('counts with the real tokenizer for an OpenAI model name', async () => {
    const p = recordingProvider(undefined);
    const { fn } = bindRec(p, { model: 'gpt-4o-mini', 'max-context-size': '10' });
    const text = 'The quick brown fox jumps over the lazy dog. '.repeat(10);
    await fn.predict([text], { signal: never() });
    expect(o200k.encode(String(p.sent[0]))).toEqual(o200k.encode(text).slice(0, 10));
  });

  it('passes non-text inputs through', async () => {
    const p = recordingProvider(undefined);
    const { fn } = bindRec(p, { 'max-context-size': '1' });
    await fn.predict([123456789], { signal: never() });
    expect(p.sent).toEqual([123456789]);
  });

  it('rejects a system prompt that leaves no room for the row', () => {
    const p = recordingProvider('x'.repeat(40)); // 10 estimated tokens
    expect(() => bindRec(p, { 'max-context-size': '10' })).toThrow(/PD4201|system prompt alone counts 10 tokens .*max-context-size 10/);
    expect(() => bindRec(p, { 'max-context-size': '11' })).not.toThrow();
  });

  it('loads no tokenizer and adds no stats when max-context-size is unset', async () => {
    const p = recordingProvider(undefined);
    const { fn } = bindRec(p, { model: 'gpt-4o' });
    await fn.predict([LONG], { signal: never() });
    expect(p.sent).toEqual([LONG]);
    expect(fn.stats().contextOverflow).toBeUndefined();
  });
});

describe('the options', () => {
  const model = (extra: string) =>
    `CREATE MODEL m INPUT (text STRING) OUTPUT (r STRING) WITH ('provider'='openai', 'endpoint'='http://x/v1/chat/completions', 'api-key'='k', 'model'='gpt-4o'${extra});`;
  const compile = (extra: string) => compileJob('j.sql', model(extra), seedContext(openAIProvider));

  it('are accepted by every provider, with Flink names, VVR aliases and the default', () => {
    for (const factory of [openAIProvider, azureOpenAIProvider, bedrockProvider, googleAIProvider, localProvider]) {
      const spec = modelSpecFor(factory).options.map((o) => o.key);
      expect(spec, factory.names[0]).toEqual(expect.arrayContaining(['max-context-size', 'context-overflow-action']));
    }
    const def = compile(", 'max_context_size'='100', 'contextOverflowAction'='SKIPPED-LOG'").catalog.model('m')!.definition;
    expect(def.options.get('max-context-size')).toBe(100);
    expect(def.options.get('context-overflow-action')).toBe('skipped-log');
    expect(compile('').catalog.model('m')!.definition.options.get('context-overflow-action')).toBe('truncated-tail');
  });

  it('reject a size below 1 and an unknown action with a did-you-mean (a bind error with its position)', () => {
    expect(() => compile(", 'max-context-size'='-5'")).toThrow(/j\.sql:1:\d+: option 'max-context-size' expects a value >= 1, got '-5' \[PD2008\]/);
    expect(() => compile(", 'max-context-size'='0'")).toThrow(/PD2008/);
    expect(() => compile(", 'context-overflow-action'='truncate-tail'")).toThrow(
      /option 'context-overflow-action' expects one of 'truncated-tail', .*'skipped-log', got 'truncate-tail'; did you mean 'truncated-tail'\? \[PD2008\]/,
    );
  });
});
