import { afterEach, describe, expect, it } from 'vitest';
import { OpenAIEmulator } from './openai-emulator.js';

let emu: OpenAIEmulator | undefined;
afterEach(async () => {
  await emu?.close();
  emu = undefined;
});

async function post(path: string, body: unknown, key: string | null = 'test-key') {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (key !== null) headers['authorization'] = `Bearer ${key}`;
  const res = await fetch(emu!.url(path), { method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body) });
  return { status: res.status, headers: res.headers, body: (await res.json()) as any };
}

const chat = (extra: Record<string, unknown> = {}) => ({
  model: 'gpt-test',
  messages: [
    { role: 'system', content: 'be brief' },
    { role: 'user', content: 'hello there' },
  ],
  ...extra,
});

describe('OpenAI emulator', () => {
  it('answers chat completions in the OpenAI shape with rate-limit headers', async () => {
    emu = await OpenAIEmulator.start({ respond: (r) => `${r.system}|${r.user}` });
    const r = await post('/v1/chat/completions', chat({ n: 2 }));
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ object: 'chat.completion', model: 'gpt-test' });
    expect(r.body.id).toMatch(/^chatcmpl-/);
    expect(typeof r.body.created).toBe('number');
    expect(r.body.choices.map((c: any) => [c.index, c.message.content, c.finish_reason])).toEqual([
      [0, 'be brief|hello there', 'stop'],
      [1, 'be brief|hello there', 'stop'],
    ]);
    expect(r.body.usage.total_tokens).toBe(r.body.usage.prompt_tokens + r.body.usage.completion_tokens);
    expect(r.headers.get('x-request-id')).toMatch(/^req_/);
    expect(r.headers.get('x-ratelimit-remaining-requests')).not.toBeNull();
  });

  it('spreads answer latencies around their mean when asked (bench P1), each within latencyMs x (1 +/- spread)', async () => {
    emu = await OpenAIEmulator.start({ latencyMs: 60, latencySpread: 0.5 });
    const took: number[] = [];
    for (let i = 0; i < 13; i++) {
      const t0 = performance.now();
      expect((await post('/v1/chat/completions', chat())).status).toBe(200);
      if (i > 0) took.push(performance.now() - t0); // the first one also opens the connection
    }
    // Timers fire late, never early: the shortest is at least 30 ms; a fixed 60 ms would put every one at 60 or more.
    expect(Math.min(...took)).toBeGreaterThanOrEqual(29);
    expect(took.filter((ms) => ms < 55).length).toBeGreaterThan(1);
    expect(took.filter((ms) => ms > 66).length).toBeGreaterThan(1);
  });

  it('serves any prefix, float and base64 embeddings', async () => {
    emu = await OpenAIEmulator.start();
    const f = await post('/compatible-mode/v1/embeddings', { model: 'text-embedding-v3', input: ['a', 'b'], dimensions: 4, encoding_format: 'float' });
    expect(f.status).toBe(200);
    expect(f.body.data.map((d: any) => d.embedding.length)).toEqual([4, 4]);
    const b = await post('/v1/embeddings', { model: 'text-embedding-3-small', input: 'a', dimensions: 4, encoding_format: 'base64' });
    const decoded = Array.from(new Float32Array(new Uint8Array(Buffer.from(b.body.data[0].embedding, 'base64')).buffer));
    expect(decoded.map((x) => x.toFixed(5))).toEqual(f.body.data[0].embedding.map((x: number) => Math.fround(x).toFixed(5)));
  });

  it('rejects missing and wrong keys with OpenAI 401 bodies, masking the key', async () => {
    emu = await OpenAIEmulator.start();
    const missing = await post('/v1/chat/completions', chat(), null);
    expect(missing.status).toBe(401);
    expect(missing.body.error.message).toMatch(/didn't provide an API key/);
    const wrong = await post('/v1/chat/completions', chat(), 'sk-wrongwrongwrong1234');
    expect(wrong.status).toBe(401);
    expect(wrong.body.error).toMatchObject({ type: 'invalid_request_error', code: 'invalid_api_key', param: null });
    expect(wrong.body.error.message).not.toContain('sk-wrongwrongwrong1234');
  });

  it('validates requests as the §1 checklist says', async () => {
    emu = await OpenAIEmulator.start();
    const cases: [string, unknown, RegExp][] = [
      ['/v1/chat/completions', { messages: [{ role: 'user', content: 'x' }] }, /model parameter/],
      ['/v1/chat/completions', { model: 'm' }, /Missing required parameter: 'messages'/],
      ['/v1/chat/completions', { model: 'm', messages: [] }, /empty array/],
      ['/v1/chat/completions', chat({ n: 129 }), /above maximum/],
      ['/compatible-mode/v1/chat/completions', chat({ n: 5 }), /above maximum/],
      ['/v1/chat/completions', chat({ stop: ['a', 'b', 'c', 'd', 'e'] }), /array too long/],
      ['/v1/chat/completions', chat({ temperature: 2.5 }), /above maximum/],
      ['/v1/chat/completions', chat({ response_format: { type: 'json_object' } }), /must contain the word 'json'/],
      ['/v1/chat/completions', '{not json', /could not parse the JSON body/],
      ['/v1/embeddings', { model: 'e', input: [] }, /'\$\.input' is invalid/],
      ['/v1/embeddings', { model: 'e', input: '' }, /'\$\.input' is invalid/],
      ['/v1/embeddings', { model: 'e', input: Array.from({ length: 2049 }, () => 'x') }, /'\$\.input' is invalid/],
      ['/compatible-mode/v1/embeddings', { model: 'e', input: Array.from({ length: 11 }, () => 'x') }, /should not be larger than 10/],
      ['/v1/embeddings', { model: 'e', input: 'x', surprise: 1 }, /Unrecognized request argument/],
      ['/v1/embeddings', { model: 'text-embedding-ada-002', input: 'x', dimensions: 8 }, /does not support specifying dimensions/],
    ];
    for (const [path, body, pattern] of cases) {
      const r = await post(path, body);
      expect(r.status, `${path} ${JSON.stringify(body).slice(0, 80)}`).toBe(400);
      expect(r.body.error.message).toMatch(pattern);
      expect(Object.keys(r.body.error).sort()).toEqual(['code', 'message', 'param', 'type']);
    }
    expect(emu.counters.byStatus[400]).toBe(cases.length);
  });

  it('limits to N accepted requests per sliding window, with Retry-After and retry-after-ms', async () => {
    emu = await OpenAIEmulator.start({ rateLimit: { requests: 3, windowMs: 400 } });
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await post('/v1/chat/completions', chat())).status);
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    const limited = await post('/v1/chat/completions', chat());
    expect(limited.body.error.code).toBe('rate_limit_exceeded');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    const waitMs = Number(limited.headers.get('retry-after-ms'));
    expect(waitMs).toBeGreaterThan(0);
    expect(waitMs).toBeLessThanOrEqual(400);
    await new Promise((r) => setTimeout(r, waitMs + 5));
    expect((await post('/v1/chat/completions', chat())).status).toBe(200);
    expect(emu.counters.maxAcceptedInWindow).toBe(3);
    expect(emu.counters.rateLimited).toBe(3);
  });

  it('storms, fails as scripted, and counts', async () => {
    emu = await OpenAIEmulator.start();
    emu.storm(150, { retryAfterSeconds: 2 });
    const s = await post('/v1/chat/completions', chat());
    expect(s.status).toBe(429);
    expect(s.headers.get('retry-after')).toBe('2');
    await new Promise((r) => setTimeout(r, 160));
    emu.failNext(1, 500);
    emu.failNext(1, 429);
    expect((await post('/v1/chat/completions', chat())).status).toBe(500);
    const quota = await post('/v1/chat/completions', chat());
    expect(quota.body.error.code).toBe('insufficient_quota');
    expect((await post('/v1/chat/completions', chat())).status).toBe(200);
    expect(emu.counters).toMatchObject({ requests: 4, succeeded: 1, stormRejected: 1, rateLimited: 2 });
  });

  it('applies latency and closes cleanly with a request in flight', async () => {
    emu = await OpenAIEmulator.start({ latencyMs: 5_000 });
    const pending = post('/v1/chat/completions', chat()).catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 50));
    const started = Date.now();
    await emu.close();
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(await pending).toBeInstanceOf(Error);
  });
});
