import { randomUUID, verify, type KeyObject } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { defaultEmbedding, EmulatorServer, header, listenLoopback, tokens, type BaseCounters, type Loopback } from './emulator-server.js';

/**
 * A loopback Vertex AI with its OAuth2 token endpoint (provider-wire-formats.md §7):
 * - `POST /token`: the JWT bearer grant (§7.3). The assertion's RS256 signature is verified with
 *   the service account's public key, and `kid`, `aud` (this token URI), `scope` (cloud-platform)
 *   and `iat`/`exp` (at most an hour apart, around the emulator's now) are checked; failures answer
 *   `invalid_grant` / `invalid_scope` as Google does. Tokens live `tokenLifetimeS`.
 * - `POST /v1/projects/{p}/locations/{l}/publishers/google/models/{m}:generateContent` (Gemini
 *   bodies, `role` required), `...models/{m}:predict` (text embeddings, at most 250 instances,
 *   gemini-embedding-001 one), `...models/{m}:embedContent` (one text), `.../endpoints/{id}:predict` (TF-Serving `instances`, answered by
 *   `predict`). Each needs `Authorization: Bearer` with a live token (else 401 UNAUTHENTICATED).
 * Scriptable: latency, failures (429 with `Retry-After`, 5xx), revoking every token issued.
 */

export interface EmulatedServiceAccount {
  readonly clientEmail: string;
  readonly publicKey: KeyObject;
  readonly keyId?: string;
}

export interface VertexScriptedFailure {
  readonly status: number;
  /** Seconds, sent as `Retry-After`. */
  readonly retryAfter?: string;
  readonly body?: unknown;
}

export interface VertexAIEmulatorOptions {
  readonly accounts: readonly EmulatedServiceAccount[];
  /** `expires_in` of issued tokens. Default 3599. */
  readonly tokenLifetimeS?: number;
  /** The emulator's clock in ms (token expiry, JWT timeframe). Default Date.now. */
  readonly now?: () => number;
  readonly latencyMs?: number;
  /** Gemini text. Default `echo: <user text>`. */
  readonly respond?: (req: { readonly model: string; readonly system: string | undefined; readonly user: string }) => string;
  /** A custom endpoint's prediction for one instance. Default `{ echo: instance }`. */
  readonly predict?: (instance: unknown, endpointId: string) => unknown;
  readonly geminiModels?: readonly string[];
  readonly embeddingModels?: readonly string[];
  readonly endpoints?: readonly string[];
  /** Vector length without outputDimensionality. Default 8. */
  readonly defaultDimensions?: number;
}

export interface VertexRecordedRequest {
  readonly path: string;
  readonly authorization: string | undefined;
  readonly body: unknown;
  readonly status: number;
}

export interface VertexCounters extends BaseCounters {
  readonly tokenRequests: number;
  readonly tokensIssued: number;
  readonly generateRequests: number;
  readonly predictRequests: number;
  readonly instances: number;
  readonly largestBatch: number;
}

export const PROJECT = 'test-project';
export const LOCATION = 'us-central1';
const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
const CLOUD_PLATFORM = 'https://www.googleapis.com/auth/cloud-platform';
const EMBED_LIMIT = 250;
/** Google tolerates some skew between the signer's clock and its own. */
const SKEW_S = 300;

export class VertexAIEmulator extends EmulatorServer<VertexRecordedRequest, VertexScriptedFailure> {
  readonly #opts: VertexAIEmulatorOptions;
  readonly #now: () => number;
  readonly #tokens = new Map<string, { expiresAt: number; scopes: readonly string[] }>();
  #counters = { tokenRequests: 0, tokensIssued: 0, generateRequests: 0, predictRequests: 0, instances: 0, largestBatch: 0 };

  private constructor(loopback: Loopback, opts: VertexAIEmulatorOptions) {
    super(loopback, { latencyMs: opts.latencyMs });
    this.#opts = opts;
    this.#now = opts.now ?? Date.now;
  }

  static async start(opts: VertexAIEmulatorOptions): Promise<VertexAIEmulator> {
    return new VertexAIEmulator(await listenLoopback(), opts);
  }

  get tokenUri(): string {
    return `${this.origin}/token`;
  }

  /** e.g. publisherUrl('gemini-2.0-flash', 'generateContent'). */
  publisherUrl(model: string, method: string): string {
    return `${this.origin}/v1/projects/${PROJECT}/locations/${LOCATION}/publishers/google/models/${model}:${method}`;
  }

