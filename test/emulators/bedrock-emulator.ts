import { createHash, createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { defaultEmbedding } from './openai-emulator.js';

/**
 * A loopback Bedrock Runtime (provider-wire-formats.md §4, §9): `POST /model/{id}/invoke` for
 * Titan Embeddings (one text per call), Titan Text and Anthropic Messages, and
 * `POST /model/{id}/converse`. Every request's SigV4 signature is recomputed here from the raw
 * request with the configured secret (its own canonicalisation, not the client's signer), and a
 * mismatch, an unknown key, a wrong session token, scope or a stale date is answered 403 as AWS
 * does, with `x-amzn-ErrorType`. Bedrock API keys (`Authorization: Bearer`) are accepted too.
 * Scriptable: latency, a sliding-window rate limit (429 ThrottlingException), scripted failures.
 */

export interface EmulatorCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /** Temporary credentials: requests must carry this X-Amz-Security-Token. */
  readonly sessionToken?: string;
}

export interface BedrockTextRequest {
  readonly modelId: string;
  readonly operation: 'invoke' | 'converse';
  readonly system: string | undefined;
  readonly user: string;
  readonly body: Readonly<Record<string, unknown>>;
}

export interface BedrockScriptedFailure {
  readonly status: number;
  /** Error code for `x-amzn-ErrorType`; defaults to the Bedrock exception of the status. */
  readonly code?: string;
  readonly message?: string;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface BedrockEmulatorOptions {
  /** Default: one pair, AKIDEMULATOR / emulator-secret. */
  readonly credentials?: readonly EmulatorCredentials[];
  /** Bedrock API keys accepted as `Authorization: Bearer`. Default none. */
  readonly apiKeys?: readonly string[];
  /** The region signatures must be scoped to. Default us-east-1. */
  readonly region?: string;
  readonly latencyMs?: number;
  /** Generated text. Default `echo: <user text>`. */
  readonly respond?: (req: BedrockTextRequest) => string;
  /** Vector length when the request has no `dimensions`. Default 8. */
  readonly defaultDimensions?: number;
  readonly rateLimit?: { readonly requests: number; readonly windowMs: number };
  /** The emulator's clock, for signature expiry. Default Date.now. */
  readonly now?: () => number;
}

export interface BedrockRecordedRequest {
  /** The raw request path, e.g. `/model/anthropic.claude-3-haiku-20240307-v1%3A0/invoke`. */
  readonly path: string;
  readonly modelId: string;
  readonly operation: string;
  /** Lower-case header names. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: unknown;
  readonly status: number;
  readonly errorType: string | undefined;
}

export interface BedrockCounters {
  readonly requests: number;
  readonly succeeded: number;
  readonly byStatus: Readonly<Record<number, number>>;
  readonly signaturesVerified: number;
  readonly embeddingRequests: number;
  readonly textRequests: number;
}

type Family = 'titan-embed-v1' | 'titan-embed-v2' | 'titan-text' | 'anthropic';

interface Fail {
  readonly status: number;
  readonly code: string;
  readonly message: string;
  readonly headers?: Readonly<Record<string, string>>;
}

const DEFAULT_CREDENTIALS: readonly EmulatorCredentials[] = [{ accessKeyId: 'AKIDEMULATOR', secretAccessKey: 'emulator-secret' }];
const NAMESPACE = ':http://internal.amazon.com/coral/com.amazon.bedrock/';
const SKEW_MS = 5 * 60 * 1000;
const RECORD_LIMIT = 200;
const INVALID_TOKEN = 'The security token included in the request is invalid.';

export class BedrockEmulator {
  readonly origin: string;
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();
  readonly #timers = new Set<NodeJS.Timeout>();
  readonly #opts: BedrockEmulatorOptions;
  #latencyMs: number;
  #accepted: number[] = [];
  #failures: BedrockScriptedFailure[] = [];
  #recorded: BedrockRecordedRequest[] = [];
  #counters = { requests: 0, succeeded: 0, byStatus: {} as Record<number, number>, signaturesVerified: 0, embeddingRequests: 0, textRequests: 0 };
  #closed = false;

  private constructor(server: Server, origin: string, opts: BedrockEmulatorOptions) {
    this.#server = server;
    this.origin = origin;
    this.#opts = opts;
    this.#latencyMs = opts.latencyMs ?? 0;
  }

  static async start(opts: BedrockEmulatorOptions = {}): Promise<BedrockEmulator> {
    let emulator: BedrockEmulator | undefined;
    const server = createServer((req, res) => (emulator ? emulator.#handle(req, res) : res.destroy()));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const { port } = server.address() as AddressInfo;
    const em = new BedrockEmulator(server, `http://127.0.0.1:${port}`, opts);
    server.on('connection', (socket) => {
      em.#sockets.add(socket);
      socket.on('close', () => em.#sockets.delete(socket));
    });
    emulator = em;
    return em;
  }

  /** The endpoint of a model as the console shows it: the id unencoded, e.g. url('anthropic.claude-3-haiku-20240307-v1:0'). */
  url(modelId: string, operation: 'invoke' | 'converse' = 'invoke'): string {
    return `${this.origin}/model/${modelId}/${operation}`;
  }

