import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { EmulatorServer, header, listenLoopback, textOf, tokens, type BaseCounters, type Loopback, type SlidingWindowLimit } from './emulator-server.js';

/**
 * A loopback Azure Machine Learning managed online endpoint (provider-wire-formats.md §8):
 * `POST /score` with `Authorization: Bearer <key>` (401 otherwise), the traffic split or the
 * `azureml-model-deployment` header picking a deployment (404 when it names none with traffic),
 * MLflow's `input_data` bodies checked against each deployment's signature (the DataFrame's
 * columns; a mismatch is the container's 400, surfaced as **424** with
 * `ms-azureml-model-error-statuscode` and `-reason`, as the service does), and 429 "Too many
 * pending requests" with `Retry-After`. The same server is an AI Foundry pay-as-you-go chat
 * endpoint at `/v1/chat/completions` and `/chat/completions` (OpenAI bodies and errors).
 * Scriptable: latency, a sliding-window rate limit, scripted failures.
 */

export interface AzureMLDeployment {
  /** The MLflow signature's input columns; absent: any columns. */
  readonly columns?: readonly string[];
  /** The model: one prediction per DataFrame row. Default: the sum of the row's numbers. */
  readonly predict?: (row: Readonly<Record<string, unknown>>) => unknown;
  /** Share of the traffic split (the deployment without the header goes to the first with traffic). */
  readonly traffic?: number;
}

export interface AzureMLScriptedFailure {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface AzureMLEmulatorOptions {
  /** Keys accepted as bearer tokens. Default ['azureml-test-key']. */
  readonly apiKeys?: readonly string[];
  /** Deployment name -> model. Default: `blue` with all traffic, any columns. */
  readonly deployments?: Readonly<Record<string, AzureMLDeployment>>;
  readonly latencyMs?: number;
  readonly rateLimit?: SlidingWindowLimit;
  /** Chat answer of the AI Foundry route. Default `echo: <user text>`. */
  readonly respondChat?: (user: string, body: Readonly<Record<string, unknown>>) => string;
}

export interface AzureMLRecordedRequest {
  readonly path: string;
  /** Lower-case header names. */
  readonly headers: Readonly<Record<string, string>>;
  readonly deployment: string | undefined;
  readonly body: unknown;
  readonly status: number;
}

export interface AzureMLCounters extends BaseCounters {
  readonly scored: number;
  readonly chat: number;
}

export class AzureMLEmulator extends EmulatorServer<AzureMLRecordedRequest, AzureMLScriptedFailure> {
  readonly #opts: AzureMLEmulatorOptions;
  readonly #deployments: Readonly<Record<string, AzureMLDeployment>>;
  #counters = { scored: 0, chat: 0 };

  private constructor(loopback: Loopback, opts: AzureMLEmulatorOptions) {
    super(loopback, { latencyMs: opts.latencyMs });
    this.#opts = opts;
    this.#deployments = opts.deployments ?? { blue: { traffic: 100 } };
  }

  static async start(opts: AzureMLEmulatorOptions = {}): Promise<AzureMLEmulator> {
    return new AzureMLEmulator(await listenLoopback(), opts);
  }

  /** The scoring URI (`/score`), or the AI Foundry chat URL with `'chat'`. */
  url(route: 'score' | 'chat' = 'score'): string {
    return route === 'score' ? `${this.origin}/score` : `${this.origin}/v1/chat/completions`;
  }

