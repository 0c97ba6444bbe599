import { describe, expect, it } from 'vitest';
import { ModelPredictError, ProviderConfigError, openAIProvider } from '../../src/providers/index.js';
import { compileConfig } from '../../src/providers/openai/openai-provider.js';
import { chatBody } from '../../src/providers/openai/chat-body.js';
import { providerView } from '../../src/providers/structured-output.js';
import { defaultEmbedding, OpenAIEmulator } from '../emulators/openai-emulator.js';
import { compileJob } from '../../src/daemon/compile-job.js';
import { col, defineModel, expectOk, FLOAT_ARRAY, never, seedContext, useProviderHarness } from './helpers.js';

const KEY = 'sk-test-0123456789abcdef';

const h = useProviderHarness(openAIProvider, () => OpenAIEmulator.start({ apiKeys: [KEY], respond: (r) => `${r.system ?? '-'} => ${r.user}` }));
const { bind } = h;

function chatModel(options: Record<string, string> = {}, shape = {}) {
  return defineModel(openAIProvider, {
    provider: 'openai',
    endpoint: h.emu.url('/v1/chat/completions'),
    'api-key': KEY,
    model: 'gpt-test',
    ...options,
  }, shape);
}

function embeddingModel(options: Record<string, string> = {}) {
  return defineModel(
    openAIProvider,
    { provider: 'openai', endpoint: h.emu.url('/v1/embeddings'), 'api-key': KEY, model: 'text-embedding-3-small', ...options },
    { outputs: [col('embedding', FLOAT_ARRAY)] },
  );
}

describe('openai provider: chat', () => {
  it('sends one system and one user message per row and maps content and usage', async () => {
    const fn = bind(chatModel({ 'system-prompt': 'Classify.', temperature: '0.2', 'top-p': '0.9', stop: 'END,STOP', 'max-tokens': '16', seed: '7' }));
    const rows = expectOk(await fn.predict(['I love it'], { signal: never() }));
    expect(rows).toEqual([['Classify. => I love it']]);
    const req = h.emu.recorded.at(-1)!;
    expect(req.authorization).toBe(`Bearer ${KEY}`);
    expect(req.body).toMatchObject({
      model: 'gpt-test',
      messages: [
        { role: 'system', content: 'Classify.' },
        { role: 'user', content: 'I love it' },
      ],
      temperature: 0.2,
      top_p: 0.9,
      stop: ['END', 'STOP'],
      max_tokens: 16,
      seed: 7,
    });
    const s = fn.stats();
    expect(s).toMatchObject({ rows: 1, requests: 1, succeeded: 1, retries: 0 });
    expect(s.totalTokens).toBeGreaterThan(0);
    expect(s.totalTokens).toBe(s.promptTokens + s.completionTokens);
  });

  it('uses the default system prompt and turns n choices into n rows', async () => {
    const fn = bind(chatModel({ n: '3' }));
    const rows = expectOk(await fn.predict(['hi'], { signal: never() }));
    expect(rows).toEqual([
      ['You are a helpful assistant. => hi'],
      ['You are a helpful assistant. => hi'],
      ['You are a helpful assistant. => hi'],
    ]);
  });

  it('answers row-specific text (keyword sentiment) for many concurrent rows', async () => {
    await h.emu.close();
    h.emu = await OpenAIEmulator.start({ apiKeys: [KEY], latencyMs: 20, respond: (r) => (/great|love/.test(r.user) ? 'positive' : 'negative') });
    const fn = bind(chatModel());
    const texts = Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? `great item ${i}` : `broken item ${i}`));
    const results = await Promise.all(texts.map((t) => fn.predict([t], { signal: never() })));
    expect(results.map((r) => expectOk(r)[0]![0])).toEqual(texts.map((_, i) => (i % 2 === 0 ? 'positive' : 'negative')));
  });

  it('drops a NULL input without calling the API', async () => {
    const fn = bind(chatModel());
    expect(expectOk(await fn.predict([null], { signal: never() }))).toEqual([]);
    expect(h.emu.counters.requests).toBe(0);
  });

  it('accepts a base URL plus task, as DeepSeek users write it', async () => {
    const fn = bind(chatModel({ provider: 'deepseek', endpoint: h.emu.url('/v1') }));
    expectOk(await fn.predict(['x'], { signal: never() }));
    expect(h.emu.recorded.at(-1)!.path).toBe('/v1/chat/completions');
  });
});

