import { describe, expect, it } from 'vitest';
import { googleAIProvider } from '../../../src/providers/googleai/googleai-provider.js';
import { compileJob } from '../../../src/daemon/compile-job.js';
import { specToMarkdown } from '../../../src/providers/spec-to-markdown.js';
import { GoogleAIEmulator } from '../../emulators/googleai-emulator.js';
import { defaultEmbedding } from '../../emulators/openai-emulator.js';
import { cloudDocsOptionsBlock, col, defineModel, expectOk, FLOAT_ARRAY, never, resolveFor, seedContext, STRING, useProviderHarness } from '../helpers.js';

const KEY = 'AIza-test-0123456789abcdef';

const h = useProviderHarness(googleAIProvider, () => GoogleAIEmulator.start({ apiKeys: [KEY], respond: (r) => `${r.system ?? '-'} => ${r.user}` }));
const { bind } = h;

function textModel(options: Record<string, string> = {}) {
  return defineModel(googleAIProvider, { provider: 'googleai', endpoint: h.emu.url('gemini-2.0-flash', 'generateContent'), 'api-key': KEY, ...options });
}

function embedModel(options: Record<string, string> = {}) {
  return defineModel(
    googleAIProvider,
    { provider: 'googleai', endpoint: h.emu.url('gemini-embedding-001', 'embedContent'), 'api-key': KEY, task: 'embedding', ...options },
    { outputs: [col('response', FLOAT_ARRAY)] },
  );
}

describe('googleai provider: generateContent', () => {
  it('sends systemInstruction, contents and generationConfig with x-goog-api-key, and maps text and usageMetadata', async () => {
    const client = googleAIProvider.create(
      textModel({ 'googleai.system_prompt': 'translate text to chinese', 'googleai.PARAMS.temperature': '0.4', 'top-p': '0.9', 'top-k': '20', 'max-tokens': '100', stop: 'END,STOP' }),
      { log: h.log },
    );
    const response = await client.call(['hello'], { signal: never() });
    expect(response.rows).toEqual([['translate text to chinese => hello']]);
    expect(response.usage).toEqual({ promptTokens: 8, completionTokens: 9, totalTokens: 17 });
    const req = h.emu.recorded.at(-1)!;
    expect(req).toMatchObject({ path: '/v1beta/models/gemini-2.0-flash:generateContent', apiKey: KEY, query: {}, status: 200 });
    expect(req.body).toEqual({
      contents: [{ role: 'user', parts: [{ text: 'hello' }] }],
      systemInstruction: { parts: [{ text: 'translate text to chinese' }] },
      generationConfig: { temperature: 0.4, topP: 0.9, topK: 20, maxOutputTokens: 100, stopSequences: ['END', 'STOP'] },
    });
    expect(client.quotaKey).toMatch(/^googleai\|http:\/\/127\.0\.0\.1:\d+\/v1beta\|models\/gemini-2\.0-flash\|key:[0-9a-f]{12}$/);
  });

  it('runs rows through bindModel and drops NULL inputs without a call', async () => {
    const fn = bind(textModel());
    expect(expectOk(await fn.predict(['a'], { signal: never() }))).toEqual([['- => a']]);
    expect(expectOk(await fn.predict([null], { signal: never() }))).toEqual([]);
    expect(h.emu.counters.requests).toBe(1);
    expect(fn.stats().totalTokens).toBeGreaterThan(0);
  });

  it('treats a blocked prompt as fatal (IGNORE drops the row)', async () => {
    await h.emu.close();
    h.emu = await GoogleAIEmulator.start({ apiKeys: [KEY], blocked: (t) => t.includes('forbidden') });
    const fn = bind(textModel({ 'error-handling-strategy': 'IGNORE' }));
    const outcome = await fn.predict(['forbidden words'], { signal: never() });
    expect(outcome).toMatchObject({ ok: false, action: 'ignore', error: { kind: 'fatal' } });
    if (!outcome.ok) expect(outcome.error.message).toMatch(/blocked the prompt: SAFETY/);
  });
});

