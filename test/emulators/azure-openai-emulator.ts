import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { defaultEmbedding, EmulatorServer, header, listenLoopback, textOf, tokens, type BaseCounters, type Loopback, type SlidingWindowLimit } from './emulator-server.js';

/**
 * A loopback Azure OpenAI resource (provider-wire-formats.md §3, §9):
 * `POST /openai/deployments/{deployment}/{chat/completions|embeddings}?api-version=…` with the
 * service's negative paths: `api-key` auth (401 with the Azure body), a missing `api-version`
 * (404 "Resource not found") or an unknown one (400), unknown deployments (404
 * DeploymentNotFound), an operation the deployment's model does not do (400
 * OperationNotSupported), the content filter (400 content_filter), and 429 with `retry-after` and
 * `retry-after-ms`. Scriptable: latency, a sliding-window rate limit, scripted failures.
 */

export type DeploymentKind = 'chat' | 'embeddings';

export interface AzureDeployment {
  readonly kind: DeploymentKind;
  /** Model name reported in responses. */
  readonly model: string;
}

export interface AzureChatRequest {
  readonly deployment: string;
  readonly system: string | undefined;
  readonly user: string;
  readonly n: number;
  readonly body: Readonly<Record<string, unknown>>;
}

export interface AzureScriptedFailure {
  readonly status: number;
  /** Defaults to an Azure error body fitting the status. */
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface AzureOpenAIEmulatorOptions {
  /** Keys accepted in the `api-key` header. Default ['azure-test-key']. */
  readonly apiKeys?: readonly string[];
  /** Deployment name -> what it serves. Default: `gpt-4o-mini` (chat) and `text-embedding-3-small` (embeddings). */
  readonly deployments?: Readonly<Record<string, AzureDeployment>>;
  /** Accepted `api-version` values. Default: a few GA and preview versions. */
  readonly apiVersions?: readonly string[];
  readonly latencyMs?: number;
  /** Chat content for every choice. Default: `echo: <user text>`. */
  readonly respond?: (req: AzureChatRequest) => string;
  /** Vector length when the request has no `dimensions`. Default 8. */
  readonly defaultDimensions?: number;
  /** Prompts for which the content filter answers 400 content_filter. */
  readonly filtered?: (text: string) => boolean;
  /** At most `requests` accepted requests in any `windowMs`; more get 429. */
  readonly rateLimit?: SlidingWindowLimit;
}

export interface AzureRecordedRequest {
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  readonly apiKey: string | undefined;
  readonly authorization: string | undefined;
  readonly body: unknown;
  readonly status: number;
}

export interface AzureCounters extends BaseCounters {
  readonly chatRequests: number;
  readonly embeddingRequests: number;
  readonly embeddingInputs: number;
}

const DEFAULT_VERSIONS = ['2023-05-15', '2024-02-01', '2024-06-01', '2024-10-21', '2024-08-01-preview', '2025-01-01-preview'];
const UNAUTHORIZED =
  'Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource.';

export class AzureOpenAIEmulator extends EmulatorServer<AzureRecordedRequest, AzureScriptedFailure> {
  readonly #opts: AzureOpenAIEmulatorOptions;
  readonly #deployments: Readonly<Record<string, AzureDeployment>>;
  #counters = { chatRequests: 0, embeddingRequests: 0, embeddingInputs: 0 };

  private constructor(loopback: Loopback, opts: AzureOpenAIEmulatorOptions) {
    super(loopback, { latencyMs: opts.latencyMs });
    this.#opts = opts;
    this.#deployments = opts.deployments ?? {
      'gpt-4o-mini': { kind: 'chat', model: 'gpt-4o-mini-2024-07-18' },
      'text-embedding-3-small': { kind: 'embeddings', model: 'text-embedding-3-small' },
    };
  }

  static async start(opts: AzureOpenAIEmulatorOptions = {}): Promise<AzureOpenAIEmulator> {
    return new AzureOpenAIEmulator(await listenLoopback(), opts);
  }

  /** A deployment URL as the Azure portal shows it, e.g. url('gpt-4o-mini', 'chat'). */
  url(deployment: string, kind: DeploymentKind, apiVersion: string | null = '2024-10-21'): string {
    const suffix = kind === 'chat' ? 'chat/completions' : 'embeddings';
    return `${this.origin}/openai/deployments/${deployment}/${suffix}${apiVersion === null ? '' : `?api-version=${apiVersion}`}`;
  }

