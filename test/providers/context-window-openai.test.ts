import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { openAIProvider } from '../../src/providers/index.js';
import { OpenAIEmulator } from '../emulators/openai-emulator.js';
import { col, defineModel, expectOk, FLOAT_ARRAY, never, useProviderHarness } from './helpers.js';

const KEY = 'sk-test-0123456789abcdef';
const require = createRequire(import.meta.url);
const o200k = require('gpt-tokenizer/cjs/encoding/o200k_base') as { encode(t: string): number[] };
const cl100k = require('gpt-tokenizer/cjs/encoding/cl100k_base') as { encode(t: string): number[] };

const h = useProviderHarness(openAIProvider, () => OpenAIEmulator.start({ apiKeys: [KEY], respond: (r) => `${r.user.length}` }));

const ARTICLE = 'Kafka carries the records; the model reads each one and answers in a word. '.repeat(40);

describe('max-context-size through the OpenAI wire (emulator)', () => {
  it('sends the chat row cut to the context left after the system prompt, counted with o200k_base', async () => {
    const system = 'Summarise the text in one word.';
    const fn = h.bind(
      defineModel(openAIProvider, {
        provider: 'openai',
        endpoint: h.emu.url('/v1/chat/completions'),
        'api-key': KEY,
        model: 'gpt-4o-mini',
        'system-prompt': system,
        'max-context-size': '64',
        'context-overflow-action': 'truncated-head-log',
      }),
    );
    expectOk(await fn.predict([ARTICLE], { signal: never() }));
    const body = h.emu.recorded.at(-1)!.body as { messages: Array<{ role: string; content: string }> };
    expect(body.messages[0]).toEqual({ role: 'system', content: system });
    const sent = body.messages[1]!.content;
    const budget = 64 - o200k.encode(system).length;
    expect(ARTICLE.endsWith(sent)).toBe(true);
    expect(o200k.encode(sent).length).toBeLessThanOrEqual(budget);
    expect(o200k.encode(sent).length).toBeGreaterThanOrEqual(budget - 1);
    expect(fn.stats().contextOverflow).toEqual({ action: 'truncated-head-log', rows: 1 });
    expect(h.log.entries.filter((e) => e.level === 'warn')).toHaveLength(1);
  });

  it('cuts each text of an embedding batch on its own (cl100k_base for text-embedding-3-small)', async () => {
    const fn = h.bind(
      defineModel(
        openAIProvider,
        { provider: 'openai', endpoint: h.emu.url('/v1/embeddings'), 'api-key': KEY, model: 'text-embedding-3-small', 'max-context-size': '16' },
        { outputs: [col('embedding', FLOAT_ARRAY)] },
      ),
    );
    const texts = [ARTICLE, 'short one', ARTICLE.slice(0, 200)];
    await Promise.all(texts.map((t) => fn.predict([t], { signal: never() })));
    const inputs = h.emu.recorded.flatMap((r) => (r.body as { input: string[] }).input);
    expect(inputs).toHaveLength(3);
    expect(inputs).toContain('short one');
    const cut = inputs.filter((t) => t !== 'short one');
    for (const t of cut) expect(cl100k.encode(t)).toEqual(cl100k.encode(ARTICLE).slice(0, 16));
    expect(fn.stats().contextOverflow).toEqual({ action: 'truncated-tail', rows: 2 });
  });

  it('skips a row with no request at all', async () => {
    const fn = h.bind(
      defineModel(openAIProvider, {
        provider: 'openai',
        endpoint: h.emu.url('/v1/chat/completions'),
        'api-key': KEY,
        model: 'gpt-4o',
        'max-context-size': '100',
        'context-overflow-action': 'skipped',
      }),
    );
    expect(expectOk(await fn.predict([ARTICLE], { signal: never() }))).toEqual([]);
    expect(h.emu.recorded).toHaveLength(0);
  });
});
