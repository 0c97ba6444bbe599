import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { defaultEmbedding, EmulatorServer, listenLoopback, textOf, tokens, type BaseCounters, type Loopback, type SlidingWindowLimit } from './emulator-server.js';
import { checkBearer, defaultFailureBody, errorBody, rateLimitBody, validateChat, validateEmbeddings, type ChatMessage, type ErrorBody } from './openai-wire.js';
import { mulberry32 } from '../../src/util/seeded-random.js';

export { defaultEmbedding } from './emulator-server.js';
export type { ChatMessage } from './openai-wire.js';

/**
 * A loopback server speaking the OpenAI wire format (provider-wire-formats.md §1, §2, §9):
 * `POST …/chat/completions` and `POST …/embeddings` under any prefix (`/v1`,
 * `/compatible-mode/v1`), Bearer auth, the 400s of the §1 checklist, OpenAI-shaped bodies and
 * headers, and scriptable misbehaviour: a sliding-window rate limit, 429 storms and 5xx failures.
 * A path containing `/compatible-mode/` behaves as DashScope (10 embeddings per request, n <= 4).
 */

export interface ChatRequestInfo {
  readonly path: string;
  readonly model: string;
  readonly messages: readonly ChatMessage[];
  /** Text of the first system/developer message. */
  readonly system: string | undefined;
  /** Text of the last user message. */
  readonly user: string;
  readonly n: number;
  readonly body: Readonly<Record<string, unknown>>;
}

export interface EmbeddingRequestInfo {
  readonly path: string;
  readonly model: string;
  readonly inputs: readonly string[];
  readonly dimensions: number | undefined;
  readonly body: Readonly<Record<string, unknown>>;
}

export interface ScriptedFailure {
  readonly status: number;
  /** Defaults to an OpenAI error body fitting the status. */
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

/**
 * Seeded random misbehaviour of valid, authenticated requests: each request draws once and gets
 * at most one fault. Rates are fractions (0.2 = 20 %).
 */
export interface FaultConfig {
  readonly seed: number;
  /** 429 `rate_limit_exceeded` with `retry-after` (and `retry-after-ms`). */
  readonly throttle?: number;
  /** `retry-after-ms` of an injected 429. Default 20. */
  readonly retryAfterMs?: number;
  /** 500 `server_error`. */
  readonly serverError?: number;
  /** Never answered: the request stays open until the client aborts or the emulator closes. */
  readonly hang?: number;
  /** A 200 the client cannot read, in turn: an HTML page, invalid JSON as application/json, JSON without `choices`. */
  readonly garbage?: number;
}

export interface FaultCounters {
  readonly throttled: number;
  readonly serverErrors: number;
  readonly hangs: number;
  readonly garbageHtml: number;
  readonly garbageInvalidJson: number;
  readonly garbageNoChoices: number;
}

export interface RateLimitConfig extends SlidingWindowLimit {
  /** Also send `retry-after-ms` (Azure and newer OpenAI responses do). Default true. */
  readonly sendRetryAfterMs?: boolean;
}

export interface OpenAIEmulatorOptions {
  /** Keys accepted as `Authorization: Bearer <key>`. Default ['test-key']. */
  readonly apiKeys?: readonly string[];
  /** Delay before a successful answer. Default 0. */
  readonly latencyMs?: number;
  /** Each answer's delay drawn uniformly from latencyMs x (1 +/- latencySpread), seeded; the mean stays latencyMs. Default 0. */
  readonly latencySpread?: number;
  /** Chat content: one string for every choice, or one per choice. Default: an echo of the user text. */
  readonly respond?: (req: ChatRequestInfo) => string | readonly string[];
  /** Embedding of one input. Default: a deterministic unit vector derived from a hash of the text. */
  readonly embed?: (input: string, dimensions: number) => number[];
  /** Vector length when the request has no `dimensions`. Default 8. */
  readonly defaultDimensions?: number;
  readonly rateLimit?: RateLimitConfig;
  /** Poison inputs: a chat request whose last user message this maps to a failure gets that failure, every time. */
  readonly failFor?: (user: string) => ScriptedFailure | undefined;
  readonly faults?: FaultConfig;
}

export interface EmulatorCounters extends BaseCounters {
  /** What the seeded fault injection did (all 0 without `faults`). */
  readonly faults: FaultCounters;
  /** Every 429 (rate limit and storm). */
  readonly rateLimited: number;
  readonly stormRejected: number;
  readonly chatRequests: number;
  readonly embeddingRequests: number;
  readonly embeddingInputs: number;
  readonly maxInFlight: number;
  /** Most requests accepted within any rate-limit window so far (0 without a rate limit). */
  readonly maxAcceptedInWindow: number;
}

export interface RecordedRequest {
  /** performance.now() when the request was routed. */
  readonly at: number;
  readonly path: string;
  readonly authorization: string | undefined;
  readonly body: unknown;
  readonly status: number;
}

const MAX_BODY_BYTES = 20 * 1024 * 1024;

export class OpenAIEmulator extends EmulatorServer<RecordedRequest, ScriptedFailure> {
  #opts: OpenAIEmulatorOptions;
  #stormUntil = 0;
  #stormRetryAfterSeconds = 1;
  #inFlight = 0;
  #random: () => number = Math.random;
  #garbageTurn = 0;
  #faults = { throttled: 0, serverErrors: 0, hangs: 0, garbageHtml: 0, garbageInvalidJson: 0, garbageNoChoices: 0 };
  #counters = {
    rateLimited: 0,
    stormRejected: 0,
    chatRequests: 0,
    embeddingRequests: 0,
    embeddingInputs: 0,
    maxInFlight: 0,
    maxAcceptedInWindow: 0,
  };

