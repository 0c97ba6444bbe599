import { createHash, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * A loopback server speaking the OpenAI wire format (provider-wire-formats.md §1, §2, §9):
 * `POST …/chat/completions` and `POST …/embeddings` under any prefix (`/v1`,
 * `/compatible-mode/v1`), Bearer auth, the 400s of the §1 checklist, OpenAI-shaped bodies and
 * headers, and scriptable misbehaviour: a sliding-window rate limit, 429 storms and 5xx failures.
 * A path containing `/compatible-mode/` behaves as DashScope (10 embeddings per request, n <= 4).
 */

export interface ChatMessage {
  readonly role: string;
  readonly content: unknown;
}

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

export interface RateLimitConfig {
  /** Accepted requests allowed in any window of `windowMs`; more get 429. */
  readonly requests: number;
  readonly windowMs: number;
  /** Also send `retry-after-ms` (Azure and newer OpenAI responses do). Default true. */
  readonly sendRetryAfterMs?: boolean;
}

export interface OpenAIEmulatorOptions {
  /** Keys accepted as `Authorization: Bearer <key>`. Default ['test-key']. */
  readonly apiKeys?: readonly string[];
  /** Delay before a successful answer. Default 0. */
  readonly latencyMs?: number;
  /** Chat content: one string for every choice, or one per choice. Default: an echo of the user text. */
  readonly respond?: (req: ChatRequestInfo) => string | readonly string[];
  /** Embedding of one input. Default: a deterministic unit vector derived from a hash of the text. */
  readonly embed?: (input: string, dimensions: number) => number[];
  /** Vector length when the request has no `dimensions`. Default 8. */
  readonly defaultDimensions?: number;
  readonly rateLimit?: RateLimitConfig;
}

export interface EmulatorCounters {
  readonly requests: number;
  readonly succeeded: number;
  readonly byStatus: Readonly<Record<number, number>>;
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

type ErrorBody = { error: { message: string; type: string; param: string | null; code: string | null } };

const MAX_BODY_BYTES = 20 * 1024 * 1024;
const RECORD_LIMIT = 200;

export class OpenAIEmulator {
  readonly origin: string;
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();
  readonly #timers = new Set<NodeJS.Timeout>();
  #opts: OpenAIEmulatorOptions;
  #latencyMs: number;
  #accepted: number[] = [];
  #stormUntil = 0;
  #stormRetryAfterSeconds = 1;
  #failures: ScriptedFailure[] = [];
  #inFlight = 0;
  #recorded: RecordedRequest[] = [];
  #counters = {
    requests: 0,
    succeeded: 0,
    byStatus: {} as Record<number, number>,
    rateLimited: 0,
    stormRejected: 0,
    chatRequests: 0,
    embeddingRequests: 0,
    embeddingInputs: 0,
    maxInFlight: 0,
    maxAcceptedInWindow: 0,
  };
  #closed = false;

  private constructor(server: Server, origin: string, opts: OpenAIEmulatorOptions) {
    this.#server = server;
    this.origin = origin;
    this.#opts = opts;
    this.#latencyMs = opts.latencyMs ?? 0;
  }

  static async start(opts: OpenAIEmulatorOptions = {}): Promise<OpenAIEmulator> {
    let emulator: OpenAIEmulator | undefined;
    const server = createServer((req, res) => {
      if (emulator) emulator.#handle(req, res);
      else res.destroy();
    });
    server.keepAliveTimeout = 5_000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const { port } = server.address() as AddressInfo;
    emulator = new OpenAIEmulator(server, `http://127.0.0.1:${port}`, opts);
    const em = emulator;
    server.on('connection', (socket) => {
      em.#sockets.add(socket);
      socket.on('close', () => em.#sockets.delete(socket));
    });
    return emulator;
  }

  /** `origin + prefix`, e.g. url('/v1/chat/completions'). */
  url(path = '/v1'): string {
    return `${this.origin}${path}`;
  }

  get counters(): EmulatorCounters {
    return { ...this.#counters, byStatus: { ...this.#counters.byStatus } };
  }

  /** The last requests (at most 200), oldest first. */
  get recorded(): readonly RecordedRequest[] {
    return [...this.#recorded];
  }

  setLatency(ms: number): void {
    this.#latencyMs = ms;
  }

  setRateLimit(rateLimit: RateLimitConfig | undefined): void {
    this.#opts = { ...this.#opts, rateLimit };
    this.#accepted = [];
  }

  /** Every authenticated request gets 429 (`rate_limit_exceeded`, Retry-After) for `durationMs`. */
  storm(durationMs: number, opts: { retryAfterSeconds?: number } = {}): void {
    this.#stormUntil = performance.now() + durationMs;
    this.#stormRetryAfterSeconds = opts.retryAfterSeconds ?? 1;
  }

  /** The next `count` valid requests fail as scripted (a status alone gets an OpenAI-style body). */
  failNext(count: number, failure: ScriptedFailure | number): void {
    const f = typeof failure === 'number' ? { status: failure } : failure;
    for (let i = 0; i < count; i++) this.#failures.push(f);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    this.#server.closeAllConnections();
    for (const s of this.#sockets) s.destroy();
    await closed;
  }

  #handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= MAX_BODY_BYTES) chunks.push(c);
    });
    req.on('end', () => this.#route(req, res, Buffer.concat(chunks).toString('utf8')));
    req.on('error', () => res.destroy());
  }

  #route(req: IncomingMessage, res: ServerResponse, rawBody: string): void {
    this.#counters.requests++;
    const path = (req.url ?? '/').split('?')[0]!.replace(/\/+$/, '');
    const kind = path.endsWith('/chat/completions') ? 'chat' : path.endsWith('/embeddings') ? 'embeddings' : undefined;
    const dashscope = path.includes('/compatible-mode/');
    const authorization = req.headers.authorization;
    const at = performance.now();
    let body: unknown;
    const reply = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
      this.#record({ at, path, authorization, body, status });
      this.#send(res, status, payload, headers, dashscope);
    };

    if (req.method !== 'POST' || kind === undefined) {
      return reply(404, errorBody(`Invalid URL (${req.method} ${path})`, 'invalid_request_error', null, null));
    }
    const auth = this.#checkAuth(authorization);
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
    const scripted = this.#failures.shift();
    if (scripted) {
      return reply(scripted.status, scripted.body ?? defaultFailureBody(scripted.status), { ...(scripted.headers ?? {}) });
    }
    const limited = this.#admit(now, String(b['model']));
    if (limited) return reply(429, limited.body, limited.headers);

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
      this.#counters.succeeded++;
      reply(200, answer, this.#rateHeaders(performance.now()));
    };
    if (this.#latencyMs <= 0) return respond();
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      respond();
    }, this.#latencyMs);
    this.#timers.add(timer);
  }

  #checkAuth(header: string | undefined): ErrorBody | undefined {
    const keys = this.#opts.apiKeys ?? ['test-key'];
    const m = /^Bearer\s+(.+)$/i.exec(header ?? '');
    if (!m) {
      return errorBody(
        "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY), or as the password field (with blank username) if you're accessing the API from your browser and are prompted for a username and password. You can obtain an API key from https://platform.openai.com/account/api-keys.",
        'invalid_request_error',
        null,
        null,
      );
    }
    const key = m[1]!.trim();
    if (keys.includes(key)) return undefined;
    const masked = key.length > 8 ? `${key.slice(0, 3)}${'*'.repeat(Math.min(20, key.length - 7))}${key.slice(-4)}` : '****';
    return errorBody(
      `Incorrect API key provided: ${masked}. You can find your API key at https://platform.openai.com/account/api-keys.`,
      'invalid_request_error',
      null,
      'invalid_api_key',
    );
  }

  /** Sliding window over accepted requests: at most `requests` in any (now - windowMs, now]. */
  #admit(now: number, model: string): { body: ErrorBody; headers: Record<string, string> } | undefined {
    const rl = this.#opts.rateLimit;
    if (!rl) return undefined;
    while (this.#accepted.length > 0 && this.#accepted[0]! <= now - rl.windowMs) this.#accepted.shift();
    if (this.#accepted.length >= rl.requests) {
      const waitMs = Math.max(1, Math.ceil(this.#accepted[0]! + rl.windowMs - now));
      const headers: Record<string, string> = {
        'retry-after': String(Math.max(1, Math.ceil(waitMs / 1000))),
        'x-ratelimit-limit-requests': String(rl.requests),
        'x-ratelimit-remaining-requests': '0',
        'x-ratelimit-reset-requests': `${waitMs}ms`,
      };
      if (rl.sendRetryAfterMs !== false) headers['retry-after-ms'] = String(waitMs);
      return { body: rateLimitBody(model, 'requests', waitMs, rl), headers };
    }
    this.#accepted.push(now);
    this.#counters.maxAcceptedInWindow = Math.max(this.#counters.maxAcceptedInWindow, this.#accepted.length);
    return undefined;
  }

  #rateHeaders(now: number): Record<string, string> {
    const rl = this.#opts.rateLimit;
    const limit = rl?.requests ?? 10_000;
    const used = rl ? this.#accepted.filter((t) => t > now - rl.windowMs).length : 0;
    const reset = rl && this.#accepted.length > 0 ? Math.max(0, Math.ceil(this.#accepted[0]! + rl.windowMs - now)) : 0;
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
    this.#counters.byStatus[status] = (this.#counters.byStatus[status] ?? 0) + 1;
    if (status === 429) this.#counters.rateLimited++;
    if (res.destroyed || res.headersSent) return;
    const requestId = `req_${randomUUID().replace(/-/g, '')}`;
    const body = dashscope && status >= 400 && payload !== null && typeof payload === 'object' ? { ...payload, request_id: requestId } : payload;
    res.writeHead(status, {
      'content-type': 'application/json',
      'x-request-id': requestId,
      'openai-version': '2020-10-01',
      'openai-organization': 'org-emulator',
      'openai-processing-ms': String(this.#latencyMs),
      ...headers,
    });
    res.end(JSON.stringify(body));
  }

  #record(r: RecordedRequest): void {
    this.#recorded.push(r);
    if (this.#recorded.length > RECORD_LIMIT) this.#recorded.shift();
  }
}

function errorBody(message: string, type: string, param: string | null, code: string | null): ErrorBody {
  return { error: { message, type, param, code } };
}

function rateLimitBody(model: string, type: 'requests' | 'tokens', waitMs: number, rl?: RateLimitConfig): ErrorBody {
  const limit = rl ? `Limit ${rl.requests}, Used ${rl.requests}, Requested 1. ` : '';
  return errorBody(
    `Rate limit reached for ${model} in organization org-emulator on requests per min (RPM): ${limit}Please try again in ${waitMs}ms. Visit https://platform.openai.com/account/rate-limits to learn more.`,
    type,
    null,
    'rate_limit_exceeded',
  );
}

function defaultFailureBody(status: number): ErrorBody {
  if (status === 429) {
    return errorBody('You exceeded your current quota, please check your plan and billing details.', 'insufficient_quota', null, 'insufficient_quota');
  }
  if (status === 503) return errorBody('The engine is currently overloaded, please try again later', 'server_error', null, null);
  if (status >= 500) return errorBody('The server had an error while processing your request. Sorry about that!', 'server_error', null, null);
  return errorBody(`Scripted failure with status ${status}`, 'invalid_request_error', null, null);
}

const CHAT_ROLES = new Set(['system', 'developer', 'user', 'assistant', 'tool', 'function']);
const EMBEDDING_KEYS = new Set(['model', 'input', 'encoding_format', 'dimensions', 'user']);

function validateChat(b: Record<string, unknown>, dashscope: boolean): ErrorBody | undefined {
  if (typeof b['model'] !== 'string' || b['model'] === '') {
    return errorBody('you must provide a model parameter', 'invalid_request_error', null, null);
  }
  const messages = b['messages'];
  if (messages === undefined) return errorBody("Missing required parameter: 'messages'.", 'invalid_request_error', 'messages', 'missing_required_parameter');
  if (!Array.isArray(messages)) return errorBody("Invalid type for 'messages': expected an array of objects.", 'invalid_request_error', 'messages', 'invalid_type');
  if (messages.length === 0) {
    return errorBody(
      "Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead.",
      'invalid_request_error',
      'messages',
      'empty_array',
    );
  }
  for (const [i, m] of messages.entries()) {
    const msg = m as Partial<ChatMessage> | null;
    if (!msg || typeof msg !== 'object' || typeof msg.role !== 'string' || !CHAT_ROLES.has(msg.role)) {
      return errorBody(`Invalid value for 'messages[${i}].role'.`, 'invalid_request_error', `messages.[${i}].role`, 'invalid_value');
    }
    if (msg.role !== 'assistant' && (msg.content === undefined || msg.content === null)) {
      return errorBody(`Invalid value for 'content': expected a string, got null.`, 'invalid_request_error', `messages.[${i}].content`, null);
    }
  }
  const range = (key: string, min: number, max: number, integer = false): ErrorBody | undefined => {
    const v = b[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'number' || (integer && !Number.isInteger(v))) {
      return errorBody(`Invalid type for '${key}': expected ${integer ? 'an integer' : 'a decimal'}.`, 'invalid_request_error', key, 'invalid_type');
    }
    if (v < min) return errorBody(`Invalid '${key}': ${integer ? 'integer' : 'decimal'} below minimum value. Expected a value >= ${min}, but got ${v} instead.`, 'invalid_request_error', key, `${integer ? 'integer' : 'decimal'}_below_min_value`);
    if (v > max) return errorBody(`Invalid '${key}': ${integer ? 'integer' : 'decimal'} above maximum value. Expected a value <= ${max}, but got ${v} instead.`, 'invalid_request_error', key, `${integer ? 'integer' : 'decimal'}_above_max_value`);
    return undefined;
  };
  const problem =
    range('n', 1, dashscope ? 4 : 128, true) ??
    range('temperature', 0, 2) ??
    range('top_p', 0, 1) ??
    range('presence_penalty', -2, 2) ??
    range('frequency_penalty', -2, 2) ??
    range('max_tokens', 1, Number.MAX_SAFE_INTEGER, true) ??
    range('max_completion_tokens', 1, Number.MAX_SAFE_INTEGER, true);
  if (problem) return problem;
  const stop = b['stop'];
  if (Array.isArray(stop) && stop.length > 4) {
    return errorBody(
      `Invalid 'stop': array too long. Expected an array with maximum length 4, but got an array with length ${stop.length} instead.`,
      'invalid_request_error',
      'stop',
      'array_above_max_length',
    );
  }
  const format = b['response_format'] as { type?: unknown } | undefined;
  if (format !== undefined) {
    if (!format || typeof format !== 'object' || !['text', 'json_object', 'json_schema'].includes(String(format.type))) {
      return errorBody("Invalid value for 'response_format.type'.", 'invalid_request_error', 'response_format.type', 'invalid_value');
    }
    const mentionsJson = (messages as ChatMessage[]).some((m) => textOf(m.content).toLowerCase().includes('json'));
    if (format.type === 'json_object' && !mentionsJson) {
      return errorBody(
        "'messages' must contain the word 'json' in some form, to use 'response_format' of type 'json_object'.",
        'invalid_request_error',
        'messages',
        null,
      );
    }
  }
  return undefined;
}

function validateEmbeddings(b: Record<string, unknown>, dashscope: boolean): ErrorBody | undefined {
  for (const key of Object.keys(b)) {
    if (!EMBEDDING_KEYS.has(key)) return errorBody(`Unrecognized request argument supplied: ${key}`, 'invalid_request_error', null, null);
  }
  if (typeof b['model'] !== 'string' || b['model'] === '') return errorBody('you must provide a model parameter', 'invalid_request_error', null, null);
  const badInput = errorBody("'$.input' is invalid. Please check the API reference: https://platform.openai.com/docs/api-reference.", 'invalid_request_error', null, null);
  const input = b['input'];
  const list = typeof input === 'string' ? [input] : Array.isArray(input) ? input : undefined;
  if (!list || list.length === 0 || list.some((s) => typeof s !== 'string' || s.length === 0)) return badInput;
  if (dashscope && list.length > 10) {
    return {
      error: {
        message: '<400> InternalError.Algo.InvalidParameter: Value error, batch size is invalid, it should not be larger than 10.: input.contents',
        type: 'InvalidParameter',
        param: null,
        code: 'InvalidParameter',
      },
    };
  }
  if (list.length > 2048) return badInput;
  if (list.reduce((sum, s) => sum + tokens(s as string), 0) > 300_000) {
    return errorBody('Requested 300001 tokens, max 300000 tokens per request', 'max_tokens_per_request', 'input', 'max_tokens_per_request');
  }
  const format = b['encoding_format'];
  if (format !== undefined && format !== 'float' && format !== 'base64') {
    return errorBody(`Invalid value for 'encoding_format': expected 'float' or 'base64'.`, 'invalid_request_error', 'encoding_format', 'invalid_value');
  }
  const dims = b['dimensions'];
  if (dims !== undefined) {
    if (typeof dims !== 'number' || !Number.isInteger(dims) || dims < 1) {
      return errorBody("Invalid 'dimensions': integer below minimum value.", 'invalid_request_error', 'dimensions', 'integer_below_min_value');
    }
    if (b['model'] === 'text-embedding-ada-002') return errorBody('This model does not support specifying dimensions.', 'invalid_request_error', null, null);
  }
  return undefined;
}

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map((p) => (p && typeof p === 'object' && 'text' in p ? String(p.text) : '')).join('');
  return '';
}

function tokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}

/** A unit vector seeded by the text: the same text always gets the same vector. */
export function defaultEmbedding(text: string, dimensions: number): number[] {
  const out: number[] = [];
  let block = createHash('sha256').update(text).digest();
  for (let i = 0; out.length < dimensions; i++) {
    if (i > 0 && i % 8 === 0) block = createHash('sha256').update(block).digest();
    out.push(block.readInt32LE((i % 8) * 4) / 2 ** 31);
  }
  const norm = Math.sqrt(out.reduce((s, x) => s + x * x, 0)) || 1;
  return out.map((x) => x / norm);
}