describe('googleai provider: embeddings', () => {
  it('one row: :embedContent with taskType and outputDimensionality', async () => {
    const client = googleAIProvider.create(embedModel({ dimension: '6', 'embedding-task-type': 'SEMANTIC_SIMILARITY' }), { log: h.log });
    const response = await client.call(['alien'], { signal: never() });
    expect(response.rows).toEqual([[defaultEmbedding('alien', 6)]]);
    expect(h.emu.recorded.at(-1)).toMatchObject({
      method: 'embedContent',
      body: { model: 'models/gemini-embedding-001', content: { parts: [{ text: 'alien' }] }, taskType: 'SEMANTIC_SIMILARITY', outputDimensionality: 6 },
    });
  });

  it('micro-batches concurrent rows into :batchEmbedContents, never above 100 per request', async () => {
    const fn = bind(embedModel());
    const texts = Array.from({ length: 250 }, (_, i) => `text ${i}`);
    const results = await Promise.all(texts.map((t) => fn.predict([t], { signal: never() })));
    results.forEach((r, i) => expect(expectOk(r)).toEqual([[defaultEmbedding(texts[i]!, 8)]]));
    const c = h.emu.counters;
    expect(c.embeddedTexts).toBe(250);
    expect(c.largestBatch).toBeLessThanOrEqual(100);
    expect(c.largestBatch).toBeGreaterThan(1);
    expect(c.byStatus[400]).toBeUndefined();
  });

  it('the emulator rejects 101 batch requests as the API does', async () => {
    const requests = Array.from({ length: 101 }, (_, i) => ({ model: 'models/gemini-embedding-001', content: { parts: [{ text: `t${i}` }] } }));
    const res = await fetch(h.emu.url('gemini-embedding-001', 'batchEmbedContents'), {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-goog-api-key': KEY },
      body: JSON.stringify({ requests }),
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { code: 400, status: 'INVALID_ARGUMENT', message: expect.stringContaining('at most 100 requests') } });
  });
});

describe('googleai provider: errors', () => {
  it('a bad key (400 API_KEY_INVALID) is fatal, not retried, and the key is not echoed', async () => {
    const fn = bind(textModel({ 'api-key': 'AIza-wrong-abcdefghijklmnop' }));
    const outcome = await fn.predict(['x'], { signal: never() });
    expect(outcome).toMatchObject({ ok: false, action: 'fail', error: { code: 'PD4203', kind: 'fatal', status: 400, attempts: 1 } });
    if (!outcome.ok) expect(outcome.error.message).toMatch(/API_KEY_INVALID/);
    expect(h.emu.counters.requests).toBe(1);
    expect(JSON.stringify(h.log.entries)).not.toContain('AIza-wrong-abcdefghijklmnop');
  });

  it('honours RetryInfo.retryDelay on 429 RESOURCE_EXHAUSTED, then succeeds', async () => {
    h.emu.failNext(1, { status: 429, retryDelay: '0.6s' });
    const fn = bind(textModel());
    const started = Date.now();
    expectOk(await fn.predict(['x'], { signal: never() }));
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(550);
    expect(elapsed).toBeLessThan(2_500);
    expect(fn.stats()).toMatchObject({ throttled: 1, retries: 1, succeeded: 1 });
    expect(h.emu.counters.requests).toBe(2);
  });

  it('a daily quota 429 (quotaId ...PerDay...) is fatal', async () => {
    h.emu.failNext(1, { status: 429, quotaId: 'GenerateRequestsPerDayPerProjectPerModel-FreeTier', retryDelay: '30s' });
    const fn = bind(textModel());
    const outcome = await fn.predict(['x'], { signal: never() });
    expect(outcome).toMatchObject({ ok: false, error: { kind: 'fatal', status: 429 } });
    if (!outcome.ok) expect(outcome.error.message).toMatch(/daily quota/);
    expect(h.emu.counters.requests).toBe(1);
  });

  it('retries 503 UNAVAILABLE and 500 INTERNAL as transient', async () => {
    h.emu.failNext(1, 503);
    h.emu.failNext(1, 500);
    const fn = bind(embedModel());
    expectOk(await fn.predict(['x'], { signal: never() }));
    expect(fn.stats()).toMatchObject({ transientErrors: 2, retries: 2, succeeded: 1 });
  });

  it('rides out a per-minute rate limit without failing rows', async () => {
    await h.emu.close();
    h.emu = await GoogleAIEmulator.start({ apiKeys: [KEY], rateLimit: { requests: 2, windowMs: 300 } });
    const fn = bind(textModel());
    const results = await Promise.all(Array.from({ length: 5 }, (_, i) => fn.predict([`r${i}`], { signal: never() })));
    results.forEach((r) => expectOk(r));
    expect(h.emu.counters.byStatus[429]).toBeGreaterThan(0);
  });
});

