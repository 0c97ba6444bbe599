import { describe, expect, it } from 'vitest';
import { compileJob } from '../../../src/daemon/compile-job.js';
import { azureMLProvider } from '../../../src/providers/azureml/azureml-provider.js';
import { specToMarkdown } from '../../../src/providers/spec-to-markdown.js';
import type { Column } from '../../../src/types/data-type.js';
import { AzureMLEmulator } from '../../emulators/azureml-emulator.js';
import { cloudDocsOptionsBlock, col, defineModel, DOUBLE, expectOk, never, seedContext, useProviderHarness } from '../helpers.js';

const KEY = 'azureml-key-0123456789abcdef';
const COLUMNS = ['age', 'sex', 'chol'];
const INT = { kind: 'INT', nullable: true } as const;
const FEATURES: Column[] = [col('age', INT), col('sex', INT), col('chol', DOUBLE)];

const h = useProviderHarness(azureMLProvider, () =>
  AzureMLEmulator.start({
    apiKeys: [KEY],
    deployments: {
      blue: { columns: COLUMNS, traffic: 100 },
      green: { columns: COLUMNS, traffic: 0, predict: (row) => ({ label: Number(row['chol']) > 200 ? 'high' : 'low', risk: Number(row['age']) / 100 }) },
    },
  }),
);
const { bind } = h;

function model(options: Record<string, string> = {}, shape: { inputs?: Column[]; outputs?: Column[] } = {}) {
  return defineModel(azureMLProvider, { provider: 'azureml', endpoint: h.emu.url(), 'api-key': KEY, ...options }, { inputs: shape.inputs ?? FEATURES, outputs: shape.outputs ?? [col('score', DOUBLE)] });
}

function chatModel(options: Record<string, string> = {}) {
  return defineModel(azureMLProvider, { provider: 'azureml', endpoint: h.emu.url('chat'), 'api-key': KEY, 'azureml.input_format': 'OPENAI-CHAT', ...options }, { inputs: [col('text')], outputs: [col('answer')] });
}

describe('azureml provider: scoring', () => {
  it('posts AZUREML-PANDAS-DATAFRAME (the default) with the bearer key and reads the predictions', async () => {
    const client = azureMLProvider.create(model(), { log: h.log });
    expect((await client.call([63, 1, 145.5], { signal: never() })).rows).toEqual([[209.5]]);
    const req = h.emu.recorded.at(-1)!;
    expect(req.path).toBe('/score');
    expect(req.body).toEqual({ input_data: { columns: COLUMNS, index: [0], data: [[63, 1, 145.5]] } });
    expect(req.headers).toMatchObject({ authorization: `Bearer ${KEY}`, 'content-type': 'application/json', accept: 'application/json' });
    expect(req.headers['azureml-model-deployment']).toBeUndefined();
    expect(client.quotaKey).not.toContain(KEY);
    await client.close?.();
  });

  it('pins a deployment with azureml.deployment_name and fills typed OUTPUT columns by name', async () => {
    const fn = bind(model({ 'azureml.deployment_name': 'green' }, { outputs: [col('label'), col('risk', DOUBLE)] }));
    expect(expectOk(await fn.predict([50, 0, 240], { signal: never() }))).toEqual([['high', 0.5]]);
    expect(h.emu.recorded.at(-1)!.headers['azureml-model-deployment']).toBe('green');
  });

  it('scores several rows in one request with max-batch-size, dropping all-NULL rows', async () => {
    const client = azureMLProvider.create(model({ 'max-batch-size': '4' }), { log: h.log });
    const responses = await client.callBatch!([[1, 1, 1], [null, null, null], [2, 0, 3]], { signal: never() });
    expect(responses.map((r) => r.rows)).toEqual([[[3]], [], [[5]]]);
    expect(h.emu.recorded.at(-1)!.body).toEqual({ input_data: { columns: COLUMNS, index: [0, 1], data: [[1, 1, 1], [2, 0, 3]] } });
    expect(h.emu.counters.requests).toBe(1);
    await client.close?.();
  });

  it('sends AZUREML-TENSOR bodies', async () => {
    await h.emu.close();
    h.emu = await AzureMLEmulator.start({ apiKeys: [KEY] });
    const vector = { kind: 'ARRAY', element: DOUBLE, nullable: true } as const;
    const fn = bind(model({ 'azureml.input_format': 'AZUREML-TENSOR' }, { inputs: [col('pixels', vector)] }));
    expect(expectOk(await fn.predict([[0.25, 0.5]], { signal: never() }))).toEqual([[0.75]]);
    expect(h.emu.recorded.at(-1)!.body).toEqual({ input_data: [[0.25, 0.5]] });
  });
});

