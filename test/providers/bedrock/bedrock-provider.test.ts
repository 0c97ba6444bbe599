import { describe, expect, it } from 'vitest';
import { bedrockProvider, compileBedrockConfig } from '../../../src/providers/bedrock/bedrock-provider.js';
import { providerView } from '../../../src/providers/structured-output.js';
import { compileJob } from '../../../src/daemon/compile-job.js';
import { specToMarkdown } from '../../../src/providers/spec-to-markdown.js';
import { BedrockEmulator } from '../../emulators/bedrock-emulator.js';
import { defaultEmbedding } from '../../emulators/openai-emulator.js';
import { cloudDocsOptionsBlock, col, defineModel, expectOk, FLOAT_ARRAY, never, resolveFor, seedContext, useProviderHarness } from '../helpers.js';

const KEY_ID = 'AKIDTEST0123';
const SECRET = 'bedrock-secret-0123456789abcdef';
const TOKEN = 'session-token-0123456789abcdef';
const CLAUDE = 'anthropic.claude-3-haiku-20240307-v1:0';
const TITAN_EMBED = 'amazon.titan-embed-text-v2:0';

const h = useProviderHarness(bedrockProvider, () =>
  BedrockEmulator.start({
    credentials: [{ accessKeyId: KEY_ID, secretAccessKey: SECRET, sessionToken: TOKEN }],
    respond: (r) => `${r.system ?? '-'} => ${r.user}`,
  }),
);
const { bind } = h;

const CREDS = { aws_access_key_id: KEY_ID, aws_secret_access_key: SECRET, aws_session_token: TOKEN };

function textModel(options: Record<string, string> = {}) {
  return defineModel(bedrockProvider, { provider: 'bedrock', endpoint: h.emu.url(CLAUDE), ...CREDS, ...options });
}

function embedModel(options: Record<string, string> = {}) {
  return defineModel(bedrockProvider, { provider: 'bedrock', endpoint: h.emu.url(TITAN_EMBED), ...CREDS, task: 'embedding', ...options }, { outputs: [col('response', FLOAT_ARRAY)] });
}