  get counters(): BedrockCounters {
    return { ...this.#counters, byStatus: { ...this.#counters.byStatus } };
  }

  get recorded(): readonly BedrockRecordedRequest[] {
    return [...this.#recorded];
  }

  setLatency(ms: number): void {
    this.#latencyMs = ms;
  }

  /** The next `count` authenticated, valid requests fail as scripted. */
  failNext(count: number, failure: BedrockScriptedFailure | number): void {
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
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => this.#route(req, res, Buffer.concat(chunks)));
    req.on('error', () => res.destroy());
  }

  #route(req: IncomingMessage, res: ServerResponse, raw: Buffer): void {
    this.#counters.requests++;
    const rawUrl = req.url ?? '/';
    const qIndex = rawUrl.indexOf('?');
    const path = qIndex < 0 ? rawUrl : rawUrl.slice(0, qIndex);
    const headers = lowerHeaders(req);
    const m = /^\/model\/([^/]+)\/(invoke|converse)$/.exec(path);
    const modelId = m ? safeDecode(m[1]!) : '';
    const operation = m?.[2] ?? '';
    let body: unknown;
    const reply = (status: number, payload: unknown, extra: Record<string, string> = {}) => {
      const errorType = extra['x-amzn-ErrorType']?.split(':')[0];
      this.#recorded.push({ path, modelId, operation, headers, body, status, errorType });
      if (this.#recorded.length > RECORD_LIMIT) this.#recorded.shift();
      this.#send(res, status, payload, extra);
    };
    const fail = (f: Fail) => reply(f.status, { message: f.message }, { 'x-amzn-ErrorType': `${f.code}${NAMESPACE}`, ...(f.headers ?? {}) });

    if (req.method !== 'POST' || !m) return fail({ status: 404, code: 'UnknownOperationException', message: 'Unknown operation' });
    const denied = this.#authenticate(req.method, rawUrl, headers, req.rawHeaders, raw);
    if (denied) return fail(denied);
    const family = familyOf(modelId);
    if (!family) return fail(validation('The provided model identifier is invalid.'));
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch {
      return fail(validation('Malformed input request, please reformat your input and try again.'));
    }
    if (body === null || typeof body !== 'object' || Array.isArray(body)) return fail(validation('Malformed input request, please reformat your input and try again.'));
    const b = body as Record<string, unknown>;
    const problem = operation === 'converse' ? validateConverse(family, b) : validateInvoke(family, b);
    if (problem) return fail(validation(problem));
    const scripted = this.#failures.shift();
    if (scripted) {
      const d = defaultFailure(scripted.status);
      return fail({ status: scripted.status, code: scripted.code ?? d.code, message: scripted.message ?? d.message, headers: scripted.headers ?? {} });
    }
    if (this.#limited()) return fail({ status: 429, code: 'ThrottlingException', message: 'Too many requests, please wait before trying again.' });

    const answer = this.#answer(modelId, operation as 'invoke' | 'converse', family, b);
    const respond = () => {
      if (res.destroyed) return;
      this.#counters.succeeded++;
      reply(200, answer.body, answer.headers);
    };
    if (this.#latencyMs <= 0) return respond();
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      respond();
    }, this.#latencyMs);
    this.#timers.add(timer);
  }

  /** undefined when the request is authentic; otherwise the 403 AWS would send. */
  #authenticate(method: string, rawUrl: string, headers: Record<string, string>, rawHeaders: string[], body: Buffer): Fail | undefined {
    const authorization = headers['authorization'];
    const forbidden = (code: string, message: string): Fail => ({ status: 403, code, message });
    if (!authorization) return forbidden('MissingAuthenticationTokenException', 'Missing Authentication Token');
    if (/^Bearer\s/i.test(authorization)) {
      return (this.#opts.apiKeys ?? []).includes(authorization.slice(7).trim()) ? undefined : forbidden('UnrecognizedClientException', INVALID_TOKEN);
    }
    const m = /^AWS4-HMAC-SHA256\s+Credential=([^,\s]+),\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-f]{64})$/.exec(authorization.trim());
    if (!m) return forbidden('IncompleteSignatureException', `Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' parameters.`);
    const [accessKeyId, date, region, service, terminator] = m[1]!.split('/');
    const signedHeaders = m[2]!;
    const creds = (this.#opts.credentials ?? DEFAULT_CREDENTIALS).find((c) => c.accessKeyId === accessKeyId);
    if (!creds) return forbidden('UnrecognizedClientException', INVALID_TOKEN);
    if ((headers['x-amz-security-token'] ?? '') !== (creds.sessionToken ?? '')) return forbidden('UnrecognizedClientException', INVALID_TOKEN);
    const amzDate = headers['x-amz-date'] ?? '';
    const names = signedHeaders.split(';');
    if (!names.includes('host') || !names.includes('x-amz-date') || (creds.sessionToken && !names.includes('x-amz-security-token'))) {
      return forbidden('InvalidSignatureException', `'Host', 'X-Amz-Date' and 'X-Amz-Security-Token' must be signed. SignedHeaders=${signedHeaders}`);
    }
    const when = parseAmzDate(amzDate);
    const now = (this.#opts.now ?? Date.now)();
    if (when === undefined) return forbidden('IncompleteSignatureException', `Date must be in ISO-8601 'basic format'. Got '${amzDate}'.`);
    if (Math.abs(now - when) > SKEW_MS) {
      return forbidden('InvalidSignatureException', `Signature expired: ${amzDate} is now earlier than ${toAmzDate(new Date(now - SKEW_MS))} (${toAmzDate(new Date(now))} - 5 min.)`);
    }
    if (date !== amzDate.slice(0, 8) || terminator !== 'aws4_request') return forbidden('InvalidSignatureException', 'Credential should be scoped to a valid date.');
    if (region !== (this.#opts.region ?? 'us-east-1')) return forbidden('InvalidSignatureException', `Credential should be scoped to a valid region. `);
    if (service !== 'bedrock') return forbidden('InvalidSignatureException', `Credential should be scoped to correct service: 'bedrock'. `);

    const canonical = canonicalRequest(method, rawUrl, names, rawHeaders, body);
    const stringToSign = ['AWS4-HMAC-SHA256', amzDate, `${date}/${region}/${service}/aws4_request`, hex(canonical)].join('\n');
    let key: Buffer = createHmac('sha256', `AWS4${creds.secretAccessKey}`).update(date!).digest();
    for (const part of [region!, service!, 'aws4_request']) key = createHmac('sha256', key).update(part).digest();
    const expected = createHmac('sha256', key).update(stringToSign).digest();
    if (!timingSafeEqual(expected, Buffer.from(m[3]!, 'hex'))) {
      return forbidden(
        'InvalidSignatureException',
        'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. ' +
          `Consult the service documentation for details.\n\nThe Canonical String for this request should have been\n'${canonical}'\n\nThe String-to-Sign should have been\n'${stringToSign}'\n`,
      );
    }
    this.#counters.signaturesVerified++;
    return undefined;
  }

  #limited(): boolean {
    const rl = this.#opts.rateLimit;
    if (!rl) return false;
    const now = performance.now();
    while (this.#accepted.length > 0 && this.#accepted[0]! <= now - rl.windowMs) this.#accepted.shift();
    if (this.#accepted.length >= rl.requests) return true;
    this.#accepted.push(now);
    return false;
  }

  #answer(modelId: string, operation: 'invoke' | 'converse', family: Family, b: Record<string, unknown>): { body: unknown; headers: Record<string, string> } {
    if (family === 'titan-embed-v1' || family === 'titan-embed-v2') {
      this.#counters.embeddingRequests++;
      const text = b['inputText'] as string;
      const dims = typeof b['dimensions'] === 'number' ? b['dimensions'] : (this.#opts.defaultDimensions ?? 8);
      const embedding = defaultEmbedding(text, dims);
      const n = tokens(text);
      const body: Record<string, unknown> = { embedding, inputTextTokenCount: n };
      if (family === 'titan-embed-v2') body['embeddingsByType'] = { float: embedding };
      return { body, headers: usageHeaders(n, 0) };
    }
    this.#counters.textRequests++;
    const req = textRequest(modelId, operation, family, b);
    const text = this.#opts.respond ? this.#opts.respond(req) : `echo: ${req.user}`;
    const input = tokens(`${req.system ?? ''}${req.user}`);
    const output = tokens(text);
    if (operation === 'converse') {
      return {
        body: {
          output: { message: { role: 'assistant', content: [{ text }] } },
          stopReason: 'end_turn',
          usage: { inputTokens: input, outputTokens: output, totalTokens: input + output },
          metrics: { latencyMs: this.#latencyMs },
        },
        headers: {},
      };
    }
    if (family === 'titan-text') {
      return {
        body: { inputTextTokenCount: input, results: [{ tokenCount: output, outputText: text, completionReason: 'FINISH' }] },
        headers: usageHeaders(input, output),
      };
    }
    return {
      body: {
        id: `msg_bdrk_${randomUUID().replace(/-/g, '').slice(0, 24)}`,
        type: 'message',
        role: 'assistant',
        model: modelId.replace(/^.*anthropic\./, '').replace(/-v\d+:\d+$/, ''),
        content: [{ type: 'text', text }],
        stop_reason: 'end_turn',
        stop_sequence: null,
        usage: { input_tokens: input, output_tokens: output },
      },
      headers: usageHeaders(input, output),
    };
  }

  #send(res: ServerResponse, status: number, payload: unknown, headers: Record<string, string>): void {
    this.#counters.byStatus[status] = (this.#counters.byStatus[status] ?? 0) + 1;
    if (res.destroyed || res.headersSent) return;
    res.writeHead(status, { 'content-type': 'application/json', 'x-amzn-RequestId': randomUUID(), ...headers });
    res.end(JSON.stringify(payload));
  }
}

/** The canonical request AWS computes (non-S3): path normalised and encoded again, query sorted, signed headers folded. */
function canonicalRequest(method: string, rawUrl: string, names: readonly string[], rawHeaders: readonly string[], body: Buffer): string {
  const qIndex = rawUrl.indexOf('?');
  const path = qIndex < 0 ? rawUrl : rawUrl.slice(0, qIndex);
  const query = qIndex < 0 ? '' : rawUrl.slice(qIndex + 1);
  const segments = path.split('/').filter((s) => s !== '' && s !== '.');
  const uri = quote(`/${segments.join('/')}`);
  const pairs = query === '' ? [] : query.split('&').map((p) => (p.includes('=') ? p : `${p}=`));
  pairs.sort();
  const values = new Map<string, string[]>();
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!.toLowerCase();
    values.set(name, [...(values.get(name) ?? []), rawHeaders[i + 1]!.trim().replace(/\s+/g, ' ')]);
  }
  const canonicalHeaders = names.map((n) => `${n}:${(values.get(n) ?? []).join(',')}\n`).join('');
  return [method, uri, pairs.join('&'), canonicalHeaders, names.join(';'), hex(body)].join('\n');
}

function quote(path: string): string {
  return [...Buffer.from(path, 'utf8')].map((b) => (/[A-Za-z0-9_.~\-/]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, '0')}`)).join('');
}

function hex(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

function parseAmzDate(text: string): number | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(text);
  return m ? Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!) : undefined;
}

function toAmzDate(d: Date): string {
  return d.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

function lowerHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) out[k.toLowerCase()] = Array.isArray(v) ? v.join(',') : v;
  return out;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function familyOf(modelId: string): Family | undefined {
  const base = modelId.slice(modelId.lastIndexOf('/') + 1).replace(/^(?:us|eu|apac|global)\./, '');
  if (/^amazon\.titan-embed-(?:text-v1|g1-text-02)/.test(base)) return 'titan-embed-v1';
  if (base.startsWith('amazon.titan-embed-text-v2')) return 'titan-embed-v2';
  if (/^amazon\.titan-(?:text|tg1)/.test(base)) return 'titan-text';
  if (base.startsWith('anthropic.claude')) return 'anthropic';
  return undefined;
}

function validation(message: string): Fail {
  return { status: 400, code: 'ValidationException', message };
}

const malformed = (detail: string) => `Malformed input request: ${detail}, please reformat your input and try again.`;

function extraneous(b: Record<string, unknown>, allowed: readonly string[]): string | undefined {
  const extra = Object.keys(b).find((k) => !allowed.includes(k));
  return extra === undefined ? undefined : malformed(`extraneous key [${extra}] is not permitted`);
}

function validateInvoke(family: Family, b: Record<string, unknown>): string | undefined {
  switch (family) {
    case 'titan-embed-v1':
    case 'titan-embed-v2': {
      const problem = extraneous(b, family === 'titan-embed-v1' ? ['inputText'] : ['inputText', 'dimensions', 'normalize', 'embeddingTypes']);
      if (problem) return problem;
      if (!('inputText' in b)) return malformed('#: required key [inputText] not found');
      if (typeof b['inputText'] !== 'string') return malformed(`#/inputText: expected type: String, found: ${Array.isArray(b['inputText']) ? 'JSONArray' : 'JSONObject'}`);
      if (b['inputText'].length === 0 || b['inputText'].length > 50_000) return malformed('#/inputText: expected minLength: 1, maxLength: 50000');
      if (b['dimensions'] !== undefined && ![256, 512, 1024].includes(b['dimensions'] as number)) return malformed(`#/dimensions: ${String(b['dimensions'])} is not a valid enum value`);
      return undefined;
    }
    case 'titan-text': {
      const problem = extraneous(b, ['inputText', 'textGenerationConfig']);
      if (problem) return problem;
      if (typeof b['inputText'] !== 'string') return malformed('#: required key [inputText] not found');
      const config = (b['textGenerationConfig'] ?? {}) as Record<string, unknown>;
      const inner = extraneous(config, ['temperature', 'topP', 'maxTokenCount', 'stopSequences']);
      if (inner) return inner;
      if (typeof config['temperature'] === 'number' && (config['temperature'] < 0 || config['temperature'] > 1)) return malformed('#/textGenerationConfig/temperature: 1.5 is not less or equal to 1.0');
      return undefined;
    }
    case 'anthropic': {
      if (b['anthropic_version'] !== 'bedrock-2023-05-31') return 'invalid anthropic version';
      if (typeof b['max_tokens'] !== 'number') return malformed('#: required key [max_tokens] not found');
      if (!Array.isArray(b['messages']) || b['messages'].length === 0) return malformed('#: required key [messages] not found');
      if (typeof b['temperature'] === 'number' && (b['temperature'] < 0 || b['temperature'] > 1)) return malformed(`#/temperature: ${b['temperature']} is not less or equal to 1`);
      return extraneous(b, ['anthropic_version', 'max_tokens', 'messages', 'system', 'temperature', 'top_p', 'top_k', 'stop_sequences', 'tools', 'tool_choice', 'anthropic_beta']);
    }
  }
}

function validateConverse(family: Family, b: Record<string, unknown>): string | undefined {
  if (family === 'titan-embed-v1' || family === 'titan-embed-v2') return "This action doesn't support the model that you provided. Try again with a supported text or chat model.";
  const messages = b['messages'];
  if (!Array.isArray(messages) || messages.length === 0) return 'A conversation must start with a user message. Try again with a conversation that starts with a user message.';
  const config = (b['inferenceConfig'] ?? {}) as Record<string, unknown>;
  if (typeof config['temperature'] === 'number' && (config['temperature'] < 0 || config['temperature'] > 1)) {
    return '1 validation error detected: Value at \'inferenceConfig.temperature\' failed to satisfy constraint: Member must have value less than or equal to 1';
  }
  return undefined;
}

function textRequest(modelId: string, operation: 'invoke' | 'converse', family: Family, b: Record<string, unknown>): BedrockTextRequest {
  const textOf = (content: unknown) =>
    Array.isArray(content) ? content.map((p) => (p && typeof p === 'object' && 'text' in p ? String((p as { text: unknown }).text) : '')).join('') : String(content ?? '');
  const lastUser = (messages: unknown) => (Array.isArray(messages) ? [...messages].reverse().find((m) => m?.role === 'user') : undefined) as { content?: unknown } | undefined;
  if (operation === 'converse') {
    return { modelId, operation, system: Array.isArray(b['system']) ? textOf(b['system']) : undefined, user: textOf(lastUser(b['messages'])?.content), body: b };
  }
  if (family === 'titan-text') return { modelId, operation, system: undefined, user: String(b['inputText']), body: b };
  return { modelId, operation, system: typeof b['system'] === 'string' ? b['system'] : undefined, user: textOf(lastUser(b['messages'])?.content), body: b };
}

function usageHeaders(input: number, output: number): Record<string, string> {
  return {
    'x-amzn-bedrock-input-token-count': String(input),
    'x-amzn-bedrock-output-token-count': String(output),
    'x-amzn-bedrock-invocation-latency': '12',
  };
}

function defaultFailure(status: number): { code: string; message: string } {
  switch (status) {
    case 429:
      return { code: 'ThrottlingException', message: 'Too many requests, please wait before trying again.' };
    case 503:
      return { code: 'ServiceUnavailableException', message: 'Bedrock is unable to process your request.' };
    case 500:
      return { code: 'InternalServerException', message: 'The server encountered an internal error while processing the request.' };
    case 408:
      return { code: 'ModelTimeoutException', message: 'Model has timed out in processing the request.' };
    case 424:
      return { code: 'ModelErrorException', message: 'The request failed due to an error while processing the model.' };
    case 403:
      return { code: 'AccessDeniedException', message: "You don't have access to the model with the specified model ID." };
    case 404:
      return { code: 'ResourceNotFoundException', message: 'Could not resolve the foundation model from the provided model identifier.' };
    default:
      return { code: 'ValidationException', message: `Scripted failure with status ${status}` };
  }
}

function tokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}
