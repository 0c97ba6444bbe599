import { describe, expect, it } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileJob } from '../../../src/daemon/compile-job.js';
import { createDefaultRegistry } from '../../../src/daemon/default-registry.js';
import { modelSpecFor } from '../../../src/providers/index.js';
import { specToMarkdown } from '../../../src/providers/spec-to-markdown.js';
import { makeVertexAIProvider, vertexAIProvider } from '../../../src/providers/vertexai/vertexai-provider.js';
import type { ModelProviderFactory } from '../../../src/spi/model-provider.js';
import { defaultEmbedding } from '../../emulators/emulator-server.js';
import { VertexAIEmulator } from '../../emulators/vertexai-emulator.js';
import { cloudDocsOptionsBlock, col, defineModel, DOUBLE, expectOk, FLOAT_ARRAY, never, seedContext, steppedClock, STRING, useProviderHarness } from '../helpers.js';
import { testServiceAccount } from './vertexai-fixtures.js';

const SA = testServiceAccount();
/** A line from the middle of the private key: it must never show up anywhere. */
const KEY_FRAGMENT = SA.privateKeyPem.split('\n')[5]!;

const h = useProviderHarness(vertexAIProvider, () => VertexAIEmulator.start({ accounts: [SA.account], respond: (r) => `${r.system ?? '-'} => ${r.user}` }));
const { bind } = h;

function model(endpoint: string, options: Record<string, string> = {}, shape: Parameters<typeof defineModel>[2] = {}, factory: ModelProviderFactory = vertexAIProvider) {
  return defineModel(factory, { provider: 'vertexai', endpoint, 'service-key': SA.keyJson(h.emu.tokenUri), ...options }, shape);
}
const gemini = (options: Record<string, string> = {}) => model(h.emu.publisherUrl('gemini-2.0-flash', 'generateContent'), options);
const embedding = (options: Record<string, string> = {}, name = 'text-embedding-005') =>
  model(h.emu.publisherUrl(name, 'predict'), { task: 'embedding', ...options }, { outputs: [col('embedding', FLOAT_ARRAY)] });

describe('vertexai provider: Gemini generateContent', () => {
  it('sends the Gemini body with a Bearer token from the service account and maps text and usage', async () => {
    const client = vertexAIProvider.create(gemini({ 'vertexai.system_prompt': 'be brief', 'vertexai.PARAMS.temperature': '0.3', 'max-tokens': '50', stop: 'END' }), { log: h.log });
    const response = await client.call(['hello'], { signal: never() });
    expect(response.rows).toEqual([['be brief => hello']]);
    expect(response.usage).toMatchObject({ promptTokens: 4, totalTokens: expect.any(Number) });
    const req = h.emu.recorded.at(-1)!;
    expect(req.path).toBe('/v1/projects/test-project/locations/us-central1/publishers/google/models/gemini-2.0-flash:generateContent');
    expect(req.authorization).toMatch(/^Bearer ya29\.emu-/);
    expect(req.body).toEqual({
      contents: [{ role: 'user', parts: [{ text: 'hello' }] }],
      systemInstruction: { parts: [{ text: 'be brief' }] },
      generationConfig: { temperature: 0.3, maxOutputTokens: 50, stopSequences: ['END'] },
    });
    expect(client.quotaKey).toMatch(/^vertexai\|http:\/\/127\.0\.0\.1:\d+\/v1\/projects\/.*:generateContent\|sa:[0-9a-f]{12}$/);
    await client.close?.();
  });

  it('fetches one token for many concurrent calls and reuses it', async () => {
    const fn = bind(gemini());
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => fn.predict([`r${i}`], { signal: never() })));
    results.forEach((r, i) => expect(expectOk(r)).toEqual([[`- => r${i}`]]));
    expectOk(await fn.predict(['again'], { signal: never() }));
    expect(h.emu.counters).toMatchObject({ tokenRequests: 1, tokensIssued: 1, generateRequests: 21 });
  });
});