describe('bedrock provider: InvokeModel', () => {
  it('signs Anthropic Messages with SigV4 (emulator recomputes it) and maps text and usage', async () => {
    const client = bedrockProvider.create(textModel({ 'bedrock.system_prompt': 'Be brief.', 'bedrock.PARAMS.temperature': '0.2', 'bedrock.PARAMS.max_tokens': '50', stop: 'END' }), {
      log: h.log,
    });
    const response = await client.call(['hello'], { signal: never() });
    expect(response.rows).toEqual([['Be brief. => hello']]);
    expect(response.usage).toEqual({ promptTokens: 4, completionTokens: 5, totalTokens: 9 });
    expect(h.emu.counters.signaturesVerified).toBe(1);
    const req = h.emu.recorded.at(-1)!;
    expect(req.path).toBe('/model/anthropic.claude-3-haiku-20240307-v1%3A0/invoke');
    expect(req.headers['authorization']).toMatch(
      new RegExp(`^AWS4-HMAC-SHA256 Credential=${KEY_ID}/\\d{8}/us-east-1/bedrock/aws4_request, SignedHeaders=accept;content-type;host;x-amz-date;x-amz-security-token, Signature=[0-9a-f]{64}$`),
    );
    expect(req.headers['x-amz-security-token']).toBe(TOKEN);
    expect(req.headers['x-amz-content-sha256']).toBeUndefined();
    expect(req.body).toEqual({
      anthropic_version: 'bedrock-2023-05-31',
      max_tokens: 50,
      messages: [{ role: 'user', content: [{ type: 'text', text: 'hello' }] }],
      system: 'Be brief.',
      temperature: 0.2,
      stop_sequences: ['END'],
    });
    expect(client.quotaKey).not.toContain(SECRET);
  });

  it('sends Titan Embeddings one text per call and returns the vector with usage', async () => {
    const client = bedrockProvider.create(embedModel({ dimension: '256' }), { log: h.log });
    expect(client.maxBatchSize ?? 1).toBe(1);
    const response = await client.call(['alien'], { signal: never() });
    expect(response.rows).toEqual([[defaultEmbedding('alien', 256)]]);
    expect(response.usage).toEqual({ promptTokens: 2, completionTokens: 0, totalTokens: 2 });
    expect(h.emu.recorded.at(-1)!.body).toEqual({ inputText: 'alien', dimensions: 256 });
  });

  it('embeds concurrent rows through bindModel, each in its own request', async () => {
    const fn = bind(embedModel());
    const texts = ['alien', 'golden finger', 'license to kill', 'aliens'];
    const results = await Promise.all(texts.map((t) => fn.predict([t], { signal: never() })));
    results.forEach((r, i) => expect(expectOk(r)).toEqual([[defaultEmbedding(texts[i]!, 8)]]));
    expect(h.emu.counters).toMatchObject({ embeddingRequests: 4, signaturesVerified: 4 });
    expect(h.emu.counters.byStatus[400]).toBeUndefined();
  });

  it('builds Titan Text bodies (system prompt in front of the text) and reads results[0]', async () => {
    const client = bedrockProvider.create(
      defineModel(bedrockProvider, { endpoint: h.emu.url('amazon.titan-text-express-v1'), ...CREDS, 'system-prompt': 'Summarise.', 'top-p': '0.9', 'max-tokens': '64' }),
      { log: h.log },
    );
    const response = await client.call(['long text'], { signal: never() });
    expect(response.rows).toEqual([['- => Summarise.\n\nlong text']]);
    expect(h.emu.recorded.at(-1)!.body).toEqual({ inputText: 'Summarise.\n\nlong text', textGenerationConfig: { topP: 0.9, maxTokenCount: 64 } });
    expect(response.usage!.completionTokens).toBeGreaterThan(0);
  });

  it('works with a Bedrock API key (Bearer) instead of SigV4', async () => {
    await h.emu.close();
    h.emu = await BedrockEmulator.start({ apiKeys: ['br-api-key'] });
    const client = bedrockProvider.create(defineModel(bedrockProvider, { endpoint: h.emu.url(CLAUDE), 'api-key': 'br-api-key' }), { log: h.log });
    expect((await client.call(['x'], { signal: never() })).rows).toEqual([['echo: x']]);
    expect(h.emu.recorded.at(-1)!.headers['authorization']).toBe('Bearer br-api-key');
  });
});

describe('bedrock provider: Converse', () => {
  it('sends the Converse body and maps output.message and usage', async () => {
    const fn = bind(textModel({ endpoint: h.emu.url(CLAUDE, 'converse'), 'system-prompt': 'S', temperature: '0.5', 'top-k': '40' }));
    expect(expectOk(await fn.predict(['hi'], { signal: never() }))).toEqual([['S => hi']]);
    expect(h.emu.recorded.at(-1)!.body).toEqual({
      messages: [{ role: 'user', content: [{ text: 'hi' }] }],
      system: [{ text: 'S' }],
      inferenceConfig: { temperature: 0.5 },
      additionalModelRequestFields: { top_k: 40 },
    });
    expect(fn.stats().totalTokens).toBeGreaterThan(0);
  });
});