  private constructor(loopback: Loopback, opts: OpenAIEmulatorOptions) {
    super(loopback, { latencyMs: opts.latencyMs, latencySpread: opts.latencySpread, maxBodyBytes: MAX_BODY_BYTES });
    this.#opts = opts;
    if (opts.faults) this.#random = mulberry32(opts.faults.seed);
  }

  static async start(opts: OpenAIEmulatorOptions = {}): Promise<OpenAIEmulator> {
    return new OpenAIEmulator(await listenLoopback(), opts);
  }

  /** `origin + prefix`, e.g. url('/v1/chat/completions'). */
  url(path = '/v1'): string {
    return `${this.origin}${path}`;
  }

  get counters(): EmulatorCounters {
    return { ...this.baseCounters(), ...this.#counters, faults: { ...this.#faults } };
  }

  setRateLimit(rateLimit: RateLimitConfig | undefined): void {
    this.#opts = { ...this.#opts, rateLimit };
    this.resetWindow();
  }

  /** Every authenticated request gets 429 (`rate_limit_exceeded`, Retry-After) for `durationMs`. */
  storm(durationMs: number, opts: { retryAfterSeconds?: number } = {}): void {
    this.#stormUntil = performance.now() + durationMs;
    this.#stormRetryAfterSeconds = opts.retryAfterSeconds ?? 1;
  }

  protected override route(req: IncomingMessage, res: ServerResponse, raw: Buffer): void {
    const rawBody = raw.toString('utf8');
    const path = (req.url ?? '/').split('?')[0]!.replace(/\/+$/, '');
    const kind = path.endsWith('/chat/completions') ? 'chat' : path.endsWith('/embeddings') ? 'embeddings' : undefined;
    const dashscope = path.includes('/compatible-mode/');
    const authorization = req.headers.authorization;
    const at = performance.now();
    let body: unknown;
    const reply = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
      this.record({ at, path, authorization, body, status });
      this.#send(res, status, payload, headers, dashscope);
    };

    if (req.method !== 'POST' || kind === undefined) {
      return reply(404, errorBody(`Invalid URL (${req.method} ${path})`, 'invalid_request_error', null, null));
    }
    const auth = checkBearer(this.#opts.apiKeys ?? ['test-key'], authorization);
    if (auth) return reply(401, auth);
    try {
      body = rawBody.length === 0 ? undefined : JSON.parse(rawBody);
    } catch {
      return reply(
        400,
        errorBody(
          "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON.)",
          'invalid_request_error',
          null,
          null,
        ),
      );
    }
    if (body === null || typeof body !== 'object' || Array.isArray(body)) {
      return reply(400, errorBody("'$' is invalid. Please check the API reference: https://platform.openai.com/docs/api-reference.", 'invalid_request_error', null, null));
    }
    const b = body as Record<string, unknown>;
    const invalid = kind === 'chat' ? validateChat(b, dashscope) : validateEmbeddings(b, dashscope);
    if (invalid) return reply(400, invalid);

    const now = performance.now();
    if (now < this.#stormUntil) {
      this.#counters.stormRejected++;
      return reply(429, rateLimitBody(String(b['model']), 'requests', this.#stormRetryAfterSeconds * 1000), {
        'retry-after': String(this.#stormRetryAfterSeconds),
        'x-ratelimit-remaining-requests': '0',
      });
    }
    const poison = kind === 'chat' ? this.#opts.failFor?.(textOf([...(b['messages'] as ChatMessage[])].reverse().find((m) => m.role === 'user')?.content)) : undefined;
    if (poison) return reply(poison.status, poison.body ?? defaultFailureBody(poison.status), { ...(poison.headers ?? {}) });
    const scripted = this.nextFailure();
    if (scripted) {
      return reply(scripted.status, scripted.body ?? defaultFailureBody(scripted.status), { ...(scripted.headers ?? {}) });
    }
    const limited = this.#rateLimited(now, String(b['model']));
    if (limited) return reply(429, limited.body, limited.headers);

    if (this.#injectFault(res, reply, String(b['model']))) return;

    const answer = kind === 'chat' ? this.#chat(path, b) : this.#embeddings(path, b);
    this.#inFlight++;
    this.#counters.maxInFlight = Math.max(this.#counters.maxInFlight, this.#inFlight);
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      this.#inFlight--;
    };
    res.on('close', finish);
    const respond = () => {
      finish();
      if (res.destroyed) return;
      this.stats.succeeded++;
      reply(200, answer, this.#rateHeaders(performance.now()));
    };
    this.afterLatency(respond);
  }

  /** Draws this request's fault, if any, and answers it; true when the request is taken care of. */
  #injectFault(res: ServerResponse, reply: (status: number, payload: unknown, headers?: Record<string, string>) => void, model: string): boolean {
    const f = this.#opts.faults;
    if (!f) return false;
    let r = this.#random();
    const hit = (rate: number | undefined) => {
      if (r < (rate ?? 0)) return true;
      r -= rate ?? 0;
      return false;
    };
    if (hit(f.throttle)) {
      this.#faults.throttled++;
      const ms = f.retryAfterMs ?? 20;
      reply(429, rateLimitBody(model, 'requests', ms), { 'retry-after': String(Math.max(1, Math.ceil(ms / 1000))), 'retry-after-ms': String(ms) });
      return true;
    }
    if (hit(f.serverError)) {
      this.#faults.serverErrors++;
      reply(500, defaultFailureBody(500));
      return true;
    }
    if (hit(f.hang)) {
      // Counted as a 0 status: the response never comes.
      this.#faults.hangs++;
      this.stats.byStatus[0] = (this.stats.byStatus[0] ?? 0) + 1;
      return true;
    }
    if (hit(f.garbage)) {
      const turn = this.#garbageTurn++ % 3;
      this.stats.byStatus[200] = (this.stats.byStatus[200] ?? 0) + 1;
      if (res.destroyed) return true;
      if (turn === 0) {
        this.#faults.garbageHtml++;
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end('<html><head><title>502 Bad Gateway</title></head><body><h1>Bad gateway</h1><p>upstream closed</p></body></html>');
      } else if (turn === 1) {
        this.#faults.garbageInvalidJson++;
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"id": "chatcmpl-trunc", "choices": [{"index": 0, "message": {"role": "assis');
      } else {
        this.#faults.garbageNoChoices++;
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ id: 'chatcmpl-empty', object: 'chat.completion', model }));
      }
      return true;
    }
    return false;
  }

  /** Sliding window over accepted requests: at most `requests` in any (now - windowMs, now]. */
  #rateLimited(now: number, model: string): { body: ErrorBody; headers: Record<string, string> } | undefined {
    const rl = this.#opts.rateLimit;
    if (!rl) return undefined;
    const waitMs = this.admit(rl, now);
    if (waitMs !== undefined) {
      const headers: Record<string, string> = {
        'retry-after': String(Math.max(1, Math.ceil(waitMs / 1000))),
        'x-ratelimit-limit-requests': String(rl.requests),
        'x-ratelimit-remaining-requests': '0',
        'x-ratelimit-reset-requests': `${waitMs}ms`,
      };
      if (rl.sendRetryAfterMs !== false) headers['retry-after-ms'] = String(waitMs);
      return { body: rateLimitBody(model, 'requests', waitMs, rl), headers };
    }
    this.#counters.maxAcceptedInWindow = Math.max(this.#counters.maxAcceptedInWindow, this.acceptedTimes.length);
    return undefined;
  }

  #rateHeaders(now: number): Record<string, string> {
    const rl = this.#opts.rateLimit;
    const limit = rl?.requests ?? 10_000;
    const accepted = this.acceptedTimes;
    const used = rl ? accepted.filter((t) => t > now - rl.windowMs).length : 0;
    const reset = rl && accepted.length > 0 ? Math.max(0, Math.ceil(accepted[0]! + rl.windowMs - now)) : 0;
    return {
      'x-ratelimit-limit-requests': String(limit),
      'x-ratelimit-remaining-requests': String(Math.max(0, limit - used)),
      'x-ratelimit-reset-requests': `${reset}ms`,
      'x-ratelimit-limit-tokens': '1000000',
      'x-ratelimit-remaining-tokens': '999000',
      'x-ratelimit-reset-tokens': '60ms',
    };
  }