describe('openai provider: embeddings', () => {
  it('micro-batches concurrent rows into array requests and keeps each row its own vector', async () => {
    const fn = bind(embeddingModel({ dimension: '6' }));
    const texts = Array.from({ length: 50 }, (_, i) => `text number ${i}`);
    const results = await Promise.all(texts.map((t) => fn.predict([t], { signal: never() })));
    results.forEach((r, i) => expect(expectOk(r)).toEqual([[defaultEmbedding(texts[i]!, 6)]]));
    const c = h.emu.counters;
    expect(c.embeddingInputs).toBe(50);
    expect(c.embeddingRequests).toBeLessThan(10);
    expect(fn.stats().requests).toBe(c.embeddingRequests);
    const body = h.emu.recorded.at(-1)!.body as Record<string, unknown>;
    expect(body).toMatchObject({ model: 'text-embedding-3-small', dimensions: 6, encoding_format: 'float' });
  });

  it('never sends DashScope more than 10 inputs per request', async () => {
    const model = defineModel(
      openAIProvider,
      { provider: 'bailian', endpoint: h.emu.url('/compatible-mode/v1/embeddings'), apiKey: KEY, model: 'text-embedding-v3' },
      { outputs: [col('embeddings', FLOAT_ARRAY)] },
    );
    const fn = bind(model);
    const results = await Promise.all(Array.from({ length: 35 }, (_, i) => fn.predict([`row ${i}`], { signal: never() })));
    results.forEach((r) => expectOk(r));
    expect(h.emu.counters.byStatus[400] ?? 0).toBe(0);
    expect(h.emu.counters.embeddingRequests).toBeGreaterThanOrEqual(4);
  });
});

