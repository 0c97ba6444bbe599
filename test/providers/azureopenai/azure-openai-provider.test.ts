import { describe, expect, it } from 'vitest';
import { azureOpenAIProvider } from '../../../src/providers/azureopenai/azure-openai-provider.js';
import { ProviderConfigError } from '../../../src/providers/index.js';
import { compileJob } from '../../../src/daemon/compile-job.js';
import { specToMarkdown } from '../../../src/providers/spec-to-markdown.js';
import { AzureOpenAIEmulator } from '../../emulators/azure-openai-emulator.js';
import { defaultEmbedding } from '../../emulators/openai-emulator.js';
import { cloudDocsOptionsBlock, col, defineModel, expectOk, FLOAT_ARRAY, never, resolveFor, seedContext, useProviderHarness } from '../helpers.js';

const KEY = 'azure-key-0123456789abcdef';

const h = useProviderHarness(azureOpenAIProvider, () => AzureOpenAIEmulator.start({ apiKeys: [KEY], respond: (r) => `${r.system ?? '-'} => ${r.user}` }));
const { bind } = h;

function chatModel(options: Record<string, string> = {}) {
  return defineModel(azureOpenAIProvider, { provider: 'azureopenai', endpoint: h.emu.url('gpt-4o-mini', 'chat'), 'api-key': KEY, ...options });
}

function embeddingModel(options: Record<string, string> = {}) {
  return defineModel(
    azureOpenAIProvider,
    { provider: 'azureopenai', endpoint: h.emu.url('text-embedding-3-small', 'embeddings'), 'api-key': KEY, ...options },
    { outputs: [col('response', FLOAT_ARRAY)] },
  );
}

describe('azureopenai provider: chat', () => {
  it('calls the deployment with api-key and api-version, without a model, and maps content and usage', async () => {
    const client = azureOpenAIProvider.create(
      chatModel({ 'azureopenai.system_prompt': 'Translate.', 'azureopenai.PARAMS.temperature': '0.3', 'max-tokens': '20', stop: 'END' }),
      { log: h.log },
    );
    const response = await client.call(['hello'], { signal: never() });
    expect(response.rows).toEqual([['Translate. => hello']]);
    expect(response.usage!.totalTokens).toBe(response.usage!.promptTokens + response.usage!.completionTokens);
    expect(response.usage!.completionTokens).toBeGreaterThan(0);
    const req = h.emu.recorded.at(-1)!;
    expect(req).toMatchObject({ path: '/openai/deployments/gpt-4o-mini/chat/completions', query: { 'api-version': '2024-10-21' }, apiKey: KEY, status: 200 });
    expect(req.authorization).toBeUndefined();
    expect(req.body).toEqual({
      messages: [
        { role: 'system', content: 'Translate.' },
        { role: 'user', content: 'hello' },
      ],
      temperature: 0.3,
      max_tokens: 20,
      stop: ['END'],
    });
    expect(client.quotaKey).toBe(`azureopenai|${h.emu.origin}/openai/deployments/gpt-4o-mini|key:${client.quotaKey.split('key:')[1]}`);
    expect(client.quotaKey).not.toContain(KEY);
  });

  it('sends model_version as model, takes api-version from the option, ', async () => {
    const fn = bind(chatModel({ endpoint: h.emu.url('gpt-4o-mini', 'chat', null), 'api-version': '2024-06-01', 'azureopenai.model_version': 'gpt-4o-mini' }));
    expectOk(await fn.predict(['x'], { signal: never() }));
    expect(h.emu.recorded.at(-1)).toMatchObject({ query: { 'api-version': '2024-06-01' }, body: { model: 'gpt-4o-mini' } });
  });

  it('turns n choices into n rows and drops NULL inputs without a call', async () => {
    const fn = bind(chatModel({ n: '2' }));
    expect(expectOk(await fn.predict(['hi'], { signal: never() }))).toHaveLength(2);
    expect(expectOk(await fn.predict([null], { signal: never() }))).toEqual([]);
    expect(h.emu.counters.requests).toBe(1);
  });
});

describe('azureopenai provider: embeddings', () => {
  it('answers one vector per row through the factory, with usage', async () => {
    const client = azureOpenAIProvider.create(embeddingModel({ dimension: '4' }), { log: h.log });
    const response = await client.call(['alien'], { signal: never() });
    expect(response.rows).toEqual([[defaultEmbedding('alien', 4)]]);
    expect(response.usage).toMatchObject({ promptTokens: 2, totalTokens: 2 });
    expect(h.emu.recorded.at(-1)!.body).toEqual({ input: 'alien', encoding_format: 'float', dimensions: 4 });
  });

  it('micro-batches concurrent rows through bindModel', async () => {
    const fn = bind(embeddingModel());
    const texts = Array.from({ length: 30 }, (_, i) => `text ${i}`);
    const results = await Promise.all(texts.map((t) => fn.predict([t], { signal: never() })));
    results.forEach((r, i) => expect(expectOk(r)).toEqual([[defaultEmbedding(texts[i]!, 8)]]));
    expect(h.emu.counters.embeddingInputs).toBe(30);
    expect(h.emu.counters.embeddingRequests).toBeLessThan(10);
  });
});