describe('azureml provider: OPENAI-CHAT (AI Foundry pay-as-you-go)', () => {
  it('sends the openai chat body with the bearer key, deployment header, system prompt and PARAMS', async () => {
    const fn = bind(chatModel({ 'azureml.system_prompt': 'Translate to French.', 'azureml.PARAMS.temperature': '0.1', 'azureml.deployment_name': 'phi3' }));
    expect(expectOk(await fn.predict(['hello'], { signal: never() }))).toEqual([['echo: hello']]);
    const req = h.emu.recorded.at(-1)!;
    expect(req.path).toBe('/v1/chat/completions');
    expect(req.body).toEqual({ messages: [{ role: 'system', content: 'Translate to French.' }, { role: 'user', content: 'hello' }], temperature: 0.1 });
    expect(req.headers).toMatchObject({ authorization: `Bearer ${KEY}`, 'azureml-model-deployment': 'phi3' });
    expect(fn.stats().totalTokens).toBeGreaterThan(0);
  });

  it('adds /chat/completions to an endpoint given without it (the Target shown in the portal)', async () => {
    const fn = bind(chatModel({ endpoint: `${h.emu.origin}/v1` }));
    expectOk(await fn.predict(['x'], { signal: never() }));
    expect(h.emu.recorded.at(-1)!.path).toBe('/v1/chat/completions');
  });

  it('a bad key is a fatal 401 in the OpenAI error form', async () => {
    const outcome = await bind(chatModel({ 'api-key': 'wrong-key-0123456789' })).predict(['x'], { signal: never() });
    expect(outcome).toMatchObject({ ok: false, error: { kind: 'fatal', status: 401, attempts: 1 } });
  });
});