describe('openai provider: errors and strategies', () => {
  it('treats 401 as fatal: no retry, job fails, key never in the message', async () => {
    const fn = bind(chatModel({ 'api-key': 'sk-wrong-key-abcdefghijklmnop' }));
    const outcome = await fn.predict(['x'], { signal: never() });
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.action).toBe('fail');
    expect(outcome.error).toBeInstanceOf(ModelPredictError);
    expect(outcome.error).toMatchObject({ code: 'PD4203', kind: 'fatal', status: 401, attempts: 1 });
    expect(outcome.error.message).not.toContain('sk-wrong-key-abcdefghijklmnop');
    expect(outcome.error.message).not.toMatch(/sk-wro\*+mnop/);
    expect(h.emu.counters.requests).toBe(1);
    expect(JSON.stringify(h.log.entries)).not.toContain('sk-wrong-key-abcdefghijklmnop');
    expect(fn.quotaKey).not.toContain('sk-wrong-key');
  });

  it('retries 500s with backoff and then succeeds', async () => {
    h.emu.failNext(2, 500);
    const fn = bind(chatModel());
    expectOk(await fn.predict(['x'], { signal: never() }));
    expect(h.emu.counters.requests).toBe(3);
    expect(fn.stats()).toMatchObject({ transientErrors: 2, retries: 2, succeeded: 1 });
  });

  it('gives up after retry-num transient failures and applies retry-fallback-strategy', async () => {
    h.emu.failNext(5, 503);
    const fn = bind(chatModel({ 'retry-num': '2', 'retry-fallback-strategy': 'IGNORE' }));
    const outcome = await fn.predict(['x'], { signal: never() });
    expect(outcome).toMatchObject({ ok: false, action: 'ignore', error: { code: 'PD4204', kind: 'transient', status: 503, attempts: 3 } });
    expect(h.emu.counters.requests).toBe(3);
  });

  it('IGNORE retries a 500 up to retry-num and then lets the row go; FAILOVER fails at once', async () => {
    h.emu.failNext(3, 500);
    const ignore = bind(chatModel({ 'error-handling-strategy': 'IGNORE', 'retry-num': '1' }));
    const failover = bind(chatModel({ error_handling_strategy: 'FAILOVER' }));
    expect(await ignore.predict(['x'], { signal: never() })).toMatchObject({ ok: false, action: 'ignore', error: { code: 'PD4204', attempts: 2 } });
    expect(await failover.predict(['x'], { signal: never() })).toMatchObject({ ok: false, action: 'fail', error: { code: 'PD4203' } });
    expect(h.emu.counters.requests).toBe(3);
    expect(ignore.stats().dropped).toBe(1);
    expect(failover.stats().failed).toBe(1);
  });

  it("IGNORE with retry-num '0' lets the row go on the first 500, as Flink does", async () => {
    h.emu.failNext(1, 500);
    const ignore = bind(chatModel({ 'error-handling-strategy': 'IGNORE', 'retry-num': '0' }));
    expect(await ignore.predict(['x'], { signal: never() })).toMatchObject({ ok: false, action: 'ignore', error: { code: 'PD4203', status: 500 } });
    expect(h.emu.counters.requests).toBe(1);
  });

  it('treats insufficient_quota 429 as fatal', async () => {
    h.emu.failNext(1, 429);
    const fn = bind(chatModel());
    expect(await fn.predict(['x'], { signal: never() })).toMatchObject({ ok: false, action: 'fail', error: { kind: 'fatal', status: 429 } });
    expect(h.emu.counters.requests).toBe(1);
  });

  for (const limited of [true, false]) {
    it(`honours Retry-After on 429 and then succeeds (${limited ? 'request limit: paused and slowed' : 'no request limit: plain pause'})`, async () => {
      const rateLimited = {
        status: 429,
        body: { error: { message: 'Rate limit reached', type: 'requests', param: null, code: 'rate_limit_exceeded' } },
        headers: { 'retry-after': '1' },
      };
      h.emu.failNext(1, rateLimited);
      const fn = bind(chatModel(limited ? { 'rate-limit.requests-per-minute': '600' } : {}));
      const started = Date.now();
      const outcome = await fn.predict(['x'], { signal: never() });
      const elapsed = Date.now() - started;
      expectOk(outcome);
      expect(elapsed).toBeGreaterThanOrEqual(900);
      expect(elapsed).toBeLessThan(3_000);
      expect(fn.stats()).toMatchObject({ throttled: 1, retries: 1, succeeded: 1 });
      const snap = fn.stats().limiter!;
      expect(snap.throttles).toBe(1);
      if (limited) expect(snap.rateFactor).toBeLessThan(1);
    });
  }

  it('retries connection errors as transient', async () => {
    const dead = await OpenAIEmulator.start();
    const url = dead.url('/v1/chat/completions');
    await dead.close();
    const fn = bind(chatModel({ endpoint: url, 'retry-num': '1' }));
    const outcome = await fn.predict(['x'], { signal: never() });
    expect(outcome).toMatchObject({ ok: false, action: 'fail', error: { code: 'PD4204', kind: 'transient', attempts: 2 } });
    if (!outcome.ok) expect(outcome.error.message).toMatch(/connection error/i);
  });

  it('rejects with the abort reason when the signal aborts mid-call', async () => {
    h.emu.setLatency(5_000);
    const fn = bind(chatModel());
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(new Error('row timeout')), 50);
    await expect(fn.predict(['x'], { signal: controller.signal })).rejects.toThrow('row timeout');
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});