describe('bedrock provider: errors', () => {
  it('a wrong secret gets 403 InvalidSignatureException: fatal, not retried, secret never logged', async () => {
    const fn = bind(textModel({ aws_secret_access_key: 'wrong-secret-abcdefghijkl' }));
    const outcome = await fn.predict(['x'], { signal: never() });
    expect(outcome).toMatchObject({ ok: false, action: 'fail', error: { code: 'PD4203', kind: 'fatal', status: 403, attempts: 1 } });
    if (!outcome.ok) {
      expect(outcome.error.message).toMatch(/InvalidSignatureException/);
      // AWS quotes the canonical request, session token included: it is redacted.
      expect(outcome.error.message).toMatch(/x-amz-security-token:\*\*\*/);
      expect(outcome.error.message).not.toContain(TOKEN);
    }
    expect(h.emu.counters.requests).toBe(1);
    expect(h.emu.recorded.at(-1)!.errorType).toBe('InvalidSignatureException');
    expect(JSON.stringify(h.log.entries)).not.toContain('wrong-secret-abcdefghijkl');
  });

  it('an unknown key id or a wrong session token gets 403 UnrecognizedClientException', async () => {
    const unknown = bind(textModel({ aws_access_key_id: 'AKIDNOBODY' }));
    expect(await unknown.predict(['x'], { signal: never() })).toMatchObject({ ok: false, error: { kind: 'fatal', status: 403 } });
    const badToken = bind(textModel({ aws_session_token: 'expired' }));
    expect(await badToken.predict(['x'], { signal: never() })).toMatchObject({ ok: false, error: { kind: 'fatal', status: 403 } });
    expect(h.emu.recorded.map((r) => r.errorType)).toEqual(['UnrecognizedClientException', 'UnrecognizedClientException']);
  });

  it('signing for the wrong region is rejected (aws_region must match the service)', async () => {
    const fn = bind(textModel({ aws_region: 'eu-west-1' }));
    const outcome = await fn.predict(['x'], { signal: never() });
    expect(outcome).toMatchObject({ ok: false, error: { kind: 'fatal', status: 403 } });
    if (!outcome.ok) expect(outcome.error.message).toMatch(/scoped to a valid region/);
  });

  it('a clock more than 5 minutes off gets 403 Signature expired: fatal', async () => {
    await h.emu.close();
    h.emu = await BedrockEmulator.start({ credentials: [{ accessKeyId: KEY_ID, secretAccessKey: SECRET, sessionToken: TOKEN }], now: () => Date.now() + 3_600_000 });
    const outcome = await bind(textModel()).predict(['x'], { signal: never() });
    expect(outcome).toMatchObject({ ok: false, error: { kind: 'fatal', status: 403 } });
    if (!outcome.ok) expect(outcome.error.message).toMatch(/InvalidSignatureException: Signature expired/);
  });

  it('a connection failure is transient and retried', async () => {
    const url = h.emu.url(CLAUDE);
    await h.emu.close();
    const outcome = await bind(textModel({ endpoint: url, 'retry-num': '1' })).predict(['x'], { signal: never() });
    expect(outcome).toMatchObject({ ok: false, error: { code: 'PD4204', kind: 'transient', attempts: 2 } });
    if (!outcome.ok) expect(outcome.error.message).toMatch(/connection error/);
  });

  it('honours 429 ThrottlingException (throttled, limiter paused), then succeeds', async () => {
    h.emu.failNext(1, 429);
    const fn = bind(textModel());
    expectOk(await fn.predict(['x'], { signal: never() }));
    expect(fn.stats()).toMatchObject({ throttled: 1, retries: 1, succeeded: 1, transientErrors: 0 });
    expect(fn.stats().limiter?.throttles).toBe(1);
    expect(h.emu.counters.requests).toBe(2);
  });

  it('retries 503 ServiceUnavailable and 500 InternalServer, re-signing each attempt', async () => {
    h.emu.failNext(1, 503);
    h.emu.failNext(1, 500);
    const fn = bind(embedModel());
    expectOk(await fn.predict(['x'], { signal: never() }));
    expect(fn.stats()).toMatchObject({ transientErrors: 2, retries: 2, succeeded: 1 });
    expect(h.emu.counters.signaturesVerified).toBe(3);
  });

  it('treats AccessDenied and Validation as fatal', async () => {
    h.emu.failNext(1, 403);
    const fn = bind(textModel());
    expect(await fn.predict(['x'], { signal: never() })).toMatchObject({ ok: false, error: { kind: 'fatal', status: 403 } });
    expect(h.emu.recorded.at(-1)!.errorType).toBe('AccessDeniedException');
    const invalid = bind(textModel({ endpoint: h.emu.url('meta.llama3-8b-instruct-v1:0'), 'bedrock.input_format': 'ANTHROPIC-MESSAGES' }));
    expect(await invalid.predict(['x'], { signal: never() })).toMatchObject({ ok: false, error: { kind: 'fatal', status: 400 } });
  });
});