describe('vertexai provider: structured output', () => {
  it('sends typed OUTPUT columns as responseSchema and the framework reads the JSON answer', async () => {
    await h.emu.close();
    h.emu = await VertexAIEmulator.start({ accounts: [SA.account], respond: (r) => JSON.stringify({ risk: 0.5, reason: `about ${r.user}` }) });
    const fn = bind(model(h.emu.publisherUrl('gemini-2.0-flash', 'generateContent'), {}, { outputs: [col('risk', { kind: 'DOUBLE', nullable: false }), col('reason', STRING)] }));
    expect(expectOk(await fn.predict(['loans'], { signal: never() }))).toEqual([[0.5, 'about loans']]);
    expect((h.emu.recorded.at(-1)!.body as { generationConfig: unknown }).generationConfig).toMatchObject({ responseMimeType: 'application/json', responseSchema: { type: 'OBJECT' } });
  });
});

describe('vertexai provider: token lifetime', () => {
  it('refreshes a token shortly before it expires, on the injected clock', async () => {
    const clock = steppedClock();
    clock.advance(Date.now());
    await h.emu.close();
    h.emu = await VertexAIEmulator.start({ accounts: [SA.account], tokenLifetimeS: 100, now: clock.now });
    const client = makeVertexAIProvider({ clock }).create(gemini(), { log: h.log });
    await client.call(['a'], { signal: never() });
    clock.advance(80_000);
    await client.call(['b'], { signal: never() });
    expect(h.emu.counters.tokenRequests).toBe(1);
    // 100 s tokens are refreshed 10 s (a tenth of their life) before they expire.
    clock.advance(11_000);
    await client.call(['c'], { signal: never() });
    expect(h.emu.counters.tokenRequests).toBe(2);
    clock.advance(60_000);
    await client.call(['d'], { signal: never() });
    expect(h.emu.counters).toMatchObject({ tokenRequests: 2, generateRequests: 4, byStatus: { 200: 6 } });
    expect(h.emu.counters.byStatus[401]).toBeUndefined();
    await client.close?.();
  });

  it('a refused token (401) is dropped and the call sent once more with a fresh one, for all calls together', async () => {
    const fn = bind(gemini());
    expectOk(await fn.predict(['first'], { signal: never() }));
    h.emu.revokeTokens();
    const results = await Promise.all(Array.from({ length: 5 }, (_, i) => fn.predict([`r${i}`], { signal: never() })));
    results.forEach((r) => expectOk(r));
    expect(h.emu.counters.tokenRequests).toBe(2);
    expect(h.emu.counters.byStatus[401]).toBe(5);
    expect(fn.stats().retries).toBe(0);
  });

  it('a second 401 is fatal and not retried', async () => {
    h.emu.failNext(2, 401);
    const fn = bind(gemini());
    const outcome = await fn.predict(['x'], { signal: never() });
    expect(outcome).toMatchObject({ ok: false, action: 'fail', error: { code: 'PD4203', kind: 'fatal', status: 401, attempts: 1 } });
    expect(h.emu.counters.tokenRequests).toBe(2);
  });
});

describe('vertexai provider: text embeddings', () => {
  it('micro-batches rows into :predict instances with task_type and outputDimensionality', async () => {
    const fn = bind(embedding({ dimension: '6', 'embedding-task-type': 'RETRIEVAL_DOCUMENT' }));
    const texts = Array.from({ length: 300 }, (_, i) => `text ${i}`);
    const results = await Promise.all(texts.map((t) => fn.predict([t], { signal: never() })));
    results.forEach((r, i) => expect(expectOk(r)).toEqual([[defaultEmbedding(texts[i]!, 6)]]));
    const c = h.emu.counters;
    expect(c.instances).toBe(300);
    expect(c.largestBatch).toBeGreaterThan(1);
    expect(c.largestBatch).toBeLessThanOrEqual(250);
    expect(c.byStatus[400]).toBeUndefined();
    const body = h.emu.recorded.find((r) => r.path.endsWith(':predict'))!.body as { instances: unknown[]; parameters: unknown };
    expect(body.instances[0]).toEqual({ content: expect.stringMatching(/^text /), task_type: 'RETRIEVAL_DOCUMENT' });
    expect(body.parameters).toEqual({ outputDimensionality: 6 });
  });

  it('gemini-embedding-001 gets one instance per request', async () => {
    const fn = bind(embedding({}, 'gemini-embedding-001'));
    await Promise.all(['a', 'b', 'c'].map((t) => fn.predict([t], { signal: never() })));
    expect(h.emu.counters).toMatchObject({ predictRequests: 3, largestBatch: 1 });
  });
});

