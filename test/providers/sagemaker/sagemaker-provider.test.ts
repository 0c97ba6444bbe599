import { describe, expect, it } from 'vitest';
import { compileJob } from '../../../src/daemon/compile-job.js';
import { specToMarkdown } from '../../../src/providers/spec-to-markdown.js';
import { compileSageMakerConfig, sagemakerProvider } from '../../../src/providers/sagemaker/sagemaker-provider.js';
import type { Column } from '../../../src/types/data-type.js';
import { SageMakerEmulator } from '../../emulators/sagemaker-emulator.js';
import { cloudDocsOptionsBlock, col, defineModel, DOUBLE, expectOk, never, resolveFor, seedContext, useProviderHarness } from '../helpers.js';

const KEY_ID = 'AKIDSAGEMAKER01';
const SECRET = 'sagemaker-secret-0123456789abcdef';
const TOKEN = 'sagemaker-session-token-0123456789';
const ENDPOINT = 'churn-xgb';

const h = useProviderHarness(sagemakerProvider, () =>
  SageMakerEmulator.start({ credentials: [{ accessKeyId: KEY_ID, secretAccessKey: SECRET, sessionToken: TOKEN }], endpoints: [ENDPOINT, 'llm'] }),
);
const { bind } = h;

const CREDS = { aws_access_key_id: KEY_ID, aws_secret_access_key: SECRET, aws_session_token: TOKEN };
const INT = { kind: 'INT', nullable: true } as const;
const FEATURES: Column[] = [col('age', INT), col('income', DOUBLE), col('visits', INT)];

function model(options: Record<string, string> = {}, shape: { inputs?: Column[]; outputs?: Column[] } = {}) {
  return defineModel(sagemakerProvider, { provider: 'sagemaker', endpoint: h.emu.url(ENDPOINT), ...CREDS, ...options }, {
    inputs: shape.inputs ?? FEATURES,
    outputs: shape.outputs ?? [col('score', DOUBLE)],
  });
}

describe('sagemaker provider: InvokeEndpoint', () => {
  it('sends CSV (the default) signed with SigV4 for service sagemaker, and reads the CSV answer', async () => {
    const client = sagemakerProvider.create(model(), { log: h.log });
    expect((await client.call([41, 1000.5, 3], { signal: never() })).rows).toEqual([[1044.5]]);
    expect(h.emu.counters.signaturesVerified).toBe(1);
    const req = h.emu.recorded.at(-1)!;
    expect(req.path).toBe(`/endpoints/${ENDPOINT}/invocations`);
    expect(req.body).toBe('41,1000.5,3\n');
    expect(req.headers).toMatchObject({ 'content-type': 'text/csv', accept: 'text/csv', 'x-amz-security-token': TOKEN });
    expect(req.headers['authorization']).toMatch(
      new RegExp(`^AWS4-HMAC-SHA256 Credential=${KEY_ID}/\\d{8}/us-east-1/sagemaker/aws4_request, SignedHeaders=accept;content-type;host;x-amz-date;x-amz-security-token, Signature=[0-9a-f]{64}$`),
    );
    expect(client.quotaKey).not.toContain(SECRET);
    await client.close?.();
  });

  it('sends the InvokeEndpoint member headers, signed, and content types from the options', async () => {
    const fn = bind(
      model({
        'sagemaker.input_format': 'JSON',
        'sagemaker.input_content_type': 'application/json; charset=utf-8',
        'sagemaker.output_content_type': 'application/json',
        'sagemaker.custom_attributes': 'accept_eula=true',
        'sagemaker.inference_component_name': 'churn-ic-1',
        'sagemaker.target_variant': 'blue',
        'sagemaker.target_model': 'model-a.tar.gz',
        'sagemaker.target_container_hostname': 'c1',
        'sagemaker.inference_id': 'run-7',
        'sagemaker.enable_explanations': '`true`',
      }),
    );
    expect(expectOk(await fn.predict([40, 2, 1], { signal: never() }))).toEqual([[43]]);
    const req = h.emu.recorded.at(-1)!;
    expect(JSON.parse(req.body)).toEqual({ age: 40, income: 2, visits: 1 });
    expect(req.headers).toMatchObject({
      'content-type': 'application/json; charset=utf-8',
      accept: 'application/json',
      'x-amzn-sagemaker-custom-attributes': 'accept_eula=true',
      'x-amzn-sagemaker-inference-component': 'churn-ic-1',
      'x-amzn-sagemaker-target-variant': 'blue',
      'x-amzn-sagemaker-target-model': 'model-a.tar.gz',
      'x-amzn-sagemaker-target-container-hostname': 'c1',
      'x-amzn-sagemaker-inference-id': 'run-7',
      'x-amzn-sagemaker-enable-explanations': '`true`',
    });
    expect(req.headers['authorization']).toMatch(/SignedHeaders=accept;content-type;host;x-amz-date;x-amz-security-token;x-amzn-sagemaker-custom-attributes;x-amzn-sagemaker-enable-explanations;/);
    expect(h.emu.counters.signaturesVerified).toBe(1);
  });

  it('batches rows in one request with max-batch-size (TF-SERVING instances -> predictions)', async () => {
    const client = sagemakerProvider.create(model({ 'sagemaker.input_format': 'TF-SERVING', 'max-batch-size': '8' }), { log: h.log });
    expect(client.maxBatchSize).toBe(8);
    const responses = await client.callBatch!([[1, 2, 3], [null, null, null], [10, 0.5, 1]], { signal: never() });
    expect(responses.map((r) => r.rows)).toEqual([[[6]], [], [[11.5]]]);
    expect(JSON.parse(h.emu.recorded.at(-1)!.body)).toEqual({ instances: [[1, 2, 3], [10, 0.5, 1]] });
    expect(h.emu.counters.requests).toBe(1);
    await client.close?.();
  });

  it('speaks TRITON (KServe v2 tensors) and reads the output tensor by name', async () => {
    const fn = bind(model({ 'sagemaker.input_format': 'KSERVE-V2' }));
    expect(expectOk(await fn.predict([1, 2.5, 3], { signal: never() }))).toEqual([[6.5]]);
    expect(JSON.parse(h.emu.recorded.at(-1)!.body).inputs[0]).toEqual({ name: 'age', shape: [1], datatype: 'INT32', data: [1] });
  });

  it('runs OPENAI-CHAT containers with the openai chat body, system prompt and PARAMS, usage counted', async () => {
    const chat = defineModel(
      sagemakerProvider,
      { provider: 'sagemaker', endpoint: h.emu.url('llm'), ...CREDS, 'sagemaker.input_format': 'OPENAI-CHAT', 'sagemaker.system_prompt': 'Be brief.', 'sagemaker.PARAMS.max_tokens': '20' },
      { inputs: [col('text')], outputs: [col('answer')] },
    );
    // max-context-size counts the system prompt the client sends with every row.
    expect(sagemakerProvider.create(chat, { log: h.log }).systemPrompt).toBe('Be brief.');
    expect(sagemakerProvider.create(model(), { log: h.log }).systemPrompt).toBeUndefined();
    const fn = bind(chat);
    expect(expectOk(await fn.predict(['hello'], { signal: never() }))).toEqual([['echo: hello']]);
    expect(JSON.parse(h.emu.recorded.at(-1)!.body)).toEqual({
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'hello' },
      ],
      max_tokens: 20,
    });
    expect(fn.stats().totalTokens).toBeGreaterThan(0);
  });
});

