import OpenAI from 'openai';
import type { Logger } from '../../spi/logger.js';
import type { ModelClient, ModelResponse } from '../../spi/model-provider.js';
import type { Value } from '../../types/data-type.js';
import { fingerprint } from '../fingerprint.js';
import { linkedSignal } from '../linked-signal.js';
import { nullInputWarning } from '../null-input-warning.js';
import { sendNonNullTexts } from '../send-non-null-texts.js';
import { textOf } from '../text-of.js';
import { estimateChatTokens, estimateEmbeddingTokens } from '../token-estimate.js';
import { chatBody, chatResponse, type ChatSettings } from './chat-body.js';
import { embeddingBody, embeddingResponses, type EmbeddingSettings } from './embedding-body.js';
import type { OpenAITask } from './endpoint.js';
import { decodeAnswer } from '../malformed-answer.js';
import { makeRedactor, toModelCallError } from './openai-errors.js';

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

/** The SDK a provider set up, and how its client sends. */
export interface OpenAIWire {
  readonly quotaKey: string;
  readonly sdk: OpenAI;
  /** Hand the SDK a child of the caller's signal per request (linked-signal.ts) instead of the caller's own. */
  readonly linkSignals: boolean;
}

/**
 * The framework times out each attempt (`client-timeout`) and each row through the AbortSignal;
 * the SDK's own timer is only a backstop (a day: setTimeout overflows above 2^31 ms).
 */
export const SDK_TIMEOUT_MS = 24 * 60 * 60 * 1000;

/** `provider|base URL|model|key:<sha-256 prefix>`: never the key itself. */
export function openAIQuotaKey(config: Pick<OpenAIClientConfig, 'baseURL' | 'model' | 'apiKey'>): string {
  return `openai|${config.baseURL}|${config.model}|key:${fingerprint(config.apiKey)}`;
}

export function createOpenAIClient(config: OpenAIClientConfig, log: Logger): ModelClient {
  const sdk = new OpenAI({
    apiKey: config.apiKey,
    baseURL: config.baseURL,
    defaultQuery: { ...config.query },
    maxRetries: 0,
    timeout: SDK_TIMEOUT_MS,
    // Explicit nulls stop the SDK from picking these up from the daemon's environment.
    organization: null,
    project: null,
    adminAPIKey: null,
    webhookSecret: null,
    logLevel: 'off',
  });
  return createOpenAIWireClient(config, { quotaKey: openAIQuotaKey(config), sdk, linkSignals: true }, log);
}

export function createOpenAIWireClient(config: OpenAIWireConfig, wire: OpenAIWire, log: Logger): ModelClient {
  return config.task === 'chat' ? new OpenAIChatClient(config, wire, log) : new OpenAIEmbeddingClient(config, wire, log);
}

abstract class OpenAIClientBase {
  readonly quotaKey: string;
  protected readonly config: OpenAIWireConfig;
  protected readonly sdk: OpenAI;
  protected readonly noteNullInput: () => void;
  readonly #redact: (text: string) => string;
  readonly #linkSignals: boolean;

  constructor(config: OpenAIWireConfig, wire: OpenAIWire, log: Logger) {
    this.config = config;
    this.quotaKey = wire.quotaKey;
    this.sdk = wire.sdk;
    this.#linkSignals = wire.linkSignals;
    this.#redact = makeRedactor(config.apiKey);
    this.noteNullInput = nullInputWarning(log);
  }

  /**
   * One SDK request, its 2xx body read here rather than by the SDK: the SDK would hand back an
   * HTML page as a string and throw a bare SyntaxError for broken JSON, losing the status and
   * content type the malformed-answer error names. Failures become ModelCallErrors, or the abort
   * reason once `signal` aborted.
   */
  protected async send<T>(
    signal: AbortSignal,
    request: (signal: AbortSignal) => { asResponse(): Promise<Response> },
    decode: (json: unknown) => T,
  ): Promise<T> {
    const link = this.#linkSignals ? linkedSignal(signal) : undefined;
    try {
      const response = await request(link?.signal ?? signal).asResponse();
      const answer = { status: response.status, headers: response.headers, text: await response.text() };
      return decodeAnswer(answer, decode, this.#redact);
    } catch (err) {
      throw signal.aborted ? signal.reason : toModelCallError(err, this.#redact);
    } finally {
      link?.dispose();
    }
  }

  async close(): Promise<void> {}
}

class OpenAIChatClient extends OpenAIClientBase implements ModelClient {
  estimateTokens(inputs: readonly Value[]): number {
    return estimateChatTokens(inputs[0], this.config);
  }

  async call(inputs: readonly Value[], opts: { readonly signal: AbortSignal }): Promise<ModelResponse> {
    const input = inputs[0];
    if (input === null || input === undefined) {
      this.noteNullInput();
      return { rows: [] };
    }
    const body = chatBody(this.config, textOf(input));
    return this.send(opts.signal, (signal) => this.sdk.chat.completions.create(body, { signal, maxRetries: 0 }), chatResponse);
  }
}

class OpenAIEmbeddingClient extends OpenAIClientBase implements ModelClient {
  readonly maxBatchSize: number;

  constructor(config: OpenAIWireConfig, wire: OpenAIWire, log: Logger) {
    super(config, wire, log);
    this.maxBatchSize = config.maxBatchSize;
  }

  estimateTokens(inputs: readonly Value[]): number {
    return estimateEmbeddingTokens(inputs[0]);
  }

  async call(inputs: readonly Value[], opts: { readonly signal: AbortSignal }): Promise<ModelResponse> {
    const [response] = await this.callBatch([inputs], opts);
    return response ?? { rows: [] };
  }

  callBatch(batch: readonly (readonly Value[])[], opts: { readonly signal: AbortSignal }): Promise<readonly ModelResponse[]> {
    return sendNonNullTexts(batch, this.noteNullInput, async (texts) => {
      const body = embeddingBody(this.config, texts);
      return this.send(opts.signal, (signal) => this.sdk.embeddings.create(body, { signal, maxRetries: 0 }), (json) => embeddingResponses(json, texts));
    });
  }
}