describe('openai provider: options and schema', () => {
  it('accepts the option spellings of Flink, VVR and Confluent users', () => {
    const cases: Record<string, string>[] = [
      // seed 000 (VVR bailian)
      { provider: 'bailian', endpoint: 'https://dashscope-intl.aliyuncs.com/compatible-mode/v1/chat/completions', 'api-key': 'k', model: 'qwen-turbo', 'system-prompt': 'Classify.' },
      // seed 001/002 (snake case) and VVR camelCase
      { provider: 'openai', endpoint: 'https://api.openai.com/v1/chat/completions', 'api-key': 'k', model: 'gpt-4o', system_prompt: 'x' },
      { provider: 'openai-compat', endpoint: 'https://example.com/v1/chat/completions', apiKey: 'k', model: 'm', systemPrompt: 'y', topP: '0.5', maxTokens: '9' },
      // seed 003 (Confluent; the catalog merged the CONNECTION's endpoint and api-key)
      {
        provider: 'openai',
        task: 'classification',
        'openai.connection': 'openai-connection',
        'openai.model_version': 'gpt-3.5-turbo',
        'openai.system_prompt': 'Analyze the sentiment.',
        'openai.PARAMS.temperature': '0.1',
        'openai.PARAMS.max_tokens': '8',
        endpoint: 'https://api.openai.com/v1/chat/completions',
        'api-key': 'k',
      },
      // seed 004 (DeepSeek base URL)
      { provider: 'deepseek', endpoint: 'https://api.deepseek.com/v1', 'api-key': 'k', model: 'deepseek-chat', 'system-prompt': 'x' },
      // VVR retry spellings
      { provider: 'qwen', endpoint: 'https://dashscope.aliyuncs.com/compatible-mode/v1', 'api-key': 'k', model: 'qwen-plus', retry_num: '3', error_handling_strategy: 'ignore' },
    ];
    for (const raw of cases) expect(openAIProvider.checkSchema(defineModel(openAIProvider, raw))).toEqual([]);
  });

  it('reports schema and endpoint problems', () => {
    const twoInputs = chatModel({}, { inputs: [col('a'), col('b')] });
    expect(openAIProvider.checkSchema(twoInputs).join()).toMatch(/exactly one STRING input/);
    const chatArray = chatModel({}, { outputs: [col('v', FLOAT_ARRAY)] });
    expect(openAIProvider.checkSchema(chatArray).join()).toMatch(/one STRING output/);
    const conflict = chatModel({ task: 'embedding' }, { outputs: [col('v', FLOAT_ARRAY)] });
    expect(openAIProvider.checkSchema(conflict).join()).toMatch(/contradicts the endpoint/);
    const deepseekEmbed = defineModel(
      openAIProvider,
      { provider: 'deepseek', endpoint: 'https://api.deepseek.com/v1', 'api-key': 'k', model: 'x', task: 'embedding' },
      { outputs: [col('v', FLOAT_ARRAY)] },
    );
    expect(openAIProvider.checkSchema(deepseekEmbed).join()).toMatch(/DeepSeek has no embeddings/);
    expect(openAIProvider.checkSchema(chatModel({ endpoint: 'not a url' })).join()).toMatch(/not a valid URL/);
    expect(openAIProvider.checkSchema(chatModel({ 'extra-body': '[1]' })).join()).toMatch(/JSON object/);
    expect(() => bind(twoInputs)).toThrow(ProviderConfigError);
  });
});