  endpointUrl(id: string, method = 'predict'): string {
    return `${this.origin}/v1/projects/${PROJECT}/locations/${LOCATION}/endpoints/${id}:${method}`;
  }

  get counters(): VertexCounters {
    return { ...this.baseCounters(), ...this.#counters };
  }

  /** Whether `token` is live and was issued with `scope` (other loopback APIs check bearer tokens through this). */
  isValidToken(token: string, scope?: string): boolean {
    const t = this.#tokens.get(token);
    return t !== undefined && this.#now() < t.expiresAt && (scope === undefined || t.scopes.includes(scope));
  }

  /** Every token issued so far stops working, as after a key rotation. */
  revokeTokens(): void {
    this.#tokens.clear();
  }

  protected override route(req: IncomingMessage, res: ServerResponse, raw: Buffer): void {
    const url = new URL(req.url ?? '/', this.origin);
    const path = decodeURIComponent(url.pathname);
    const authorization = header(req, 'authorization');
    let body: unknown;
    const reply = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
      this.record({ path, authorization, body, status });
      this.sendJson(res, status, payload, { 'content-type': 'application/json; charset=UTF-8', ...headers });
    };
    if (req.method === 'POST' && path === '/token') return this.#token(req, raw.toString('utf8'), reply);

    const fail = (code: number, status: string, message: string, details?: unknown[]) => reply(code, rpcError(code, status, message, details));
    const m = /^\/v1\/projects\/([^/]+)\/locations\/([^/]+)\/(?:publishers\/google\/models\/([^/:]+)|endpoints\/([^/:]+)):([A-Za-z]+)$/.exec(path);
    if (req.method !== 'POST' || !m) return fail(404, 'NOT_FOUND', 'The requested URL was not found on this server.');
    const bearer = /^Bearer (\S+)$/.exec(authorization ?? '')?.[1];
    if (bearer === undefined && header(req, 'x-goog-api-key') !== undefined) {
      return fail(401, 'UNAUTHENTICATED', 'API keys are not supported by this API. Expected OAuth2 access token or other authentication credentials that assert a principal.', [
        { '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'CREDENTIALS_MISSING', domain: 'googleapis.com' },
      ]);
    }
    if (bearer === undefined || !this.isValidToken(bearer, CLOUD_PLATFORM)) {
      return fail(401, 'UNAUTHENTICATED', 'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.', [
        { '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'ACCESS_TOKEN_TYPE_UNSUPPORTED', domain: 'googleapis.com' },
      ]);
    }
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch {
      return fail(400, 'INVALID_ARGUMENT', 'Invalid JSON payload received.');
    }
    if (body === null || typeof body !== 'object' || Array.isArray(body)) return fail(400, 'INVALID_ARGUMENT', 'Invalid JSON payload received.');
    const b = body as Record<string, unknown>;
    const [, , , model, endpointId, method] = m;
    let answer: () => unknown;
    if (model !== undefined && method === 'generateContent' && (this.#opts.geminiModels ?? ['gemini-2.0-flash']).includes(model)) {
      const problem = validateGenerate(b);
      if (problem) return fail(400, 'INVALID_ARGUMENT', problem);
      answer = () => this.#generate(model, b);
    } else if (model !== undefined && method === 'predict' && (this.#opts.embeddingModels ?? ['text-embedding-005', 'gemini-embedding-001']).includes(model)) {
      const problem = validateEmbed(b, model);
      if (problem) return fail(400, 'INVALID_ARGUMENT', problem);
      answer = () => this.#embed(b);
    } else if (model !== undefined && method === 'embedContent' && (this.#opts.embeddingModels ?? ['text-embedding-005', 'gemini-embedding-001']).includes(model)) {
      const parts = (b['content'] as { parts?: unknown } | undefined)?.parts;
      if (!Array.isArray(parts) || parts.length === 0) return fail(400, 'INVALID_ARGUMENT', 'content.parts must not be empty.');
      answer = () => this.#embedContent(b);
    } else if (endpointId !== undefined && method === 'predict' && (this.#opts.endpoints ?? ['1234567890']).includes(endpointId)) {
      if (!Array.isArray(b['instances']) || b['instances'].length === 0) return fail(400, 'INVALID_ARGUMENT', '"instances" must be a non-empty list.');
      answer = () => this.#predict(b['instances'] as unknown[], endpointId);
    } else {
      return fail(404, 'NOT_FOUND', `${model ? `Publisher Model \`projects/${m[1]}/locations/${m[2]}/publishers/google/models/${model}\`` : `Endpoint \`${endpointId}\``} was not found or does not support ${method}.`);
    }
    const scripted = this.nextFailure();
    if (scripted) return reply(scripted.status, scripted.body ?? scriptedBody(scripted.status), scripted.retryAfter ? { 'retry-after': scripted.retryAfter } : {});
    const payload = answer();
    this.afterLatency(() => {
      if (res.destroyed) return;
      this.stats.succeeded++;
      reply(200, payload);
    });
  }

  #token(req: IncomingMessage, text: string, reply: (status: number, payload: unknown) => void): void {
    this.#counters.tokenRequests++;
    const grant = (error: string, description: string) => reply(400, { error, error_description: description });
    if (!(header(req, 'content-type') ?? '').startsWith('application/x-www-form-urlencoded')) return grant('invalid_request', 'Bad Request');
    const form = new URLSearchParams(text);
    if (form.get('grant_type') !== JWT_BEARER) return grant('unsupported_grant_type', 'Invalid grant_type: ' + (form.get('grant_type') ?? ''));
    const parts = (form.get('assertion') ?? '').split('.');
    if (parts.length !== 3) return grant('invalid_grant', 'Invalid JWT: the assertion is not a JWT.');
    const [h, c, s] = parts as [string, string, string];
    let jwtHeader: Record<string, unknown>;
    let claims: Record<string, unknown>;
    try {
      jwtHeader = JSON.parse(Buffer.from(h, 'base64url').toString('utf8')) as Record<string, unknown>;
      claims = JSON.parse(Buffer.from(c, 'base64url').toString('utf8')) as Record<string, unknown>;
    } catch {
      return grant('invalid_grant', 'Invalid JWT: the header or claims are not JSON.');
    }
    if (jwtHeader['alg'] !== 'RS256') return grant('invalid_grant', 'Invalid JWT: only RS256 is accepted.');
    const account = this.#opts.accounts.find((a) => a.clientEmail === claims['iss']);
    if (!account) return grant('invalid_grant', 'Invalid grant: account not found');
    if (account.keyId !== undefined && jwtHeader['kid'] !== account.keyId) return grant('invalid_grant', 'Invalid JWT Signature.');
    if (!verify('sha256', Buffer.from(`${h}.${c}`), account.publicKey, Buffer.from(s, 'base64url'))) return grant('invalid_grant', 'Invalid JWT Signature.');
    if (claims['aud'] !== this.tokenUri) return grant('invalid_grant', `Invalid JWT: Failed audience check. The right audience is ${this.tokenUri}`);
    const scopes = typeof claims['scope'] === 'string' ? claims['scope'].split(' ') : [];
    if (!scopes.includes(CLOUD_PLATFORM)) return reply(400, { error: 'invalid_scope', error_description: 'Invalid OAuth scope or ID token audience provided.' });
    const iat = Number(claims['iat']);
    const exp = Number(claims['exp']);
    const now = this.#now() / 1000;
    if (!Number.isFinite(iat) || !Number.isFinite(exp) || exp - iat > 3600 || exp <= iat || iat > now + SKEW_S || exp < now - SKEW_S) {
      return grant('invalid_grant', 'Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check your iat and exp values in the JWT claim.');
    }
    const lifetime = this.#opts.tokenLifetimeS ?? 3599;
    const token = `ya29.emu-${randomUUID()}`;
    this.#tokens.set(token, { expiresAt: this.#now() + lifetime * 1000, scopes });
    this.#counters.tokensIssued++;
    this.stats.succeeded++;
    reply(200, { access_token: token, expires_in: lifetime, token_type: 'Bearer' });
  }

  #generate(model: string, b: Record<string, unknown>): unknown {
    this.#counters.generateRequests++;
    const contents = b['contents'] as { parts: { text?: string }[] }[];
    const user = partsText(contents.at(-1)!.parts);
    const instruction = b['systemInstruction'] as { parts?: { text?: string }[] } | undefined;
    const system = instruction ? partsText(instruction.parts) : undefined;
    const text = this.#opts.respond ? this.#opts.respond({ model, system, user }) : `echo: ${user}`;
    const promptTokenCount = tokens(`${system ?? ''}${user}`);
    const candidatesTokenCount = tokens(text);
    return {
      candidates: [{ content: { role: 'model', parts: [{ text }] }, finishReason: 'STOP', avgLogprobs: -0.1 }],
      usageMetadata: { promptTokenCount, candidatesTokenCount, totalTokenCount: promptTokenCount + candidatesTokenCount },
      modelVersion: model,
      createTime: new Date(this.#now()).toISOString(),
      responseId: randomUUID().slice(0, 22),
    };
  }

  #embed(b: Record<string, unknown>): unknown {
    const instances = b['instances'] as { content: string }[];
    this.#count(instances.length);
    const parameters = (b['parameters'] ?? {}) as { outputDimensionality?: number };
    const dims = parameters.outputDimensionality ?? this.#opts.defaultDimensions ?? 8;
    return {
      predictions: instances.map((i) => ({ embeddings: { values: defaultEmbedding(i.content, dims), statistics: { token_count: tokens(i.content), truncated: false } } })),
      metadata: { billableCharacterCount: instances.reduce((n, i) => n + i.content.length, 0) },
    };
  }

  #embedContent(b: Record<string, unknown>): unknown {
    this.#count(1);
    const text = partsText((b['content'] as { parts: { text?: string }[] }).parts);
    const dims = typeof b['outputDimensionality'] === 'number' ? b['outputDimensionality'] : (this.#opts.defaultDimensions ?? 8);
    return { embedding: { values: defaultEmbedding(text, dims) }, usageMetadata: { promptTokenCount: tokens(text) } };
  }

  #predict(instances: unknown[], endpointId: string): unknown {
    this.#count(instances.length);
    const predict = this.#opts.predict ?? ((instance: unknown) => ({ echo: instance }));
    return { predictions: instances.map((i) => predict(i, endpointId)), deployedModelId: '4242', model: `projects/${PROJECT}/locations/${LOCATION}/models/77`, modelVersionId: '1' };
  }

  #count(instances: number): void {
    this.#counters.predictRequests++;
    this.#counters.instances += instances;
    this.#counters.largestBatch = Math.max(this.#counters.largestBatch, instances);
  }
}

function rpcError(code: number, status: string, message: string, details?: unknown[]): unknown {
  return { error: details ? { code, message, status, details } : { code, message, status } };
}

function scriptedBody(status: number): unknown {
  if (status === 429) {
    return rpcError(429, 'RESOURCE_EXHAUSTED', 'Resource exhausted. Please try again later. Please refer to https://cloud.google.com/vertex-ai/generative-ai/docs/error-code-429 for more details.');
  }
  if (status === 503) return rpcError(503, 'UNAVAILABLE', 'The service is currently unavailable.');
  if (status === 500) return rpcError(500, 'INTERNAL', 'Internal error encountered.');
  if (status === 403) return rpcError(403, 'PERMISSION_DENIED', "Permission 'aiplatform.endpoints.predict' denied on resource.");
  return rpcError(status, 'INVALID_ARGUMENT', `Scripted failure with status ${status}`);
}

function validateGenerate(b: Record<string, unknown>): string | undefined {
  const contents = b['contents'];
  if (!Array.isArray(contents) || contents.length === 0) return 'Unable to submit request because it must include at least one parts field, which describes the prompt input.';
  for (const c of contents as Record<string, unknown>[]) {
    if (c?.['role'] !== 'user' && c?.['role'] !== 'model') return 'Please use a valid role: user, model.';
    if (!Array.isArray(c['parts']) || c['parts'].length === 0) return 'Unable to submit request because it must include at least one parts field.';
  }
  return undefined;
}

function validateEmbed(b: Record<string, unknown>, model: string): string | undefined {
  const instances = b['instances'];
  if (!Array.isArray(instances) || instances.length === 0) return '"instances" must be a non-empty list.';
  if (instances.length > EMBED_LIMIT) return `The number of instances (${instances.length}) exceeds the limit of ${EMBED_LIMIT}.`;
  if (model.startsWith('gemini-embedding') && instances.length > 1) return `Model ${model} supports only one instance per request.`;
  if (instances.some((i) => typeof (i as { content?: unknown })?.content !== 'string')) return 'Each instance must have a string "content".';
  return undefined;
}

function partsText(parts: readonly { text?: string }[] | undefined): string {
  return (parts ?? []).map((p) => p.text ?? '').join('');
}