  get counters(): AzureMLCounters {
    return { ...this.baseCounters(), ...this.#counters };
  }

  protected override route(req: IncomingMessage, res: ServerResponse, raw: Buffer): void {
    const path = (req.url ?? '/').split('?')[0]!;
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(',') : v;
    const chat = path === '/v1/chat/completions' || path === '/chat/completions';
    const requested = header(req, 'azureml-model-deployment');
    let body: unknown;
    const reply = (status: number, payload: unknown, extra: Record<string, string> = {}) => {
      this.record({ path, headers, deployment: requested, body, status });
      this.sendJson(res, status, payload, { 'content-type': 'application/json', 'x-request-id': randomUUID(), ...extra });
    };
    if (req.method !== 'POST' || (path !== '/score' && !chat)) return reply(404, { message: 'Not found' });
    const token = /^Bearer\s+(.+)$/i.exec(header(req, 'authorization') ?? '')?.[1]?.trim();
    if (!token || !(this.#opts.apiKeys ?? ['azureml-test-key']).includes(token)) {
      return chat ? reply(401, { error: { code: '401', message: 'Access denied due to invalid subscription key or wrong API endpoint.' } }) : reply(401, { message: 'Unauthorized' });
    }
    const deployment = requested ?? Object.entries(this.#deployments).find(([, d]) => (d.traffic ?? 0) > 0)?.[0];
    if (!chat && (deployment === undefined || !this.#deployments[deployment])) {
      return reply(404, { message: requested ? `Deployment '${requested}' not found` : 'No valid deployments to route to. Please check that the endpoint has at least one deployment with positive weight values or use a deployment specific header to route.' });
    }
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch {
      return reply(424, { message: 'An unexpected error occurred in scoring script.' }, modelError(400, 'Invalid JSON'));
    }
    const scripted = this.nextFailure();
    if (scripted) return reply(scripted.status, scripted.body ?? defaultFailure(scripted.status), { ...defaultHeaders(scripted.status), ...(scripted.headers ?? {}) });
    const wait = this.admit(this.#opts.rateLimit);
    if (wait !== undefined) return reply(429, { message: 'Too many pending requests' }, { 'retry-after': String(Math.max(1, Math.ceil(wait / 1000))) });
    const answer = chat ? this.#chat(body) : this.#score(this.#deployments[deployment!]!, body);
    if ('failure' in answer) return reply(424, { message: 'An unexpected error occurred in scoring script.' }, modelError(400, answer.failure));
    this.afterLatency(() => {
      if (res.destroyed) return;
      this.stats.succeeded++;
      reply(200, answer.ok, deployment && !chat ? { 'azureml-model-deployment': deployment } : {});
    });
  }

  #score(d: AzureMLDeployment, body: unknown): { ok: unknown } | { failure: string } {
    const input = isObject(body) ? body['input_data'] : undefined;
    if (input === undefined) return { failure: "Expected 'input_data' in the request body" };
    let rows: Record<string, unknown>[];
    if (isObject(input) && Array.isArray(input['columns']) && Array.isArray(input['data'])) {
      const columns = input['columns'] as string[];
      if (d.columns && (columns.length !== d.columns.length || columns.some((c, i) => c !== d.columns![i]))) {
        return { failure: `Model is missing inputs ${JSON.stringify(d.columns.filter((c) => !columns.includes(c)))}. Note that there were extra inputs: ${JSON.stringify(columns.filter((c) => !d.columns!.includes(c)))}` };
      }
      if (Array.isArray(input['index']) && input['index'].length !== input['data'].length) return { failure: 'Shape of passed values does not match the index' };
      rows = (input['data'] as unknown[][]).map((r) => Object.fromEntries(columns.map((c, i) => [c, r[i]])));
    } else if (Array.isArray(input)) {
      rows = input.map((v) => ({ tensor: v }));
    } else if (isObject(input)) {
      const names = Object.keys(input);
      const n = (input[names[0]!] as unknown[]).length;
      rows = Array.from({ length: n }, (_, i) => Object.fromEntries(names.map((k) => [k, (input[k] as unknown[])[i]])));
    } else return { failure: 'input_data must be a DataFrame in split orientation or a tensor' };
    this.#counters.scored += rows.length;
    return { ok: rows.map((r) => (d.predict ?? ((row) => sum(Object.values(row))))(r)) };
  }

  #chat(body: unknown): { ok: unknown } {
    this.#counters.chat++;
    const b = isObject(body) ? body : {};
    const messages = Array.isArray(b['messages']) ? (b['messages'] as { role?: string; content?: unknown }[]) : [];
    const user = textOf(messages.filter((m) => m.role === 'user').at(-1)?.content);
    const text = this.#opts.respondChat ? this.#opts.respondChat(user, b) : `echo: ${user}`;
    const prompt = tokens(messages.map((m) => textOf(m.content)).join(''));
    const completion = tokens(text);
    return {
      ok: {
        id: `chatcmpl-${randomUUID()}`,
        object: 'chat.completion',
        model: typeof b['model'] === 'string' ? b['model'] : 'Phi-3-mini-4k-instruct',
        choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }],
        usage: { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion },
      },
    };
  }
}

function modelError(status: number, reason: string): Record<string, string> {
  return { 'ms-azureml-model-error-statuscode': String(status), 'ms-azureml-model-error-reason': reason.slice(0, 200) };
}

function defaultFailure(status: number): unknown {
  switch (status) {
    case 429:
      return { message: 'Too many pending requests' };
    case 408:
      return { message: 'Request timed out' };
    case 424:
      return { message: 'An unexpected error occurred in scoring script.' };
    case 503:
      return { message: 'Service Unavailable' };
    default:
      return { message: `Scripted failure with status ${status}` };
  }
}

function defaultHeaders(status: number): Record<string, string> {
  if (status === 429) return { 'retry-after': '1' };
  if (status === 424) return modelError(500, 'model crashed');
  return {};
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function sum(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'string') return v.length;
  if (Array.isArray(v)) return v.reduce((s: number, x) => s + sum(x), 0);
  if (isObject(v)) return sum(Object.values(v));
  return 0;
}