describe('azureopenai provider: errors', () => {
  it('treats a wrong key (401) as fatal: one request, no retry, key not in messages', async () => {
    const fn = bind(chatModel({ 'api-key': 'wrong-key-abcdefghijklmnop' }));
    const outcome = await fn.predict(['x'], { signal: never() });
    expect(outcome).toMatchObject({ ok: false, action: 'fail', error: { code: 'PD4203', kind: 'fatal', status: 401, attempts: 1 } });
    expect(h.emu.counters.requests).toBe(1);
    expect(JSON.stringify(h.log.entries)).not.toContain('wrong-key-abcdefghijklmnop');
  });

  it('treats an unknown deployment (404) and the content filter (400) as fatal', async () => {
    const missing = bind(chatModel({ endpoint: h.emu.url('nope', 'chat') }));
    expect(await missing.predict(['x'], { signal: never() })).toMatchObject({ ok: false, error: { kind: 'fatal', status: 404 } });
    await h.emu.close();
    h.emu = await AzureOpenAIEmulator.start({ apiKeys: [KEY], filtered: (t) => t.includes('violent') });
    const fn = bind(chatModel());
    const outcome = await fn.predict(['something violent'], { signal: never() });
    expect(outcome).toMatchObject({ ok: false, error: { kind: 'fatal', status: 400 } });
    if (!outcome.ok) expect(outcome.error.message).toMatch(/content management policy/);
    expect(h.emu.counters.requests).toBe(1);
  });

  it('rejects an unsupported api-version as the service does (400, fatal)', async () => {
    const fn = bind(chatModel({ endpoint: h.emu.url('gpt-4o-mini', 'chat', '1999-01-01') }));
    const outcome = await fn.predict(['x'], { signal: never() });
    expect(outcome).toMatchObject({ ok: false, error: { kind: 'fatal', status: 400 } });
    if (!outcome.ok) expect(outcome.error.message).toMatch(/API version not supported/);
  });

  it('honours retry-after-ms on 429, then succeeds', async () => {
    h.emu.failNext(1, { status: 429, headers: { 'retry-after': '1', 'retry-after-ms': '600' } });
    const fn = bind(chatModel());
    const started = Date.now();
    expectOk(await fn.predict(['x'], { signal: never() }));
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(550);
    expect(elapsed).toBeLessThan(2_500);
    expect(fn.stats()).toMatchObject({ throttled: 1, retries: 1, succeeded: 1 });
    expect(h.emu.counters.requests).toBe(2);
  });

  it('rides out the emulated rate limit (retry-after) without failing rows', async () => {
    await h.emu.close();
    h.emu = await AzureOpenAIEmulator.start({ apiKeys: [KEY], rateLimit: { requests: 3, windowMs: 400 } });
    const fn = bind(chatModel());
    const results = await Promise.all(Array.from({ length: 6 }, (_, i) => fn.predict([`r${i}`], { signal: never() })));
    results.forEach((r) => expectOk(r));
    expect(h.emu.counters.byStatus[429]).toBeGreaterThan(0);
    expect(fn.stats().failed).toBe(0);
  });

  it('retries 500 and 503 as transient, then succeeds', async () => {
    h.emu.failNext(1, 500);
    h.emu.failNext(1, 503);
    const fn = bind(chatModel());
    expectOk(await fn.predict(['x'], { signal: never() }));
    expect(fn.stats()).toMatchObject({ transientErrors: 2, retries: 2, succeeded: 1 });
    expect(h.emu.counters.requests).toBe(3);
  });

  it('times out a hung attempt after client-timeout and retries it', async () => {
    h.emu.setLatency(1_000);
    const fn = bind(chatModel({ 'azureopenai.client_timeout': '100ms', 'retry-num': '1' }));
    const outcome = await fn.predict(['x'], { signal: never() });
    expect(outcome).toMatchObject({ ok: false, error: { code: 'PD4204', kind: 'transient', attempts: 2 } });
  });
});

