import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { defaultEmbedding, EmulatorServer, header, listenLoopback, tokens, type BaseCounters, type Loopback, type SlidingWindowLimit } from './emulator-server.js';

/**
 * A loopback Gemini API (provider-wire-formats.md §6, §9):
 * `POST /{v1beta|v1}/models/{model}:{generateContent|embedContent|batchEmbedContents}` with its
 * negative paths: a missing key (403 PERMISSION_DENIED), a bad key (400 INVALID_ARGUMENT
 * API_KEY_INVALID, not 401), unknown fields and models, more than 100 batch requests or a batch
 * request naming another model (400), and 429 RESOURCE_EXHAUSTED carrying QuotaFailure and
 * RetryInfo (a per-minute or a daily quota). Scriptable: latency, a sliding-window rate limit,
 * scripted failures, blocked prompts.
 */

export type GoogleModelKind = 'generate' | 'embed';

export interface GeminiGenerateRequest {
  readonly model: string;
  readonly system: string | undefined;
  readonly user: string;
  readonly body: Readonly<Record<string, unknown>>;
}

export interface GoogleScriptedFailure {
  readonly status: number;
  /** 429 only: the violated quota. Default a per-minute one; `...PerDay...` makes it a daily quota. */
  readonly quotaId?: string;
  /** 429 only: RetryInfo.retryDelay, e.g. '1s'. Default '1s'; null leaves RetryInfo out. */
  readonly retryDelay?: string | null;
  readonly body?: unknown;
}

export interface GoogleAIEmulatorOptions {
  /** Default ['google-test-key']. */
  readonly apiKeys?: readonly string[];
  /** Model name (without `models/`) -> what it serves. Default gemini-2.0-flash (generate) and gemini-embedding-001 (embed). */
  readonly models?: Readonly<Record<string, GoogleModelKind>>;
  readonly latencyMs?: number;
  /** Generated text. Default `echo: <user text>`. */
  readonly respond?: (req: GeminiGenerateRequest) => string;
  /** Prompts answered with promptFeedback.blockReason SAFETY and no candidates. */
  readonly blocked?: (text: string) => boolean;
  /** Vector length without outputDimensionality. Default 8. */
  readonly defaultDimensions?: number;
  readonly rateLimit?: SlidingWindowLimit;
  /** OAuth2 bearer tokens taken instead of a key (Application Default Credentials), e.g. a Vertex emulator's `isValidToken`. */
  readonly acceptBearer?: (token: string) => boolean;
}

export interface GoogleRecordedRequest {
  readonly path: string;
  readonly method: string;
  readonly apiKey: string | undefined;
  readonly query: Readonly<Record<string, string>>;
  readonly body: unknown;
  readonly status: number;
}

export interface GoogleCounters extends BaseCounters {
  readonly generateRequests: number;
  readonly embedRequests: number;
  readonly batchEmbedRequests: number;
  readonly embeddedTexts: number;
  readonly largestBatch: number;
}

const BATCH_LIMIT = 100;
const RPC = 'type.googleapis.com/google.rpc.';
const GENERATE_KEYS = new Set(['contents', 'systemInstruction', 'generationConfig', 'safetySettings', 'tools', 'toolConfig', 'cachedContent']);
const GENERATION_CONFIG_KEYS = new Set([
  'temperature',
  'topP',
  'topK',
  'maxOutputTokens',
  'stopSequences',
  'candidateCount',
  'seed',
  'responseMimeType',
  'responseSchema',
  'presencePenalty',
  'frequencyPenalty',
  'thinkingConfig',
]);
const EMBED_KEYS = new Set(['model', 'content', 'taskType', 'title', 'outputDimensionality']);

export class GoogleAIEmulator extends EmulatorServer<GoogleRecordedRequest, GoogleScriptedFailure> {
  readonly #opts: GoogleAIEmulatorOptions;
  readonly #models: Readonly<Record<string, GoogleModelKind>>;
  #counters = { generateRequests: 0, embedRequests: 0, batchEmbedRequests: 0, embeddedTexts: 0, largestBatch: 0 };