describe('openai provider: hung attempts and garbage answers', () => {
  async function withFaults(faults: Omit<import('../emulators/openai-emulator.js').FaultConfig, 'seed'>) {
    await h.emu.close();
    h.emu = await OpenAIEmulator.start({ apiKeys: [KEY], faults: { seed: 7, ...faults } });
  }

  it('aborts a hung request after client-timeout and retries it with backoff', async () => {
    await withFaults({ hang: 1 });
    const fn = bind(chatModel({ 'client-timeout': '100ms', 'retry-num': '1' }));
    const outcome = await fn.predict(['x'], { signal: never() });
    expect(outcome).toMatchObject({ ok: false, action: 'fail', error: { code: 'PD4204', kind: 'transient', status: undefined, attempts: 2 } });
    expect(outcome.ok ? '' : outcome.error.message).toContain('request timed out after 100 ms');
    expect(h.emu.counters.faults.hangs).toBe(2);
  });

  it('retries each kind of garbage 200 and names status, content type and body in the final error', async () => {
    await withFaults({ garbage: 1 });
    const fn = bind(chatModel({ 'retry-num': '2' }));
    const outcome = await fn.predict(['x'], { signal: never() });
    expect(outcome).toMatchObject({ ok: false, action: 'fail', error: { code: 'PD4207', kind: 'transient', status: 200, attempts: 3 } });
    const message = outcome.ok ? '' : outcome.error.message;
    expect(message).toContain("malformed answer: status 200, content-type application/json: no 'choices' array; body: \"{\\\"id\\\":\\\"chatcmpl-empty\\\"");
    expect(h.emu.counters.faults).toMatchObject({ garbageHtml: 1, garbageInvalidJson: 1, garbageNoChoices: 1 });
    const html = bind(chatModel({ 'retry-num': '0', 'error-handling-strategy': 'IGNORE' }));
    const first = await html.predict(['x'], { signal: never() });
    expect(first.ok ? '' : first.error.message).toMatch(/^model 'm': malformed answer: status 200, content-type text\/html; charset=utf-8: not JSON; body: "<html><head><title>502 Bad Gateway/);
    const second = await html.predict(['x'], { signal: never() });
    expect(second.ok ? '' : second.error.message).toMatch(/status 200, content-type application\/json: not JSON; body: "\{\\"id\\": \\"chatcmpl-trunc\\"/);
  });
});

describe('openai provider: structured output', () => {
  const typed = [col('risk', { kind: 'DOUBLE', nullable: false } as const), col('reason')];

  it('sends a strict json_schema response_format derived from the OUTPUT columns, with no json_object', async () => {
    h.emu = await OpenAIEmulator.start({ apiKeys: [KEY], respond: () => '{"risk": 0.1, "reason": "ok"}' });
    const fn = bind(chatModel({ 'response-format': 'json_schema' }, { outputs: typed }));
    expect(expectOk(await fn.predict(['x'], { signal: never() }))).toEqual([[0.1, 'ok']]);
    const body = h.emu.recorded.at(-1)!.body as Record<string, unknown>;
    expect(body['response_format']).toMatchObject({ type: 'json_schema', json_schema: { name: 'm', strict: true, schema: { required: ['risk', 'reason'] } } });
  });

  it('asks DeepSeek, which has no json_schema, with json_object and the schema in the system prompt', () => {
    const model = defineModel(openAIProvider, { provider: 'deepseek', endpoint: 'https://api.deepseek.com/v1/chat/completions', 'api-key': KEY, model: 'deepseek-chat' }, { outputs: typed });
    const config = compileConfig(providerView(model, openAIProvider).model);
    const body = chatBody(config, 'x');
    expect(body['response_format']).toEqual({ type: 'json_object' });
    const system = (body['messages'] as { content: string }[])[0]!.content;
    expect(system).toMatch(/^You are a helpful assistant\.\n\nAnswer with one JSON object and nothing else .*"required":\["risk","reason"\]/);
  });

  it('rejects typed OUTPUT columns an embeddings model cannot fill', () => {
    const model = defineModel(openAIProvider, { provider: 'openai', endpoint: 'https://api.openai.com/v1/embeddings', 'api-key': KEY, model: 'e' }, { outputs: typed });
    expect(openAIProvider.checkSchema(providerView(model, openAIProvider).model).join('; ')).toMatch(/embeddings task produces exactly one ARRAY<FLOAT>/);
  });
});

describe('openai provider: Qwen embeddings on the DashScope base URL (seed 004)', () => {
  // Seed 004 documents `text-embedding-v4` under 'provider' = 'qwen' with the endpoint
  // `https://dashscope.aliyuncs.com/compatible-mode/v1`, no `task`, and `max-tokens` (tokens per line).
  const SQL = `
CREATE MODEL qwen_embed
INPUT (input STRING)
OUTPUT (embedding ARRAY<FLOAT>)
WITH (
  'provider' = 'qwen',
  'endpoint' = 'https://dashscope.aliyuncs.com/compatible-mode/v1',
  'api-key' = 'your-api-key',
  'model' = 'text-embedding-v4',
  'max-tokens' = '8'
);`;
  const ctx = () => seedContext(openAIProvider);

  it('validates as written and embeds against the emulator: the ARRAY<FLOAT> OUTPUT picks the task', async () => {
    expect(() => compileJob('qwen.sql', SQL, ctx())).not.toThrow();
    const sql = SQL.replace('https://dashscope.aliyuncs.com', h.emu.origin).replace('your-api-key', KEY);
    const model = compileJob('qwen.sql', sql, ctx()).catalog.model('qwen_embed')!;
    const fn = bind(model.definition);
    expect(expectOk(await fn.predict(['alien'], { signal: never() }))).toEqual([[defaultEmbedding('alien', 8)]]);
    expect(h.emu.recorded.at(-1)).toMatchObject({ path: '/compatible-mode/v1/embeddings', authorization: `Bearer ${KEY}`, status: 200 });
    expect(h.emu.recorded.at(-1)!.body).toMatchObject({ model: 'text-embedding-v4', input: 'alien', encoding_format: 'float' });
    expect(h.emu.recorded.at(-1)!.body).not.toHaveProperty('max_tokens');
  });

  it('cuts a row over max-tokens at the tail before sending, and says so once', async () => {
    const model = compileJob('qwen.sql', SQL.replace('https://dashscope.aliyuncs.com', h.emu.origin).replace('your-api-key', KEY), ctx()).catalog.model('qwen_embed')!;
    const fn = bind(model.definition);
    // 8 tokens: 32 ASCII characters, or 8 CJK characters.
    const long = 'abcd'.repeat(20);
    expectOk(await fn.predict([long], { signal: never() }));
    expect(h.emu.recorded.at(-1)!.body).toMatchObject({ input: 'abcd'.repeat(8) });
    expectOk(await fn.predict(['数据脱敏处理身份证号码后四位'], { signal: never() }));
    expect(h.emu.recorded.at(-1)!.body).toMatchObject({ input: '数据脱敏处理身份' });
    expectOk(await fn.predict(['short'], { signal: never() }));
    expect(h.emu.recorded.at(-1)!.body).toMatchObject({ input: 'short' });
    expect(h.log.entries.filter((e) => /over max-tokens/.test(e.msg))).toHaveLength(1);
  });

  it('keeps chat the default for a STRING OUTPUT on the same base URL', () => {
    const chat = defineModel(openAIProvider, { provider: 'qwen', endpoint: 'https://dashscope.aliyuncs.com/compatible-mode/v1', 'api-key': 'k', model: 'qwen-plus' });
    expect(compileConfig(chat).task).toBe('chat');
    const embed = defineModel(openAIProvider, { provider: 'qwen', endpoint: 'https://dashscope.aliyuncs.com/compatible-mode/v1', 'api-key': 'k', model: 'text-embedding-v4' }, { outputs: [col('e', FLOAT_ARRAY)] });
    expect(compileConfig(embed)).toMatchObject({ task: 'embeddings', maxBatchSize: 10 });
    const declared = defineModel(openAIProvider, { provider: 'qwen', endpoint: 'https://dashscope.aliyuncs.com/compatible-mode/v1', 'api-key': 'k', model: 'qwen-plus', task: 'chat' }, { outputs: [col('e', FLOAT_ARRAY)] });
    expect(openAIProvider.checkSchema(declared).join()).toMatch(/one STRING output/);
  });
});