  get counters(): AzureCounters {
    return { ...this.baseCounters(), ...this.#counters };
  }

  protected override route(req: IncomingMessage, res: ServerResponse, raw: Buffer): void {
    const rawBody = raw.toString('utf8');
    const url = new URL(req.url ?? '/', this.origin);
    const path = url.pathname.replace(/\/+$/, '');
    const query = Object.fromEntries(url.searchParams);
    const apiKey = header(req, 'api-key');
    const authorization = header(req, 'authorization');
    let body: unknown;
    const reply = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
      this.record({ path, query, apiKey, authorization, body, status });
      this.sendJson(res, status, payload, { 'content-type': 'application/json', 'apim-request-id': randomUUID(), 'x-ms-region': 'East US', ...headers });
    };

    const m = /^\/openai\/deployments\/([^/]+)\/(chat\/completions|embeddings)$/.exec(path);
    if (req.method !== 'POST' || !m) return reply(404, { error: { code: '404', message: 'Resource not found' } });
    // The key is checked before anything else, as the gateway does.
    if (apiKey === undefined || !(this.#opts.apiKeys ?? ['azure-test-key']).includes(apiKey)) {
      return reply(401, { error: { code: '401', message: UNAUTHORIZED } });
    }
    const version = query['api-version'];
    if (version === undefined) return reply(404, { error: { code: '404', message: 'Resource not found' } });
    if (!(this.#opts.apiVersions ?? DEFAULT_VERSIONS).includes(version)) {
      return reply(400, { error: { code: 'BadRequest', message: 'API version not supported' } });
    }
    const name = decodeURIComponent(m[1]!);
    const kind: DeploymentKind = m[2] === 'embeddings' ? 'embeddings' : 'chat';
    const deployment = this.#deployments[name];
    if (!deployment) {
      return reply(404, {
        error: {
          code: 'DeploymentNotFound',
          message: 'The API deployment for this resource does not exist. If you created the deployment within the last 5 minutes, please wait a moment and try again.',
        },
      });
    }
    if (deployment.kind !== kind) {
      const op = kind === 'embeddings' ? 'embeddings' : 'chatCompletion';
      return reply(400, {
        error: { code: 'OperationNotSupported', message: `The ${op} operation does not work with the specified model, ${deployment.model}. Please choose different model and try again.` },
      });
    }
    try {
      body = rawBody.length === 0 ? undefined : JSON.parse(rawBody);
    } catch {
      return reply(400, invalid('Invalid JSON payload.', null));
    }
    if (body === null || typeof body !== 'object' || Array.isArray(body)) return reply(400, invalid("'$' is invalid.", null));
    const b = body as Record<string, unknown>;
    const problem = kind === 'chat' ? validateChat(b) : validateEmbeddings(b);
    if (problem) return reply(400, problem);
    if (kind === 'chat' && this.#opts.filtered && messagesOf(b).some((msg) => this.#opts.filtered!(textOf(msg.content)))) {
      return reply(400, contentFilterBody());
    }
    const scripted = this.nextFailure();
    if (scripted) return reply(scripted.status, scripted.body ?? defaultFailure(scripted.status, version), { ...(scripted.headers ?? {}) });
    const limited = this.#rateLimited(kind, version);
    if (limited) return reply(429, limited.body, limited.headers);

    const answer = kind === 'chat' ? this.#chat(name, deployment, b) : this.#embeddings(deployment, b);
    const respond = () => {
      if (res.destroyed) return;
      this.stats.succeeded++;
      reply(200, answer, { 'x-ratelimit-remaining-requests': '999', 'x-ratelimit-remaining-tokens': '99000' });
    };
    this.afterLatency(respond);
  }

  #rateLimited(kind: DeploymentKind, version: string): { body: unknown; headers: Record<string, string> } | undefined {
    const waitMs = this.admit(this.#opts.rateLimit);
    if (waitMs === undefined) return undefined;
    const seconds = Math.max(1, Math.ceil(waitMs / 1000));
    return {
      body: rateLimitBody(kind, version, seconds),
      headers: { 'retry-after': String(seconds), 'retry-after-ms': String(waitMs), 'x-ratelimit-remaining-requests': '0' },
    };
  }

  #chat(name: string, deployment: AzureDeployment, b: Record<string, unknown>): unknown {
    this.#counters.chatRequests++;
    const messages = messagesOf(b);
    const system = messages.find((m) => m.role === 'system');
    const info: AzureChatRequest = {
      deployment: name,
      system: system ? textOf(system.content) : undefined,
      user: textOf([...messages].reverse().find((m) => m.role === 'user')?.content),
      n: typeof b['n'] === 'number' ? b['n'] : 1,
      body: b,
    };
    const content = this.#opts.respond ? this.#opts.respond(info) : `echo: ${info.user}`;
    const promptTokens = messages.reduce((sum, m) => sum + tokens(textOf(m.content)), 0);
    const completionTokens = tokens(content) * info.n;
    return {
      id: `chatcmpl-${randomUUID().replace(/-/g, '').slice(0, 24)}`,
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model: deployment.model,
      prompt_filter_results: [{ prompt_index: 0, content_filter_results: safeFilterResults() }],
      choices: Array.from({ length: info.n }, (_, index) => ({
        index,
        message: { role: 'assistant', content },
        finish_reason: 'stop',
        logprobs: null,
        content_filter_results: safeFilterResults(),
      })),
      usage: { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens },
      system_fingerprint: 'fp_azure_emulator',
    };
  }

  #embeddings(deployment: AzureDeployment, b: Record<string, unknown>): unknown {
    const inputs = typeof b['input'] === 'string' ? [b['input']] : (b['input'] as string[]);
    this.#counters.embeddingRequests++;
    this.#counters.embeddingInputs += inputs.length;
    const dims = typeof b['dimensions'] === 'number' ? b['dimensions'] : (this.#opts.defaultDimensions ?? 8);
    const promptTokens = inputs.reduce((sum, t) => sum + tokens(t), 0);
    return {
      object: 'list',
      model: deployment.model,
      data: inputs.map((text, index) => ({ object: 'embedding', index, embedding: defaultEmbedding(text, dims) })),
      usage: { prompt_tokens: promptTokens, total_tokens: promptTokens },
    };
  }

}

interface Message {
  readonly role: string;
  readonly content: unknown;
}

function messagesOf(b: Record<string, unknown>): Message[] {
  return Array.isArray(b['messages']) ? (b['messages'] as Message[]) : [];
}

function invalid(message: string, param: string | null): unknown {
  return { error: { message, type: 'invalid_request_error', param, code: null } };
}

function validateChat(b: Record<string, unknown>): unknown {
  const messages = b['messages'];
  if (!Array.isArray(messages)) return invalid("'messages' is a required property", 'messages');
  if (messages.length === 0) return invalid("[] is too short - 'messages'", 'messages');
  for (const m of messages as Partial<Message>[]) {
    if (!m || typeof m.role !== 'string' || !['system', 'user', 'assistant', 'tool', 'developer'].includes(m.role)) {
      return invalid("Invalid value for 'messages.role'.", 'messages');
    }
  }
  const range = (key: string, min: number, max: number) => {
    const v = b[key];
    return v !== undefined && (typeof v !== 'number' || v < min || v > max) ? invalid(`${JSON.stringify(v)} is not valid under any of the given schemas - '${key}'`, key) : undefined;
  };
  const stop = b['stop'];
  if (Array.isArray(stop) && stop.length > 4) return invalid(`${JSON.stringify(stop)} is too long - 'stop'`, 'stop');
  return range('temperature', 0, 2) ?? range('top_p', 0, 1) ?? range('n', 1, 128) ?? range('presence_penalty', -2, 2);
}

function validateEmbeddings(b: Record<string, unknown>): unknown {
  const input = b['input'];
  const list = typeof input === 'string' ? [input] : Array.isArray(input) ? input : undefined;
  if (!list || list.length === 0 || list.some((s) => typeof s !== 'string' || s.length === 0)) {
    return invalid("'$.input' is invalid. Please check the API reference: https://platform.openai.com/docs/api-reference.", null);
  }
  if (list.length > 2048) return invalid('Too many inputs. The max number of inputs is 2048.', null);
  const format = b['encoding_format'];
  if (format !== undefined && format !== 'float' && format !== 'base64') return invalid("Invalid value for 'encoding_format'.", 'encoding_format');
  return undefined;
}

function rateLimitBody(kind: DeploymentKind, version: string, seconds: number): unknown {
  const op = kind === 'chat' ? 'ChatCompletions_Create' : 'Embeddings_Create';
  return {
    error: {
      code: '429',
      message: `Requests to the ${op} Operation under Azure OpenAI API version ${version} have exceeded call rate limit of your current OpenAI S0 pricing tier. Please retry after ${seconds} seconds. Please go here: https://aka.ms/oai/quotaincrease if you would like to further increase the default rate limit.`,
    },
  };
}

function defaultFailure(status: number, version: string): unknown {
  if (status === 429) return rateLimitBody('chat', version, 1);
  if (status >= 500) return { error: { code: 'InternalServerError', message: 'The server had an error while processing your request. Sorry about that!' } };
  return { error: { code: String(status), message: `Scripted failure with status ${status}` } };
}

function contentFilterBody(): unknown {
  const safe = { filtered: false, severity: 'safe' };
  return {
    error: {
      message:
        "The response was filtered due to the prompt triggering Azure OpenAI's content management policy. Please modify your prompt and retry. To learn more about our content filtering policies please read our documentation: https://go.microsoft.com/fwlink/?linkid=2198766",
      type: null,
      param: 'prompt',
      code: 'content_filter',
      status: 400,
      innererror: {
        code: 'ResponsibleAIPolicyViolation',
        content_filter_result: { hate: safe, jailbreak: { filtered: false, detected: false }, self_harm: safe, sexual: safe, violence: { filtered: true, severity: 'medium' } },
      },
    },
  };
}

function safeFilterResults(): unknown {
  const safe = { filtered: false, severity: 'safe' };
  return { hate: safe, self_harm: safe, sexual: safe, violence: safe };
}