  #chat(path: string, b: Record<string, unknown>): unknown {
    this.#counters.chatRequests++;
    const messages = b['messages'] as ChatMessage[];
    const n = typeof b['n'] === 'number' ? b['n'] : 1;
    const info: ChatRequestInfo = {
      path,
      model: String(b['model']),
      messages,
      system: messages.find((m) => m.role === 'system' || m.role === 'developer') ? textOf(messages.find((m) => m.role === 'system' || m.role === 'developer')!.content) : undefined,
      user: textOf([...messages].reverse().find((m) => m.role === 'user')?.content),
      n,
      body: b,
    };
    const answer = this.#opts.respond ? this.#opts.respond(info) : `echo: ${info.user}`;
    const contents = Array.from({ length: n }, (_, i) => (typeof answer === 'string' ? answer : (answer[i] ?? answer[answer.length - 1] ?? '')));
    const promptTokens = messages.reduce((sum, m) => sum + tokens(textOf(m.content)), 0);
    const completionTokens = contents.reduce((sum, c) => sum + tokens(c), 0);
    return {
      id: `chatcmpl-${randomUUID().replace(/-/g, '').slice(0, 24)}`,
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model: info.model,
      choices: contents.map((content, index) => ({
        index,
        message: { role: 'assistant', content, refusal: null, annotations: [] },
        finish_reason: 'stop',
        logprobs: null,
      })),
      usage: {
        prompt_tokens: promptTokens,
        completion_tokens: completionTokens,
        total_tokens: promptTokens + completionTokens,
        prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
        completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
      },
      service_tier: 'default',
      system_fingerprint: 'fp_emulator',
    };
  }

  #embeddings(path: string, b: Record<string, unknown>): unknown {
    const inputs = typeof b['input'] === 'string' ? [b['input']] : (b['input'] as string[]);
    this.#counters.embeddingRequests++;
    this.#counters.embeddingInputs += inputs.length;
    const dims = typeof b['dimensions'] === 'number' ? b['dimensions'] : (this.#opts.defaultDimensions ?? 8);
    const embed = this.#opts.embed ?? defaultEmbedding;
    const base64 = b['encoding_format'] === 'base64';
    const info: EmbeddingRequestInfo = { path, model: String(b['model']), inputs, dimensions: b['dimensions'] as number | undefined, body: b };
    const promptTokens = inputs.reduce((sum, t) => sum + tokens(t), 0);
    return {
      object: 'list',
      model: info.model,
      data: inputs.map((text, index) => {
        const vector = embed(text, dims);
        return { object: 'embedding', index, embedding: base64 ? Buffer.from(new Float32Array(vector).buffer).toString('base64') : vector };
      }),
      usage: { prompt_tokens: promptTokens, total_tokens: promptTokens },
    };
  }

  #send(res: ServerResponse, status: number, payload: unknown, headers: Record<string, string>, dashscope: boolean): void {
    if (status === 429) this.#counters.rateLimited++;
    const requestId = `req_${randomUUID().replace(/-/g, '')}`;
    const body = dashscope && status >= 400 && payload !== null && typeof payload === 'object' ? { ...payload, request_id: requestId } : payload;
    this.sendJson(res, status, body, {
      'content-type': 'application/json',
      'x-request-id': requestId,
      'openai-version': '2020-10-01',
      'openai-organization': 'org-emulator',
      'openai-processing-ms': String(this.latencyMs),
      ...headers,
    });
  }
}