describe('vertexai provider: :embedContent', () => {
  it('sends one text per request with the Gemini body and reads embedding.values', async () => {
    const fn = bind(model(h.emu.publisherUrl('gemini-embedding-001', 'embedContent'), { dimension: '4', 'embedding-task-type': 'SEMANTIC_SIMILARITY' }, { outputs: [col('v', FLOAT_ARRAY)] }));
    const results = await Promise.all(['a', 'b'].map((t) => fn.predict([t], { signal: never() })));
    expect(results.map(expectOk)).toEqual([[[defaultEmbedding('a', 4)]], [[defaultEmbedding('b', 4)]]]);
    expect(h.emu.counters).toMatchObject({ predictRequests: 2, largestBatch: 1 });
    expect(h.emu.recorded.at(-1)!.body).toEqual({ content: { role: 'user', parts: [{ text: expect.any(String) }] }, taskType: 'SEMANTIC_SIMILARITY', outputDimensionality: 4 });
  });
});

describe('vertexai provider: custom endpoints (TF-SERVING)', () => {
  it('sends rows as instances and maps each prediction onto a typed OUTPUT column', async () => {
    await h.emu.close();
    h.emu = await VertexAIEmulator.start({ accounts: [SA.account], predict: (i) => (i as number[]).reduce((a, b) => a + b, 0) });
    const fn = bind(model(h.emu.endpointUrl('1234567890'), {}, { inputs: [col('features', { kind: 'ARRAY', element: DOUBLE, nullable: true })], outputs: [col('score', DOUBLE)] }));
    const results = await Promise.all([[1, 2], [3, 4.5], [10]].map((f) => fn.predict([f], { signal: never() })));
    expect(results.map(expectOk)).toEqual([[[3]], [[7.5]], [[10]]]);
    expect(h.emu.recorded.at(-1)!.body).toMatchObject({ instances: expect.arrayContaining([[10]]) });
  });

  it('several INPUT columns become a named instance; several OUTPUT columns read an object or an array', async () => {
    await h.emu.close();
    h.emu = await VertexAIEmulator.start({
      accounts: [SA.account],
      predict: (i) => {
        const { age, income } = i as { age: number; income: number };
        return age > 40 ? { label: 'gold', probability: income / 1000 } : ['basic', 0.25];
      },
    });
    const inputs = [col('age', { kind: 'INT', nullable: true }), col('income', DOUBLE)];
    const outputs = [col('label', STRING), col('probability', DOUBLE)];
    const fn = bind(model(h.emu.endpointUrl('1234567890'), { 'vertexai.input_format': 'KSERVE-V1', task: 'classification' }, { inputs, outputs }));
    expect(expectOk(await fn.predict([50, 900], { signal: never() }))).toEqual([['gold', 0.9]]);
    expect(expectOk(await fn.predict([20, 100], { signal: never() }))).toEqual([['basic', 0.25]]);
    expect((h.emu.recorded.at(-1)!.body as { instances: unknown[] }).instances).toEqual([{ age: 20, income: 100 }]);
  });

  it('a prediction that does not fit the OUTPUT columns is a row error after retries', async () => {
    await h.emu.close();
    h.emu = await VertexAIEmulator.start({ accounts: [SA.account], predict: () => 'not a number' });
    const fn = bind(model(h.emu.endpointUrl('1234567890'), { 'retry-num': '1', 'error-handling-strategy': 'IGNORE' }, { inputs: [col('x', DOUBLE)], outputs: [col('score', DOUBLE)] }));
    const outcome = await fn.predict([1], { signal: never() });
    expect(outcome).toMatchObject({ ok: false, action: 'ignore' });
  });
});