describe('azureopenai provider: options and schema', () => {
  it('accepts the seed 003 spellings (CONNECTION merged) and Flink/Confluent aliases', () => {
    const seed = {
      'azureopenai.connection': 'azureopenai-cli-connection',
      provider: 'azureopenai',
      task: 'embedding',
      endpoint: 'https://res.openai.azure.com/openai/deployments/dep/embeddings?api-version=2024-06-01',
      'api-key': 'k',
    };
    const { problems } = resolveFor(azureOpenAIProvider, seed);
    expect(problems).toEqual([]);
    expect(azureOpenAIProvider.checkSchema(defineModel(azureOpenAIProvider, seed, { outputs: [col('response', FLOAT_ARRAY)] }))).toEqual([]);
    const chat = {
      provider: 'azureopenai',
      endpoint: 'https://res.openai.azure.com/openai/deployments/gpt/chat/completions?api-version=2024-02-01',
      apiKey: 'k',
      'system-prompt': 'x',
      'azureopenai.PARAMS.top_p': '0.5',
      'azureopenai.PARAMS.max_tokens': '5',
      'azureopenai.PARAMS.stop': 'a,b',
    };
    expect(resolveFor(azureOpenAIProvider, chat).problems).toEqual([]);
    // The docs' template validates; create() then names the placeholder.
    const template = defineModel(azureOpenAIProvider, { ...seed, endpoint: 'https://<your-resource-name>.openai.azure.com/openai/deployments/<your-deployment-name>/embeddings?api-version=2024-06-01' }, {
      outputs: [col('response', FLOAT_ARRAY)],
    });
    expect(azureOpenAIProvider.checkSchema(template)).toEqual([]);
    expect(() => azureOpenAIProvider.create(template, { log: h.log })).toThrowError(expect.objectContaining({ code: 'PD4201', message: expect.stringContaining('<your-resource-name>') }));
  });

  it('reports a missing api-version, contradicting tasks and wrong columns', () => {
    const noVersion = chatModel({ endpoint: h.emu.url('gpt-4o-mini', 'chat', null) });
    expect(azureOpenAIProvider.checkSchema(noVersion).join()).toMatch(/api-version/);
    const contradiction = defineModel(azureOpenAIProvider, { endpoint: h.emu.url('gpt-4o-mini', 'chat'), 'api-key': KEY, task: 'embedding' }, { outputs: [col('v', FLOAT_ARRAY)] });
    expect(azureOpenAIProvider.checkSchema(contradiction).join()).toMatch(/contradicts the endpoint/);
    const chatArray = chatModel();
    expect(azureOpenAIProvider.checkSchema({ ...chatArray, outputs: [col('v', FLOAT_ARRAY)] }).join()).toMatch(/one STRING output/);
    expect(resolveFor(azureOpenAIProvider, { 'azureopenai.client_timeout': 'soon' }).problems.map((p) => p.message).join()).toMatch(/client-timeout/);
    expect(() => bind(noVersion)).toThrow(ProviderConfigError);
  });
});

describe('azureopenai provider: seed 003 SQL', () => {
  const SEED = [
    "CREATE CONNECTION azureopenai-cli-connection WITH ( 'type' = 'azureopenai', 'endpoint' = 'https://<your-resource-name>.openai.azure.com/openai/deployments/<your-deployment-name>/embeddings?api-version=2024-06-01', 'api-key' = '<your-azure-api-key>' );",
    "CREATE MODEL azure_embed INPUT (text STRING) OUTPUT (response ARRAY<FLOAT>) WITH ( 'azureopenai.connection'='azureopenai-cli-connection', 'provider'='azureopenai', 'task'='embedding' );",
  ].join('\n');
  const ctx = () => seedContext(azureOpenAIProvider);

  it('validates verbatim and runs with the placeholders filled in (endpoint pointed at the emulator)', async () => {
    expect(() => compileJob('seed-003.sql', SEED, ctx())).not.toThrow();
    const sql = SEED.replace('https://<your-resource-name>.openai.azure.com', h.emu.origin)
      .replace('<your-deployment-name>', 'text-embedding-3-small')
      .replace('<your-azure-api-key>', KEY);
    const model = compileJob('seed-003.sql', sql, ctx()).catalog.model('azure_embed')!;
    const fn = bind(model.definition);
    expect(expectOk(await fn.predict(['alien'], { signal: never() }))).toEqual([[defaultEmbedding('alien', 8)]]);
    expect(h.emu.recorded.at(-1)).toMatchObject({ query: { 'api-version': '2024-06-01' }, apiKey: KEY });
  });
});

describe('azureopenai provider: docs', () => {
  it('docs/providers-cloud.md carries the options table generated from the spec', async () => {
    expect(await cloudDocsOptionsBlock('azureopenai')).toBe(specToMarkdown(azureOpenAIProvider.spec));
  });
});