describe('bedrock provider: options and schema', () => {
  it('accepts the seed 003 model (CONNECTION merged) and detects formats from model ids', () => {
    const seed = {
      'bedrock.connection': 'bedrock-cli-connection',
      'bedrock.input_format': 'AMAZON-TITAN-EMBED',
      provider: 'bedrock',
      task: 'embedding',
      endpoint: 'https://bedrock-runtime.us-west-2.amazonaws.com/model/amazon.titan-embed-text-v1/invoke',
      ...CREDS,
    };
    expect(resolveFor(bedrockProvider, seed).problems).toEqual([]);
    const embed = { outputs: [col('response', FLOAT_ARRAY)] };
    expect(bedrockProvider.checkSchema(defineModel(bedrockProvider, seed, embed))).toEqual([]);
    // The docs' template with <REGION>/<MODEL_ID> validates; create() then names the placeholder.
    const template = defineModel(bedrockProvider, { ...seed, endpoint: 'https://bedrock-runtime.<REGION>.amazonaws.com/model/<MODEL_ID>/invoke' }, embed);
    expect(bedrockProvider.checkSchema(template)).toEqual([]);
    expect(() => bedrockProvider.create(template, { log: h.log })).toThrowError(expect.objectContaining({ code: 'PD4201', message: expect.stringContaining('<REGION>') }));
    // Format auto-detection, inference profiles included; Flink-style spellings.
    const claude = { endpoint: 'https://bedrock-runtime.eu-central-1.amazonaws.com/model/eu.anthropic.claude-3-5-sonnet-20240620-v1:0/invoke', 'aws-access-key-id': 'a', 'aws-secret-access-key': 'b', 'system-prompt': 'x', 'max-tokens': '10', 'top-p': '0.5' };
    expect(bedrockProvider.checkSchema(defineModel(bedrockProvider, claude))).toEqual([]);
    expect(bedrockProvider.checkSchema(defineModel(bedrockProvider, { ...claude, endpoint: claude.endpoint.replace('eu.anthropic.claude-3-5-sonnet-20240620-v1:0', 'amazon.titan-embed-text-v2:0') }, embed))).toEqual([]);
  });

  it('reports contradictions: format vs model, task vs format, region vs host, credentials, columns', () => {
    const host = 'https://bedrock-runtime.us-east-1.amazonaws.com';
    const check = (opts: Record<string, string>, shape = {}) => bedrockProvider.checkSchema(defineModel(bedrockProvider, { ...CREDS, ...opts }, shape)).join('; ');
    expect(check({ endpoint: `${host}/model/${CLAUDE}/invoke`, 'bedrock.input_format': 'AMAZON-TITAN-TEXT' })).toMatch(/does not fit model/);
    expect(check({ endpoint: `${host}/model/${CLAUDE}/invoke`, task: 'embedding' }, { outputs: [col('v', FLOAT_ARRAY)] })).toMatch(/does not fit the ANTHROPIC-MESSAGES format/);
    expect(check({ endpoint: `${host}/model/${CLAUDE}/invoke`, aws_region: 'eu-west-1' })).toMatch(/contradicts the endpoint host/);
    expect(check({ endpoint: `${host}/model/meta.llama3-8b-instruct-v1:0/invoke` })).toMatch(/set bedrock.input_format .* or use the model's \/converse endpoint/);
    expect(check({ endpoint: `${host}/model/${TITAN_EMBED}/converse` })).toMatch(/a text generation model|Converse/);
    expect(check({ endpoint: `${host}/model/amazon.titan-embed-text-v1/invoke`, dimension: '256' }, { outputs: [col('v', FLOAT_ARRAY)] })).toMatch(/Titan Embeddings V2/);
    expect(check({ endpoint: `${host}/foo` })).toMatch(/must end in \/model/);
    expect(check({ endpoint: `${host}/model/${CLAUDE}/invoke` }, { outputs: [col('v', FLOAT_ARRAY)] })).toMatch(/one STRING output/);
    // No credentials in the options: the AWS default chain serves them at the first call.
    expect(bedrockProvider.checkSchema(defineModel(bedrockProvider, { endpoint: `${host}/model/${CLAUDE}/invoke` }))).toEqual([]);
    expect(check({ endpoint: `${host}/model/${CLAUDE}/invoke`, aws_profile: 'prod' })).toMatch(/aws_profile .* not both/);
    expect(bedrockProvider.checkSchema(defineModel(bedrockProvider, { endpoint: `${host}/model/${CLAUDE}/invoke`, profile: 'prod', 'api-key': 'k' })).join()).toMatch(/either AWS credentials/);
    expect(bedrockProvider.checkSchema(defineModel(bedrockProvider, { endpoint: `${host}/model/${CLAUDE}/invoke`, aws_access_key_id: 'a' })).join()).toMatch(/both/);
  });
});

describe('bedrock provider: seed 003 SQL', () => {
  const SEED = [
    "CREATE CONNECTION bedrock-cli-connection WITH ( 'type' = 'bedrock', 'endpoint' = 'https://bedrock-runtime.<REGION>.amazonaws.com/model/<MODEL_ID>/invoke', 'aws_access_key_id' = '<your-aws-access-key-id>', 'aws_secret_access_key' = '<your-aws-secret-access-key>', 'aws_session_token' = '<your-aws-session-token>' );",
    "CREATE MODEL bedrock_embed INPUT (text STRING) OUTPUT (response ARRAY<FLOAT>) WITH ( 'bedrock.connection'='bedrock-cli-connection', 'bedrock.input_format'='AMAZON-TITAN-EMBED', 'provider'='bedrock', 'task'='embedding' );",
  ].join('\n');
  const ctx = () => seedContext(bedrockProvider);

  it('validates verbatim and runs with the placeholders filled in (endpoint pointed at the emulator)', async () => {
    expect(() => compileJob('seed-003.sql', SEED, ctx())).not.toThrow();
    const sql = SEED.replace('https://bedrock-runtime.<REGION>.amazonaws.com/model/<MODEL_ID>/invoke', h.emu.url('amazon.titan-embed-text-v1'))
      .replace('<your-aws-access-key-id>', KEY_ID)
      .replace('<your-aws-secret-access-key>', SECRET)
      .replace('<your-aws-session-token>', TOKEN);
    const model = compileJob('seed-003.sql', sql, ctx()).catalog.model('bedrock_embed')!;
    expect(model.definition.options.get('aws_secret_access_key')).toBe(SECRET);
    const fn = bind(model.definition);
    expect(expectOk(await fn.predict(['alien'], { signal: never() }))).toEqual([[defaultEmbedding('alien', 8)]]);
    expect(h.emu.counters.signaturesVerified).toBe(1);
  });
});

describe('bedrock provider: docs', () => {
  it('docs/providers-cloud.md carries the options table generated from the spec', async () => {
    expect(await cloudDocsOptionsBlock('bedrock')).toBe(specToMarkdown(bedrockProvider.spec));
  });
});

describe('bedrock provider: structured output', () => {
  it('has no schema field, so the schema goes in the system prompt, after the user one', () => {
    const model = defineModel(
      bedrockProvider,
      {
        provider: 'bedrock',
        endpoint: 'https://bedrock-runtime.us-east-1.amazonaws.com/model/anthropic.claude-3-haiku-20240307-v1:0/converse',
        aws_access_key_id: 'AKIDEXAMPLE',
        aws_secret_access_key: 'secret',
        'system-prompt': 'Rate credit risk.',
      },
      { outputs: [col('risk', { kind: 'DOUBLE', nullable: true }), col('reason')] },
    );
    const view = providerView(model, bedrockProvider);
    expect(view.problems).toEqual([]);
    expect(bedrockProvider.checkSchema(view.model)).toEqual([]);
    expect(compileBedrockConfig(view.model).generation.systemPrompt).toMatch(/^Rate credit risk\.\n\nAnswer with one JSON object and nothing else .*"required":\["risk","reason"\]/);
  });
});
