import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { defaultEmbedding, EmulatorServer, listenLoopback, tokens, type BaseCounters, type Loopback, type SlidingWindowLimit } from './emulator-server.js';
import { authenticate, type EmulatorCredentials, type Fail } from './bedrock-sigv4.js';

export type { EmulatorCredentials } from './bedrock-sigv4.js';

/**
 * A loopback Bedrock Runtime (provider-wire-formats.md §4, §9): `POST /model/{id}/invoke` for
 * Titan Embeddings (one text per call), Titan Text and Anthropic Messages, and
 * `POST /model/{id}/converse`. Every request's SigV4 signature is recomputed here from the raw
 * request with the configured secret (its own canonicalisation, not the client's signer), and a
 * mismatch, an unknown key, a wrong session token, scope or a stale date is answered 403 as AWS
 * does, with `x-amzn-ErrorType`. Bedrock API keys (`Authorization: Bearer`) are accepted too.
 * Scriptable: latency, a sliding-window rate limit (429 ThrottlingException), scripted failures.
 */

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
  readonly rateLimit?: SlidingWindowLimit;
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

export interface BedrockCounters extends BaseCounters {
  readonly signaturesVerified: number;
  readonly embeddingRequests: number;
  readonly textRequests: number;
}

type Family = 'titan-embed-v1' | 'titan-embed-v2' | 'titan-text' | 'anthropic';

const NAMESPACE = ':http://internal.amazon.com/coral/com.amazon.bedrock/';

export class BedrockEmulator extends EmulatorServer<BedrockRecordedRequest, BedrockScriptedFailure> {
  readonly #opts: BedrockEmulatorOptions;
  #counters = { signaturesVerified: 0, embeddingRequests: 0, textRequests: 0 };

  private constructor(loopback: Loopback, opts: BedrockEmulatorOptions) {
    super(loopback, { latencyMs: opts.latencyMs });
    this.#opts = opts;
  }

  static async start(opts: BedrockEmulatorOptions = {}): Promise<BedrockEmulator> {
    return new BedrockEmulator(await listenLoopback(), opts);
  }

  /** The endpoint of a model as the console shows it: the id unencoded, e.g. url('anthropic.claude-3-haiku-20240307-v1:0'). */
  url(modelId: string, operation: 'invoke' | 'converse' = 'invoke'): string {
    return `${this.origin}/model/${modelId}/${operation}`;
  }

  get counters(): BedrockCounters {
    return { ...this.baseCounters(), ...this.#counters };
  }

  protected override route(req: IncomingMessage, res: ServerResponse, raw: Buffer): void {
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
      this.record({ path, modelId, operation, headers, body, status, errorType });
      this.sendJson(res, status, payload, { 'content-type': 'application/json', 'x-amzn-RequestId': randomUUID(), ...extra });
    };
    const fail = (f: Fail) => reply(f.status, { message: f.message }, { 'x-amzn-ErrorType': `${f.code}${NAMESPACE}`, ...(f.headers ?? {}) });

    if (req.method !== 'POST' || !m) return fail({ status: 404, code: 'UnknownOperationException', message: 'Unknown operation' });
    const auth = authenticate({ method: req.method, rawUrl, headers, rawHeaders: req.rawHeaders, body: raw }, this.#opts);
    if (typeof auth === 'object') return fail(auth);
    if (auth === 'sigv4') this.#counters.signaturesVerified++;
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
    const scripted = this.nextFailure();
    if (scripted) {
      const d = defaultFailure(scripted.status);
      return fail({ status: scripted.status, code: scripted.code ?? d.code, message: scripted.message ?? d.message, headers: scripted.headers ?? {} });
    }
    if (this.admit(this.#opts.rateLimit) !== undefined) return fail({ status: 429, code: 'ThrottlingException', message: 'Too many requests, please wait before trying again.' });

    const answer = this.#answer(modelId, operation as 'invoke' | 'converse', family, b);
    const respond = () => {
      if (res.destroyed) return;
      this.stats.succeeded++;
      reply(200, answer.body, answer.headers);
    };
    this.afterLatency(respond);
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
          metrics: { latencyMs: this.latencyMs },
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