describe('vertexai provider: errors', () => {
  it('429 RESOURCE_EXHAUSTED waits Retry-After, then succeeds', async () => {
    h.emu.failNext(1, { status: 429, retryAfter: '1' });
    const fn = bind(gemini());
    const started = Date.now();
    expectOk(await fn.predict(['x'], { signal: never() }));
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(fn.stats()).toMatchObject({ throttled: 1, retries: 1, succeeded: 1 });
  });

  it('a hung attempt times out after vertexai.client_timeout and is retried', async () => {
    const fn = bind(gemini({ 'vertexai.client_timeout': '0.2', 'retry-num': '1' }));
    expectOk(await fn.predict(['warm'], { signal: never() }));
    h.emu.setLatency(1_500);
    const outcome = await fn.predict(['x'], { signal: never() });
    expect(outcome).toMatchObject({ ok: false, error: { code: 'PD4204', kind: 'transient', attempts: 2 } });
    if (!outcome.ok) expect(outcome.error.message).toMatch(/timed out after 200 ms/);
  });

  it('5xx is transient and retried; 403 PERMISSION_DENIED is fatal', async () => {
    h.emu.failNext(1, 503);
    h.emu.failNext(1, 500);
    const fn = bind(embedding());
    expectOk(await fn.predict(['x'], { signal: never() }));
    expect(fn.stats()).toMatchObject({ transientErrors: 2, retries: 2, succeeded: 1 });
    h.emu.failNext(1, 403);
    const outcome = await fn.predict(['y'], { signal: never() });
    expect(outcome).toMatchObject({ ok: false, error: { kind: 'fatal', status: 403 } });
    if (!outcome.ok) expect(outcome.error.message).toMatch(/Vertex AI 403 PERMISSION_DENIED/);
  });

  it('a key the token endpoint refuses is fatal with its reason, and no part of the key is printed', async () => {
    const impostor = testServiceAccount(SA.account.clientEmail, SA.account.keyId);
    const fn = bind(defineModel(vertexAIProvider, { provider: 'vertexai', endpoint: h.emu.publisherUrl('gemini-2.0-flash', 'generateContent'), 'service-key': impostor.keyJson(h.emu.tokenUri) }));
    const outcome = await fn.predict(['x'], { signal: never() });
    expect(outcome).toMatchObject({ ok: false, action: 'fail', error: { kind: 'fatal', attempts: 1 } });
    if (!outcome.ok) expect(outcome.error.message).toMatch(/token endpoint refused service account 'predictd-test@.*' \(400\): invalid_grant: Invalid JWT Signature/);
    expect(h.emu.counters).toMatchObject({ tokenRequests: 1, generateRequests: 0 });
    const printed = JSON.stringify(h.log.entries) + (outcome.ok ? '' : outcome.error.message);
    expect(printed).not.toContain(impostor.privateKeyPem.split('\n')[5]!);
    expect(printed).not.toContain(KEY_FRAGMENT);
  });

  it('an inline key that is not a service account key is reported at CREATE MODEL without quoting it', () => {
    const problems = vertexAIProvider.checkSchema(model(h.emu.publisherUrl('gemini-2.0-flash', 'generateContent'), { 'service-key': `{"type":"service_account","client_email":"a@b","private_key":"${KEY_FRAGMENT}"}` }));
    expect(problems.join('; ')).toMatch(/option 'service-key': the service account key's 'private_key' is not a readable PEM private key/);
    expect(problems.join('; ')).not.toContain(KEY_FRAGMENT);
  });
});

describe('vertexai provider: options and schema', () => {
  it('reports formats that contradict the endpoint, and wrong columns', () => {
    const check = (endpoint: string, opts: Record<string, string>, outputs = [col('o', STRING)]) => vertexAIProvider.checkSchema(model(endpoint, opts, { outputs })).join('; ');
    const gen = h.emu.publisherUrl('gemini-2.0-flash', 'generateContent');
    expect(check(gen, { 'vertexai.input_format': 'TF-SERVING' })).toMatch(/needs an endpoint ending in :predict/);
    expect(check(h.emu.endpointUrl('1', 'embedContent'), {}, [col('v', FLOAT_ARRAY)])).toMatch(/:embedContent needs a publisher model/);
    expect(check(h.emu.endpointUrl('1'), { 'vertexai.input_format': 'GEMINI-GENERATE' })).toMatch(/ending in :generateContent/);
    expect(check(h.emu.endpointUrl('1'), { 'vertexai.input_format': 'VERTEX-EMBED' })).toMatch(/needs a publisher model/);
    expect(check(gen, { task: 'embedding' })).toMatch(/contradicts the Gemini format/);
    expect(check(gen, {}, [col('v', FLOAT_ARRAY)])).toMatch(/one STRING output/);
    expect(check(h.emu.publisherUrl('text-embedding-005', 'predict'), {})).toMatch(/ARRAY<FLOAT>/);
    expect(check(h.emu.publisherUrl('gemini-2.0-flash', 'streamGenerateContent'), {})).toMatch(/not supported/);
    expect(check('https://us-central1-aiplatform.googleapis.com/v1/models/x:predict', {})).toMatch(/not a Vertex AI prediction URL/);
    expect(check(h.emu.endpointUrl('1'), {}, [col('a', DOUBLE)])).toBe('');
  });

  it('without a service key, reads GOOGLE_APPLICATION_CREDENTIALS (a service account key file)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'predictd-adc-'));
    try {
      const file = join(dir, 'key.json');
      await writeFile(file, SA.keyJson(h.emu.tokenUri));
      const factory = makeVertexAIProvider({ env: { GOOGLE_APPLICATION_CREDENTIALS: file } });
      const definition = defineModel(factory, { provider: 'vertexai', endpoint: h.emu.publisherUrl('gemini-2.0-flash', 'generateContent') });
      const client = factory.create(definition, { log: h.log });
      expect((await client.call(['adc'], { signal: never() })).rows).toEqual([['- => adc']]);
      expect(h.emu.counters.tokenRequests).toBe(1);
      await client.close?.();
      const missing = makeVertexAIProvider({ env: { GOOGLE_APPLICATION_CREDENTIALS: join(dir, 'absent.json') } });
      expect(() => missing.create(definition, { log: h.log })).toThrow(/GOOGLE_APPLICATION_CREDENTIALS names '.*absent\.json', which cannot be read \(ENOENT\)/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('vertexai provider: seed 003 SQL', () => {
  const SEED = [
    "CREATE CONNECTION vertexai-cli-connection WITH ( 'type' = 'vertexai', 'endpoint' = 'https://<REGION>-aiplatform.googleapis.com/v1/projects/<PROJECT_ID>/locations/<REGION>/publishers/google/models/gemini-2.0-flash:generateContent', 'service-key' = '<your-service-key>' );",
    "CREATE MODEL vertexai_text INPUT (`text` VARCHAR(2147483647)) OUTPUT (`output` VARCHAR(2147483647)) WITH ( 'vertexai.connection' = 'vertexai-cli-connection', 'vertexai.input_format' = 'GEMINI-GENERATE', 'vertexai.system_prompt' = 'translate text to chinese', 'vertexai.client_timeout' = '30', 'provider' = 'vertexai', 'task' = 'text_generation' );",
  ].join('\n');

  it('validates verbatim and runs with the endpoint and key filled in', async () => {
    expect(() => compileJob('seed-003.sql', SEED, seedContext(vertexAIProvider))).not.toThrow();
    const sql = SEED.replace(/https:\/\/<REGION>-aiplatform\.googleapis\.com\/v1\/projects\/<PROJECT_ID>\/locations\/<REGION>/, `${h.emu.origin}/v1/projects/test-project/locations/us-central1`).replace(
      '<your-service-key>',
      SA.keyJson(h.emu.tokenUri),
    );
    const entry = compileJob('seed-003.sql', sql, seedContext(vertexAIProvider)).catalog.model('vertexai_text')!;
    expect(expectOk(await bind(entry.definition).predict(['hello'], { signal: never() }))).toEqual([['translate text to chinese => hello']]);
  });

  it('SHOW CREATE and errors never print the service key', () => {
    const key = SA.keyJson('https://oauth2.googleapis.com/token').replace(/'/g, "''");
    const sql = `${SEED.replace("'<your-service-key>'", `'${key}'`)}\nSHOW CREATE CONNECTION vertexai-cli-connection;\nSHOW CREATE MODEL vertexai_text;`;
    const plan = compileJob('seed-003.sql', sql, { registry: createDefaultRegistry(), modelSpec: modelSpecFor, defaultKafkaBootstrap: '' });
    const shown = JSON.stringify(plan.shown);
    expect(shown).toContain("'service-key' = '***'");
    expect(shown).not.toContain(KEY_FRAGMENT);
    let message = '';
    try {
      compileJob('bad.sql', `${sql}\nCREATE MODEL m2 INPUT (t STRING) OUTPUT (o STRING) WITH ('provider' = 'vertexai', 'endpoint' = 'x', 'service-key' = '${key}', 'modle' = 'y');`, {
        registry: createDefaultRegistry(),
        modelSpec: modelSpecFor,
        defaultKafkaBootstrap: '',
      });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain("unknown option 'modle'");
    expect(message).not.toContain(KEY_FRAGMENT);
  });
});

describe('vertexai provider: docs', () => {
  it('docs/providers-cloud.md carries the options table generated from the spec', async () => {
    expect(await cloudDocsOptionsBlock('vertexai')).toBe(specToMarkdown(vertexAIProvider.spec));
  });
});