  private constructor(loopback: Loopback, opts: GoogleAIEmulatorOptions) {
    super(loopback, { latencyMs: opts.latencyMs });
    this.#opts = opts;
    this.#models = opts.models ?? { 'gemini-2.0-flash': 'generate', 'gemini-embedding-001': 'embed' };
  }

  static async start(opts: GoogleAIEmulatorOptions = {}): Promise<GoogleAIEmulator> {
    return new GoogleAIEmulator(await listenLoopback(), opts);
  }

  /** e.g. url('gemini-2.0-flash', 'generateContent'); no method gives the bare model URL. */
  url(model: string, method?: string): string {
    return `${this.origin}/v1beta/models/${model}${method ? `:${method}` : ''}`;
  }

  get counters(): GoogleCounters {
    return { ...this.baseCounters(), ...this.#counters };
  }

  protected override route(req: IncomingMessage, res: ServerResponse, raw: Buffer): void {
    const rawBody = raw.toString('utf8');
    const url = new URL(req.url ?? '/', this.origin);
    const path = decodeURIComponent(url.pathname);
    const query = Object.fromEntries(url.searchParams);
    const headerKey = req.headers['x-goog-api-key'];
    const apiKey = (Array.isArray(headerKey) ? headerKey[0] : headerKey) ?? query['key'];
    const m = /^\/(v1beta|v1|v1alpha)\/models\/([^/:]+):([A-Za-z]+)$/.exec(path);
    const method = m?.[3] ?? '';
    let body: unknown;
    const reply = (status: number, payload: unknown) => {
      this.record({ path, method, apiKey, query, body, status });
      this.sendJson(res, status, payload, { 'content-type': 'application/json; charset=UTF-8', 'x-gemini-service-tier': 'standard', server: 'scaffolding on HTTPServer2' });
    };
    const fail = (code: number, status: string, message: string, details?: unknown[]) => reply(code, rpcError(code, status, message, details));

    if (req.method !== 'POST' || !m) return fail(404, 'NOT_FOUND', `Requested entity was not found.`);
    const bearer = /^Bearer (\S+)$/.exec(header(req, 'authorization') ?? '')?.[1];
    if (bearer !== undefined && apiKey === undefined) {
      if (!this.#opts.acceptBearer?.(bearer)) return fail(401, 'UNAUTHENTICATED', 'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.');
    } else if (apiKey === undefined) {
      return fail(403, 'PERMISSION_DENIED', "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.");
    } else if (!(this.#opts.apiKeys ?? ['google-test-key']).includes(apiKey)) {
      return fail(400, 'INVALID_ARGUMENT', 'API key not valid. Please pass a valid API key.', [
        { '@type': `${RPC}ErrorInfo`, reason: 'API_KEY_INVALID', domain: 'googleapis.com', metadata: { service: 'generativelanguage.googleapis.com' } },
        { '@type': `${RPC}LocalizedMessage`, locale: 'en-US', message: 'API key not valid. Please pass a valid API key.' },
      ]);
    }
    const model = m[2]!;
    const kind = this.#models[model];
    const wanted: GoogleModelKind | undefined = method === 'generateContent' ? 'generate' : method === 'embedContent' || method === 'batchEmbedContents' ? 'embed' : undefined;
    if (!kind || kind !== wanted) {
      return fail(404, 'NOT_FOUND', `models/${model} is not found for API version ${m[1]}, or is not supported for ${method}. Call ListModels to see the list of available models and their supported methods.`);
    }
    try {
      body = JSON.parse(rawBody);
    } catch {
      return fail(400, 'INVALID_ARGUMENT', 'Invalid JSON payload received. Unexpected token.');
    }
    if (body === null || typeof body !== 'object' || Array.isArray(body)) return fail(400, 'INVALID_ARGUMENT', 'Invalid JSON payload received.');
    const b = body as Record<string, unknown>;
    const problem = method === 'generateContent' ? validateGenerate(b) : method === 'embedContent' ? validateEmbed(b, model, 'EmbedContentRequest') : validateBatch(b, model);
    if (problem) return fail(400, 'INVALID_ARGUMENT', problem);

    const scripted = this.nextFailure();
    if (scripted) return reply(scripted.status, scripted.body ?? scriptedBody(scripted, model));
    const waitMs = this.admit(this.#opts.rateLimit);
    if (waitMs !== undefined) return reply(429, quotaBody(model, 'GenerateRequestsPerMinutePerProjectPerModel-FreeTier', `${(waitMs / 1000).toFixed(3)}s`));

    const answer = method === 'generateContent' ? this.#generate(model, b) : method === 'embedContent' ? this.#embed(b) : this.#batch(b);
    const respond = () => {
      if (res.destroyed) return;
      this.stats.succeeded++;
      reply(200, answer);
    };
    this.afterLatency(respond);
  }

  #generate(model: string, b: Record<string, unknown>): unknown {
    this.#counters.generateRequests++;
    const contents = b['contents'] as { role?: string; parts?: { text?: string }[] }[];
    const user = partsText([...contents].reverse().find((c) => c.role === undefined || c.role === 'user')?.parts);
    const instruction = b['systemInstruction'] as { parts?: { text?: string }[] } | undefined;
    const system = instruction ? partsText(instruction.parts) : undefined;
    const promptTokenCount = tokens(`${system ?? ''}${user}`);
    if (this.#opts.blocked?.(user)) {
      return { promptFeedback: { blockReason: 'SAFETY', safetyRatings: [] }, usageMetadata: { promptTokenCount, totalTokenCount: promptTokenCount }, modelVersion: model };
    }
    const text = this.#opts.respond ? this.#opts.respond({ model, system, user, body: b }) : `echo: ${user}`;
    const candidatesTokenCount = tokens(text);
    return {
      candidates: [{ content: { role: 'model', parts: [{ text }] }, finishReason: 'STOP', index: 0, safetyRatings: [] }],
      usageMetadata: { promptTokenCount, candidatesTokenCount, totalTokenCount: promptTokenCount + candidatesTokenCount },
      modelVersion: model,
      responseId: randomUUID().replace(/-/g, '').slice(0, 22),
    };
  }

  #vector(request: Record<string, unknown>): { values: number[] } {
    const dims = typeof request['outputDimensionality'] === 'number' ? request['outputDimensionality'] : (this.#opts.defaultDimensions ?? 8);
    return { values: defaultEmbedding(partsText((request['content'] as { parts?: { text?: string }[] }).parts), dims) };
  }

  #embed(b: Record<string, unknown>): unknown {
    this.#counters.embedRequests++;
    this.#counters.embeddedTexts++;
    this.#counters.largestBatch = Math.max(this.#counters.largestBatch, 1);
    return { embedding: this.#vector(b) };
  }

  #batch(b: Record<string, unknown>): unknown {
    const requests = b['requests'] as Record<string, unknown>[];
    this.#counters.batchEmbedRequests++;
    this.#counters.embeddedTexts += requests.length;
    this.#counters.largestBatch = Math.max(this.#counters.largestBatch, requests.length);
    return { embeddings: requests.map((r) => this.#vector(r)) };
  }

}

function rpcError(code: number, status: string, message: string, details?: unknown[]): unknown {
  return { error: details ? { code, message, status, details } : { code, message, status } };
}

function quotaBody(model: string, quotaId: string, retryDelay: string | null): unknown {
  const details: unknown[] = [
    {
      '@type': `${RPC}QuotaFailure`,
      violations: [
        {
          quotaMetric: 'generativelanguage.googleapis.com/generate_content_free_tier_requests',
          quotaId,
          quotaDimensions: { location: 'global', model },
          quotaValue: /PerDay/.test(quotaId) ? '200' : '15',
        },
      ],
    },
    { '@type': `${RPC}Help`, links: [{ description: 'Learn more about Gemini API quotas', url: 'https://ai.google.dev/gemini-api/docs/rate-limits' }] },
  ];
  if (retryDelay !== null) details.push({ '@type': `${RPC}RetryInfo`, retryDelay });
  return rpcError(
    429,
    'RESOURCE_EXHAUSTED',
    'You exceeded your current quota, please check your plan and billing details. For more information on this error, head to: https://ai.google.dev/gemini-api/docs/rate-limits.',
    details,
  );
}

function scriptedBody(f: GoogleScriptedFailure, model: string): unknown {
  if (f.status === 429) return quotaBody(model, f.quotaId ?? 'GenerateRequestsPerMinutePerProjectPerModel-FreeTier', f.retryDelay === undefined ? '1s' : f.retryDelay);
  if (f.status === 503) return rpcError(503, 'UNAVAILABLE', 'The model is overloaded. Please try again later.');
  if (f.status === 500) return rpcError(500, 'INTERNAL', 'An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting');
  if (f.status === 504) return rpcError(504, 'DEADLINE_EXCEEDED', 'Deadline expired before operation could complete.');
  return rpcError(f.status, 'INVALID_ARGUMENT', `Scripted failure with status ${f.status}`);
}

function unknownField(b: Record<string, unknown>, allowed: ReadonlySet<string>, at?: string): string | undefined {
  const extra = Object.keys(b).find((k) => !allowed.has(k));
  if (extra === undefined) return undefined;
  return `Invalid JSON payload received. Unknown name "${extra}"${at ? ` at '${at}'` : ''}: Cannot find field.`;
}

function validateGenerate(b: Record<string, unknown>): string | undefined {
  const unknown = unknownField(b, GENERATE_KEYS);
  if (unknown) return unknown;
  const contents = b['contents'];
  if (!Array.isArray(contents) || contents.length === 0) return '* GenerateContentRequest.contents: contents is not specified\n';
  for (const [i, c] of contents.entries()) {
    if (!c || typeof c !== 'object' || !Array.isArray((c as { parts?: unknown }).parts) || (c as { parts: unknown[] }).parts.length === 0) {
      return `* GenerateContentRequest.contents[${i}].parts: contents.parts must not be empty.\n`;
    }
  }
  const config = b['generationConfig'];
  if (config !== undefined) {
    if (!config || typeof config !== 'object') return "Invalid value at 'generation_config'";
    const c = config as Record<string, unknown>;
    const inner = unknownField(c, GENERATION_CONFIG_KEYS, 'generation_config');
    if (inner) return inner;
    if (typeof c['temperature'] === 'number' && (c['temperature'] < 0 || c['temperature'] > 2)) {
      return '* GenerateContentRequest.generation_config.temperature: must be in the range [0.0, 2.0]\n';
    }
    if (Array.isArray(c['stopSequences']) && c['stopSequences'].length > 5) return '* GenerateContentRequest.generation_config.stop_sequences: at most 5 stop sequences are allowed\n';
  }
  return undefined;
}

function validateEmbed(b: Record<string, unknown>, model: string, what: string): string | undefined {
  const unknown = unknownField(b, EMBED_KEYS);
  if (unknown) return unknown;
  const content = b['content'] as { parts?: unknown } | undefined;
  if (!content || !Array.isArray(content.parts) || content.parts.length === 0) return `* ${what}.content: content is not specified\n`;
  if (b['model'] !== undefined && b['model'] !== `models/${model}`) return `* ${what}.model: model must be "models/${model}", the model of the request URL\n`;
  return undefined;
}

function validateBatch(b: Record<string, unknown>, model: string): string | undefined {
  const unknown = unknownField(b, new Set(['requests']));
  if (unknown) return unknown;
  const requests = b['requests'];
  if (!Array.isArray(requests) || requests.length === 0) return '* BatchEmbedContentsRequest.requests: requests is not specified\n';
  if (requests.length > BATCH_LIMIT) return `* BatchEmbedContentsRequest.requests: at most ${BATCH_LIMIT} requests can be in one batch\n`;
  for (const [i, r] of requests.entries()) {
    if (!r || typeof r !== 'object') return `* BatchEmbedContentsRequest.requests[${i}]: invalid request\n`;
    if ((r as Record<string, unknown>)['model'] === undefined) return `* BatchEmbedContentsRequest.requests[${i}].model: model is not specified\n`;
    const problem = validateEmbed(r as Record<string, unknown>, model, `BatchEmbedContentsRequest.requests[${i}]`);
    if (problem) return problem;
  }
  return undefined;
}

function partsText(parts: readonly { text?: string }[] | undefined): string {
  return (parts ?? []).map((p) => p.text ?? '').join('');
}