describe('sagemaker provider: errors', () => {
  it('a wrong secret gets 403 InvalidSignatureException: fatal, not retried, no secret in errors or logs', async () => {
    const fn = bind(model({ aws_secret_access_key: 'wrong-secret-abcdefghijkl' }));
    const outcome = await fn.predict([1, 2, 3], { signal: never() });
    expect(outcome).toMatchObject({ ok: false, action: 'fail', error: { code: 'PD4203', kind: 'fatal', status: 403, attempts: 1 } });
    if (!outcome.ok) {
      expect(outcome.error.message).toMatch(/SageMaker 403 InvalidSignatureException/);
      expect(outcome.error.message).not.toContain(TOKEN);
    }
    expect(h.emu.counters.requests).toBe(1);
    expect(JSON.stringify(h.log.entries)).not.toContain('wrong-secret-abcdefghijkl');
  });

  it('honours 429 with Retry-After (limiter paused), then succeeds', async () => {
    h.emu.failNext(1, { status: 429, code: 'ThrottlingException', message: 'Rate exceeded', headers: { 'Retry-After': '1' } });
    const fn = bind(model());
    const started = Date.now();
    expect(expectOk(await fn.predict([1, 2, 3], { signal: never() }))).toEqual([[6]]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(fn.stats()).toMatchObject({ throttled: 1, retries: 1, succeeded: 1 });
    expect(h.emu.counters.requests).toBe(2);
  });

  it("treats SageMaker's 400 ThrottlingException ({\"message\": null}) as throttling, not as a bad request", async () => {
    await h.emu.close();
    h.emu = await SageMakerEmulator.start({ credentials: [{ accessKeyId: KEY_ID, secretAccessKey: SECRET, sessionToken: TOKEN }], rateLimit: { requests: 2, windowMs: 300 } });
    const fn = bind(model());
    const results = await Promise.all(Array.from({ length: 5 }, (_, i) => fn.predict([i, 0, 0], { signal: never() })));
    results.forEach((r, i) => expect(expectOk(r)).toEqual([[i]]));
    expect(h.emu.counters.throttled).toBeGreaterThan(0);
    expect(h.emu.recorded.find((r) => r.errorType === 'ThrottlingException')?.status).toBe(400);
    expect(fn.stats()).toMatchObject({ failed: 0 });
    expect(fn.stats().throttled).toBeGreaterThan(0);
  });

  it('times out a hung attempt after sagemaker.client_timeout and retries it', async () => {
    h.emu.setLatency(1_000);
    const fn = bind(model({ 'sagemaker.client_timeout': '100ms', 'retry-num': '1' }));
    expect(await fn.predict([1, 2, 3], { signal: never() })).toMatchObject({ ok: false, error: { code: 'PD4204', kind: 'transient', attempts: 2 } });
  });

  it('an answer that does not fit the OUTPUT columns is malformed: retried, then the row fails', async () => {
    await h.emu.close();
    h.emu = await SageMakerEmulator.start({ credentials: [{ accessKeyId: KEY_ID, secretAccessKey: SECRET, sessionToken: TOKEN }], respond: () => ({ contentType: 'text/csv', body: 'not-a-number\n' }) });
    const fn = bind(model({ 'retry-num': '1', 'error-handling-strategy': 'IGNORE' }));
    const outcome = await fn.predict([1, 2, 3], { signal: never() });
    expect(outcome).toMatchObject({ ok: false, action: 'ignore', error: { code: 'PD4207', attempts: 2 } });
    if (!outcome.ok) expect(outcome.error.message).toMatch(/CSV: line 1 = "not-a-number" does not fit DOUBLE/);
  });

  it('ModelError 424: the container status decides (4xx fatal, 5xx retried); 5xx and 530 are transient', async () => {
    h.emu.failNext(1, { status: 424, extra: { OriginalStatusCode: 400, OriginalMessage: 'bad feature count' }, message: 'Received client error (400) from primary' });
    const fatal = await bind(model()).predict([1, 2, 3], { signal: never() });
    expect(fatal).toMatchObject({ ok: false, error: { kind: 'fatal', status: 424 } });
    if (!fatal.ok) expect(fatal.error.message).toMatch(/ModelError: Received client error \(400\) from primary \(container 400: bad feature count\)/);
    h.emu.failNext(1, { status: 424, extra: { OriginalStatusCode: 500 } });
    h.emu.failNext(1, 530);
    h.emu.failNext(1, 503);
    const fn = bind(model());
    expect(expectOk(await fn.predict([1, 2, 3], { signal: never() }))).toEqual([[6]]);
    expect(fn.stats()).toMatchObject({ transientErrors: 3, retries: 3, succeeded: 1 });
  });

  it('an unknown endpoint is a fatal 400 ValidationError', async () => {
    const fn = bind(model({ endpoint: h.emu.url('nope') }));
    const outcome = await fn.predict([1, 2, 3], { signal: never() });
    expect(outcome).toMatchObject({ ok: false, error: { kind: 'fatal', status: 400 } });
    if (!outcome.ok) expect(outcome.error.message).toMatch(/ValidationError: Endpoint nope of account/);
  });
});

describe('sagemaker provider: options and schema', () => {
  const AWS = 'https://runtime.sagemaker.eu-west-1.amazonaws.com/endpoints/churn-xgb/invocations';
  const check = (opts: Record<string, string>, shape: { inputs?: Column[]; outputs?: Column[] } = {}) =>
    sagemakerProvider.checkSchema(defineModel(sagemakerProvider, { endpoint: AWS, ...CREDS, ...opts }, { inputs: shape.inputs ?? FEATURES, outputs: shape.outputs ?? [col('score', DOUBLE)] })).join('; ');

  it('reads the region from the host and signs with it; Flink-style spellings are aliases', () => {
    const config = compileSageMakerConfig(defineModel(sagemakerProvider, { endpoint: AWS, 'aws-access-key-id': 'a', 'aws-secret-access-key': 'b', 'input-format': 'json' }, { inputs: FEATURES, outputs: [col('s', DOUBLE)] }));
    expect(config).toMatchObject({ region: 'eu-west-1', endpointName: 'churn-xgb', accept: 'application/json', contentType: undefined });
    expect(config.model.input.name).toBe('JSON');
  });

  it('reports unknown formats (with a hint), bad endpoints, contradictions, credentials and header limits', () => {
    expect(check({ 'sagemaker.input_format': 'TF-SERVNG' })).toMatch(/unknown sagemaker.input_format 'TF-SERVNG'; did you mean 'TF-SERVING'\?/);
    expect(check({ endpoint: 'https://runtime.sagemaker.eu-west-1.amazonaws.com/models/x' })).toMatch(/must end in \/endpoints\/<endpoint name>\/invocations/);
    expect(check({ endpoint: AWS.replace('churn-xgb', 'bad_name') })).toMatch(/not a SageMaker endpoint name/);
    expect(check({ aws_region: 'us-east-1' })).toMatch(/contradicts the endpoint host/);
    expect(check({ 'sagemaker.inference_component_name': 'x'.repeat(64) })).toMatch(/1 to 63 printable ASCII/);
    expect(check({ 'sagemaker.input_format': 'OPENAI-CHAT' })).toMatch(/OPENAI-CHAT format takes exactly one STRING input/);
    expect(check({ 'sagemaker.input_format': 'OPENAI-CHAT', 'sagemaker.output_format': 'JSON' }, { inputs: [col('t')], outputs: [col('o')] })).toMatch(/do not pair/);
    // No keys: the AWS default chain finds credentials when the client first signs; not a bind problem.
    const noKeys = sagemakerProvider.checkSchema(defineModel(sagemakerProvider, { endpoint: AWS }, { inputs: FEATURES, outputs: [col('s', DOUBLE)] }));
    expect(noKeys).toEqual([]);
    expect(check({ aws_profile: 'prod' })).toMatch(/aws_profile picks credentials of the AWS default chain: give it or the static keys, not both/);
    const halfKeys = sagemakerProvider.checkSchema(defineModel(sagemakerProvider, { endpoint: AWS, aws_access_key_id: 'AKIA' }, { inputs: FEATURES, outputs: [col('s', DOUBLE)] })).join();
    expect(halfKeys).toMatch(/needs both aws_access_key_id and aws_secret_access_key/);
    expect(check({ aws_access_key_id: '' })).toMatch(/'aws_access_key_id' is empty/);
  });

  it('declares the AWS keys secret', () => {
    const secrets = sagemakerProvider.spec.options.filter((o) => o.secret).map((o) => o.key);
    expect(secrets).toEqual(['aws_access_key_id', 'aws_secret_access_key', 'aws_session_token']);
    expect(sagemakerProvider.spec.options.find((o) => o.key === 'aws_secret_access_key')!.aliases).toContain('aws-secret-access-key');
  });
});

describe('sagemaker provider: seed 003 SQL', () => {
  // Seed 003's CONNECTION and model shapes for SageMaker: the endpoint page's URL and the AWS keys
  // in a connection, the content types and an inference component on the model.
  const SEED = [
    "CREATE CONNECTION sagemaker-cli-connection WITH ( 'type' = 'sagemaker', 'endpoint' = 'https://runtime.sagemaker.<REGION>.amazonaws.com/endpoints/<ENDPOINT_NAME>/invocations', 'aws_access_key_id' = '<your-aws-access-key-id>', 'aws_secret_access_key' = '<your-aws-secret-access-key>', 'aws_session_token' = '<your-aws-session-token>' );",
    "CREATE MODEL churn_model INPUT (age INT, income DOUBLE, visits INT) OUTPUT (score DOUBLE) WITH ( 'sagemaker.connection' = 'sagemaker-cli-connection', 'provider' = 'sagemaker', 'task' = 'classification', 'sagemaker.input_content_type' = 'text/csv', 'sagemaker.output_content_type' = 'text/csv', 'sagemaker.inference_component_name' = 'churn-ic-1' );",
  ].join('\n');

  it('validates verbatim and runs with the placeholders filled in (endpoint pointed at the emulator)', async () => {
    expect(() => compileJob('seed-003.sql', SEED, seedContext(sagemakerProvider))).not.toThrow();
    const sql = SEED.replace('https://runtime.sagemaker.<REGION>.amazonaws.com/endpoints/<ENDPOINT_NAME>/invocations', h.emu.url(ENDPOINT))
      .replace('<your-aws-access-key-id>', KEY_ID)
      .replace('<your-aws-secret-access-key>', SECRET)
      .replace('<your-aws-session-token>', TOKEN);
    const entry = compileJob('seed-003.sql', sql, seedContext(sagemakerProvider)).catalog.model('churn_model')!;
    const fn = bind(entry.definition);
    expect(expectOk(await fn.predict([30, 1.5, 2], { signal: never() }))).toEqual([[33.5]]);
    expect(h.emu.recorded.at(-1)!.headers['x-amzn-sagemaker-inference-component']).toBe('churn-ic-1');
    expect(h.emu.counters.signaturesVerified).toBe(1);
  });

  it('resolves the Confluent option spellings without problems', () => {
    expect(resolveFor(sagemakerProvider, { 'sagemaker.connection': 'c', 'sagemaker.input_format': 'CSV', 'sagemaker.output_format': 'JSON', 'sagemaker.client_timeout': '30', endpoint: 'x' }).problems).toEqual([]);
  });
});

describe('sagemaker provider: docs', () => {
  it('docs/providers-cloud.md carries the options table generated from the spec', async () => {
    expect(await cloudDocsOptionsBlock('sagemaker')).toBe(specToMarkdown(sagemakerProvider.spec));
  });
});