describe('googleai provider: options and schema', () => {
  it('accepts the seed 003 model (CONNECTION merged) with VARCHAR columns', () => {
    const seed = {
      'googleai.connection': 'googleai-cli-connection',
      'googleai.system_prompt': 'translate text to chinese',
      provider: 'googleai',
      task: 'text_generation',
      endpoint: 'https://generativelanguage.googleapis.com/v1beta/models/gemini-2.0-flash:generateContent',
      'api-key': 'k',
    };
    expect(resolveFor(googleAIProvider, seed).problems).toEqual([]);
    const varchar = { kind: 'VARCHAR', length: 2147483647, nullable: true } as const;
    expect(googleAIProvider.checkSchema(defineModel(googleAIProvider, seed, { inputs: [col('text', varchar)], outputs: [col('output', varchar)] }))).toEqual([]);
    const flink = { endpoint: h.emu.url('gemini-2.0-flash'), apiKey: 'k', 'system-prompt': 'x', maxOutputTokens: '5', topK: '3', 'googleai.input_format': 'GEMINI-CHAT' };
    expect(googleAIProvider.checkSchema(defineModel(googleAIProvider, flink))).toEqual([]);
  });

  it('reports contradictions, too many stop sequences, keys in the URL and wrong columns', () => {
    const check = (opts: Record<string, string>, outputs = [col('o', STRING)]) =>
      googleAIProvider.checkSchema(defineModel(googleAIProvider, { endpoint: h.emu.url('gemini-2.0-flash', 'generateContent'), 'api-key': KEY, ...opts }, { outputs })).join('; ');
    expect(check({ task: 'embedding' }, [col('v', FLOAT_ARRAY)])).toMatch(/contradicts the endpoint/);
    expect(check({ stop: 'a,b,c,d,e,f' })).toMatch(/at most 5/);
    expect(check({ endpoint: `${h.emu.url('gemini-2.0-flash', 'generateContent')}?key=abc` })).toMatch(/api-key/);
    expect(check({ endpoint: h.emu.url('gemini-2.0-flash', 'streamGenerateContent') })).toMatch(/not supported/);
    expect(check({}, [col('v', FLOAT_ARRAY)])).toMatch(/one STRING output/);
    expect(check({ endpoint: h.emu.url('gemini-embedding-001', 'embedContent') })).toMatch(/ARRAY<FLOAT>/);
  });
});

describe('googleai provider: seed 003 SQL', () => {
  const SEED = [
    "CREATE CONNECTION googleai-cli-connection WITH ( 'type' = 'googleai', 'endpoint' = 'https://generativelanguage.googleapis.com/v1beta/models/gemini-2.0-flash:generateContent', 'api-key' = '<your-gcp-api-key>' );",
    "CREATE MODEL google_text_cli INPUT (`text` VARCHAR(2147483647)) OUTPUT (`output` VARCHAR(2147483647)) WITH ( 'googleai.connection' = 'googleai-cli-connection', 'googleai.system_prompt' = 'translate text to chinese', 'provider' = 'googleai', 'task' = 'text_generation' );",
  ].join('\n');
  const ctx = () => seedContext(googleAIProvider);

  it('validates verbatim and runs with the endpoint pointed at the emulator', async () => {
    expect(() => compileJob('seed-003.sql', SEED, ctx())).not.toThrow();
    const sql = SEED.replace('https://generativelanguage.googleapis.com', h.emu.origin).replace('<your-gcp-api-key>', KEY);
    const model = compileJob('seed-003.sql', sql, ctx()).catalog.model('google_text_cli')!;
    const fn = bind(model.definition);
    expect(expectOk(await fn.predict(['hello'], { signal: never() }))).toEqual([['translate text to chinese => hello']]);
  });
});

describe('googleai provider: timeouts and aborts', () => {
  it('times out a hung attempt after client-timeout (bare number = seconds) and retries it', async () => {
    h.emu.setLatency(1_500);
    const fn = bind(textModel({ 'googleai.client_timeout': '0.1', 'retry-num': '1' }));
    const outcome = await fn.predict(['x'], { signal: never() });
    expect(outcome).toMatchObject({ ok: false, error: { code: 'PD4204', kind: 'transient', attempts: 2 } });
    if (!outcome.ok) expect(outcome.error.message).toMatch(/timed out after 100 ms/);
  });

  it('rejects with the abort reason when the row signal aborts mid-call', async () => {
    h.emu.setLatency(5_000);
    const fn = bind(textModel());
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('row timeout')), 50);
    const started = Date.now();
    await expect(fn.predict(['x'], { signal: controller.signal })).rejects.toThrow('row timeout');
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});

describe('googleai provider: docs', () => {
  it('docs/providers-cloud.md carries the options table generated from the spec', async () => {
    expect(await cloudDocsOptionsBlock('googleai')).toBe(specToMarkdown(googleAIProvider.spec));
  });
});

describe('googleai provider: structured output', () => {
  it('sends the OUTPUT columns as responseSchema and the framework reads the JSON answer into typed columns', async () => {
    h.emu = await GoogleAIEmulator.start({ apiKeys: [KEY], respond: (r) => JSON.stringify({ risk: 0.5, reason: `about ${r.user}` }) });
    const model = defineModel(
      googleAIProvider,
      { provider: 'googleai', endpoint: h.emu.url('gemini-2.0-flash', 'generateContent'), 'api-key': KEY },
      { outputs: [col('risk', { kind: 'DOUBLE', nullable: false }), col('reason', STRING)] },
    );
    expect(expectOk(await bind(model).predict(['loans'], { signal: never() }))).toEqual([[0.5, 'about loans']]);
    expect((h.emu.recorded.at(-1)!.body as { generationConfig: unknown }).generationConfig).toEqual({
      responseMimeType: 'application/json',
      responseSchema: {
        type: 'OBJECT',
        properties: { risk: { type: 'NUMBER' }, reason: { type: 'STRING', nullable: true } },
        required: ['risk', 'reason'],
        propertyOrdering: ['risk', 'reason'],
      },
    });
  });
});
