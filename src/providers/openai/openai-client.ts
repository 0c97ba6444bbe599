import type { Logger } from '../../spi/logger.js';
import type { ModelClient, ModelResponse } from '../../spi/model-provider.js';
import type { Value } from '../../types/data-type.js';
import { fingerprint } from '../fingerprint.js';
import { HttpClient } from '../http/http-client.js';
import { nullInputWarning } from '../null-input-warning.js';
import { sendNonNullTexts } from '../send-non-null-texts.js';
import { textOf } from '../text-of.js';
import { estimateChatTokens, estimateEmbeddingTokens } from '../token-estimate.js';
import { chatBodyText, chatResponse, type ChatSettings } from './chat-body.js';
import { embeddingBody, embeddingResponses, type EmbeddingSettings } from './embedding-body.js';
import { embeddingInputLimit } from './embedding-input-limit.js';
import type { OpenAITask } from './endpoint.js';
import { decodeAnswer } from '../malformed-answer.js';
import { makeRedactor, openAIError } from './openai-errors.js';

/** What the chat and embedding clients of the OpenAI wire format need (the openai and azureopenai providers). */
export interface OpenAIWireConfig extends ChatSettings, EmbeddingSettings {
  readonly task: OpenAITask;
  readonly apiKey: string;
  readonly maxBatchSize: number;
}

/** A model's options compiled once: every value the requests need, defaults applied. */
export interface OpenAIClientConfig extends OpenAIWireConfig {
  readonly provider: string;
  readonly model: string;
  readonly baseURL: string;
  readonly query: Readonly<Record<string, string>>;
  readonly extraBody: Readonly<Record<string, unknown>>;
}

/** Where a provider's requests go and how they authenticate. */
export interface OpenAIWire {
  readonly quotaKey: string;
  /** The URL of a task path ('/chat/completions', '/embeddings'), query included. */
  url(path: string): string;
  /** Authentication headers sent with every request. */
  readonly authHeaders: Readonly<Record<string, string>>;
}

/** `provider|base URL|model|key:<sha-256 prefix>`: never the key itself. */
export function openAIQuotaKey(config: Pick<OpenAIClientConfig, 'baseURL' | 'model' | 'apiKey'>): string {
  return `openai|${config.baseURL}|${config.model}|key:${fingerprint(config.apiKey)}`;
}

export function createOpenAIClient(config: OpenAIClientConfig, log: Logger): ModelClient {
  const wire: OpenAIWire = {
    quotaKey: openAIQuotaKey(config),
    url: (path) => withQuery(`${config.baseURL}${path}`, config.query),
    authHeaders: { authorization: `Bearer ${config.apiKey}` },
  };
  return createOpenAIWireClient(config, wire, log);
}

export function createOpenAIWireClient(config: OpenAIWireConfig, wire: OpenAIWire, log: Logger): ModelClient {
  return config.task === 'chat' ? new OpenAIChatClient(config, wire, log) : new OpenAIEmbeddingClient(config, wire, log);
}

/** `url` with `query` appended (encoded), as the SDKs send their default query. */
export function withQuery(url: string, query: Readonly<Record<string, string>>): string {
  const search = new URLSearchParams(query).toString();
  return search.length > 0 ? `${url}?${search}` : url;
}

abstract class OpenAIClientBase {
  readonly quotaKey: string;
  protected readonly config: OpenAIWireConfig;
  protected readonly noteNullInput: () => void;
  readonly #http = new HttpClient();
  readonly #url: string;
  readonly #headers: Readonly<Record<string, string>>;
  readonly #redact: (text: string) => string;

  constructor(config: OpenAIWireConfig, wire: OpenAIWire, log: Logger) {
    this.config = config;
    this.quotaKey = wire.quotaKey;
    this.#url = wire.url(config.task === 'chat' ? '/chat/completions' : '/embeddings');
    this.#headers = { 'content-type': 'application/json', accept: 'application/json', ...wire.authHeaders };
    this.#redact = makeRedactor(config.apiKey);
    this.noteNullInput = nullInputWarning(log);
  }

  /**
   * One POST of `body` (JSON text): a non-2xx answer becomes a ModelCallError (openAIError), a 2xx body is
   * read by `decode` (malformed answers named with status and content type), and an abort of
   * `signal` rejects with its reason.
   */
  protected send<T>(signal: AbortSignal, body: string, decode: (json: unknown) => T): Promise<T> {
    const redact = this.#redact;
    return this.#http.post(this.#url, { headers: this.#headers, body }, { signal, redact }).then((answer) => {
      if (answer.status < 200 || answer.status >= 300) throw openAIError(answer, redact);
      return decodeAnswer(answer, decode, redact);
    });
  }

  close(): Promise<void> {
    return this.#http.close();
  }
}

class OpenAIChatClient extends OpenAIClientBase implements ModelClient {
  readonly systemPrompt: string | undefined;
  readonly #body: (input: string) => string;

  constructor(config: OpenAIWireConfig, wire: OpenAIWire, log: Logger) {
    super(config, wire, log);
    this.systemPrompt = config.systemPrompt || undefined;
    this.#body = chatBodyText(config);
  }

  estimateTokens(inputs: readonly Value[]): number {
    return estimateChatTokens(inputs[0], this.config);
  }

  /** Not async: the answer's promise is handed on as it is, one promise and one hop fewer per row. */
  call(inputs: readonly Value[], opts: { readonly signal: AbortSignal }): Promise<ModelResponse> {
    const input = inputs[0];
    if (input === null || input === undefined) {
      this.noteNullInput();
      return Promise.resolve({ rows: [] });
    }
    return this.send(opts.signal, this.#body(textOf(input)), chatResponse);
  }
}

class OpenAIEmbeddingClient extends OpenAIClientBase implements ModelClient {
  readonly maxBatchSize: number;
  readonly #limit: (texts: readonly string[]) => readonly string[];

  constructor(config: OpenAIWireConfig, wire: OpenAIWire, log: Logger) {
    super(config, wire, log);
    this.maxBatchSize = config.maxBatchSize;
    this.#limit = embeddingInputLimit(config.maxTokens, log);
  }

  estimateTokens(inputs: readonly Value[]): number {
    const estimate = estimateEmbeddingTokens(inputs[0]);
    return this.config.maxTokens === undefined ? estimate : Math.min(estimate, this.config.maxTokens);
  }

  async call(inputs: readonly Value[], opts: { readonly signal: AbortSignal }): Promise<ModelResponse> {
    const [response] = await this.callBatch([inputs], opts);
    return response ?? { rows: [] };
  }

  callBatch(batch: readonly (readonly Value[])[], opts: { readonly signal: AbortSignal }): Promise<readonly ModelResponse[]> {
    return sendNonNullTexts(batch, this.noteNullInput, async (rowTexts) => {
      const texts = this.#limit(rowTexts);
      const body = embeddingBody(this.config, texts);
      return this.send(opts.signal, JSON.stringify(body), (json) => embeddingResponses(json, texts));
    });
  }
}