describe('azureml provider: errors', () => {
  it('a bad key is a fatal 401, not retried, and never logged', async () => {
    const fn = bind(model({ 'api-key': 'wrong-key-0123456789' }));
    const outcome = await fn.predict([1, 1, 1], { signal: never() });
    expect(outcome).toMatchObject({ ok: false, action: 'fail', error: { code: 'PD4203', kind: 'fatal', status: 401, attempts: 1 } });
    if (!outcome.ok) expect(outcome.error.message).toMatch(/Azure ML 401: Unauthorized/);
    expect(h.emu.counters.requests).toBe(1);
    expect(JSON.stringify(h.log.entries)).not.toContain('wrong-key-0123456789');
  });

  it('honours 429 "Too many pending requests" with Retry-After, then succeeds', async () => {
    h.emu.failNext(1, 429);
    const fn = bind(model());
    const started = Date.now();
    expect(expectOk(await fn.predict([1, 1, 1], { signal: never() }))).toEqual([[3]]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(fn.stats()).toMatchObject({ throttled: 1, retries: 1, succeeded: 1 });
  });

  it('rides out the endpoint rate limit without failing rows', async () => {
    await h.emu.close();
    h.emu = await AzureMLEmulator.start({ apiKeys: [KEY], rateLimit: { requests: 2, windowMs: 300 } });
    const fn = bind(model());
    const results = await Promise.all(Array.from({ length: 4 }, (_, i) => fn.predict([i, 0, 0], { signal: never() })));
    results.forEach((r, i) => expect(expectOk(r)).toEqual([[i]]));
    expect(h.emu.counters.byStatus[429]).toBeGreaterThan(0);
    expect(fn.stats().failed).toBe(0);
  });

  it('times out a hung attempt after azureml.client_timeout and retries it', async () => {
    h.emu.setLatency(1_000);
    const fn = bind(model({ 'azureml.client_timeout': '100ms', 'retry-num': '1' }));
    expect(await fn.predict([1, 1, 1], { signal: never() })).toMatchObject({ ok: false, error: { code: 'PD4204', kind: 'transient', attempts: 2 } });
  });

  it('an answer that does not fit the OUTPUT columns is malformed: retried, then the row goes', async () => {
    const fn = bind(model({ 'azureml.deployment_name': 'green', 'retry-num': '1', 'error-handling-strategy': 'IGNORE' }));
    const outcome = await fn.predict([50, 0, 240], { signal: never() });
    expect(outcome).toMatchObject({ ok: false, action: 'ignore', error: { code: 'PD4207', attempts: 2 } });
    if (!outcome.ok) expect(outcome.error.message).toMatch(/AZUREML-PANDAS-DATAFRAME: \$\[0\] should be a DOUBLE value, not an object/);
  });

  it('424: a signature mismatch (container 400) is fatal with its reason; a container 5xx is retried', async () => {
    const wrong = bind(model({}, { inputs: [col('age', INT), col('weight', DOUBLE), col('chol', DOUBLE)] }));
    const outcome = await wrong.predict([1, 2, 3], { signal: never() });
    expect(outcome).toMatchObject({ ok: false, error: { kind: 'fatal', status: 424, attempts: 1 } });
    if (!outcome.ok) expect(outcome.error.message).toMatch(/model container 400: Model is missing inputs \["sex"\]/);
    h.emu.failNext(1, 424);
    h.emu.failNext(1, 503);
    const fn = bind(model());
    expectOk(await fn.predict([1, 1, 1], { signal: never() }));
    expect(fn.stats()).toMatchObject({ transientErrors: 2, retries: 2, succeeded: 1 });
  });

  it('a deployment that does not exist is a fatal 404', async () => {
    const outcome = await bind(model({ 'azureml.deployment_name': 'red' })).predict([1, 1, 1], { signal: never() });
    expect(outcome).toMatchObject({ ok: false, error: { kind: 'fatal', status: 404 } });
  });
});

describe('azureml provider: options and schema', () => {
  const check = (opts: Record<string, string>, shape: { inputs?: Column[]; outputs?: Column[] } = {}) =>
    azureMLProvider
      .checkSchema(defineModel(azureMLProvider, { endpoint: 'https://ep.westeurope.inference.ml.azure.com/score', 'api-key': 'k', ...opts }, { inputs: shape.inputs ?? FEATURES, outputs: shape.outputs ?? [col('s', DOUBLE)] }))
      .join('; ');

  it('reports unknown formats, bad deployment names, chat columns and empty keys', () => {
    expect(check({})).toBe('');
    expect(check({ 'azureml.input_format': 'AZUREML-TABULAR' })).toMatch(/unknown azureml.input_format 'AZUREML-TABULAR'/);
    expect(check({ 'azureml.deployment_name': 'has space' })).toMatch(/not an Azure ML deployment name/);
    expect(check({ 'azureml.input_format': 'OPENAI-CHAT' })).toMatch(/OPENAI-CHAT format takes exactly one STRING input/);
    expect(check({ 'azureml.input_format': 'OPENAI-CHAT', task: 'embedding' }, { inputs: [col('t')], outputs: [col('o')] })).toMatch(/does not fit the OPENAI-CHAT format/);
    expect(check({ 'api-key': '' })).toMatch(/'api-key' is empty/);
    expect(check({ endpoint: 'ftp://x' })).toMatch(/http\(s\) URL/);
  });

  it('declares api-key secret', () => {
    expect(azureMLProvider.spec.options.filter((o) => o.secret).map((o) => o.key)).toEqual(['api-key']);
  });
});

describe('azureml provider: seed 003 SQL', () => {
  // Seed 003's Azure ML shapes: a CONNECTION with the REST endpoint and the key from
  // `az ml online-endpoint get-credentials`; an AI Foundry chat model on OPENAI-CHAT.
  const SEED = [
    "CREATE CONNECTION azureml-cli-connection WITH ( 'type' = 'azureml', 'endpoint' = 'https://<ENDPOINT_NAME>.<REGION>.inference.ml.azure.com/score', 'api-key' = '<your-api-key>' );",
    "CREATE MODEL heart_model INPUT (age INT, sex INT, chol DOUBLE) OUTPUT (score DOUBLE) WITH ( 'azureml.connection' = 'azureml-cli-connection', 'provider' = 'azureml', 'task' = 'regression', 'azureml.deployment_name' = 'blue' );",
    "CREATE CONNECTION azureml-chat-connection WITH ( 'type' = 'azureml', 'endpoint' = 'https://<DEPLOYMENT_NAME>.<REGION>.inference.ai.azure.com/v1/chat/completions', 'api-key' = '<your-api-key>' );",
    "CREATE MODEL foundry_chat INPUT (text STRING) OUTPUT (response STRING) WITH ( 'azureml.connection' = 'azureml-chat-connection', 'provider' = 'azureml', 'task' = 'text_generation', 'azureml.input_format' = 'OPENAI-CHAT', 'azureml.system_prompt' = 'translate text to chinese' );",
  ].join('\n');

  it('validates verbatim and runs with the placeholders filled in (endpoints pointed at the emulator)', async () => {
    expect(() => compileJob('seed-003.sql', SEED, seedContext(azureMLProvider))).not.toThrow();
    const sql = SEED.replace('https://<ENDPOINT_NAME>.<REGION>.inference.ml.azure.com/score', h.emu.url())
      .replace('https://<DEPLOYMENT_NAME>.<REGION>.inference.ai.azure.com/v1/chat/completions', h.emu.url('chat'))
      .replaceAll('<your-api-key>', KEY);
    const catalog = compileJob('seed-003.sql', sql, seedContext(azureMLProvider)).catalog;
    const heart = bind(catalog.model('heart_model')!.definition);
    expect(expectOk(await heart.predict([40, 1, 200], { signal: never() }))).toEqual([[241]]);
    expect(h.emu.recorded.at(-1)!.headers['azureml-model-deployment']).toBe('blue');
    const chat = bind(catalog.model('foundry_chat')!.definition);
    expect(expectOk(await chat.predict(['hello'], { signal: never() }))).toEqual([['echo: hello']]);
  });
});

describe('azureml provider: docs', () => {
  it('docs/providers-cloud.md carries the options table generated from the spec', async () => {
    expect(await cloudDocsOptionsBlock('azureml')).toBe(specToMarkdown(azureMLProvider.spec));
  });
});
