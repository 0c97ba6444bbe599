import type { Logger } from '../../spi/logger.js';
import type { ModelClient, ModelResponse } from '../../spi/model-provider.js';
import type { Value } from '../../types/data-type.js';
import { fingerprint } from '../fingerprint.js';
import { nullInputWarning } from '../null-input-warning.js';
import { makeRedactor } from '../openai/openai-errors.js';
import { AnswerShapeError } from '../malformed-answer.js';
import { isRecord } from '../parse-json.js';
import { sendNonNullTexts } from '../send-non-null-texts.js';
import { textOf } from '../text-of.js';
import { estimateChatTokens, estimateEmbeddingTokens } from '../token-estimate.js';
import { geminiGenerateBody, readGeminiAnswer, type GeminiGenerationSettings } from '../google/gemini-content.js';
import { GoogleApiClient, type GoogleAuth } from '../google/google-api-client.js';
import type { GoogleTask } from './googleai-endpoint.js';

export interface GoogleAIClientConfig extends GeminiGenerationSettings {
  readonly task: GoogleTask;
  /** e.g. https://generativelanguage.googleapis.com/v1beta */
  readonly base: string;
  /** e.g. models/gemini-2.0-flash */
  readonly model: string;
  /** The Gemini API key; unset: `auth` carries Application Default Credentials. */
  readonly apiKey?: string | undefined;
  readonly dimension?: number | undefined;
  readonly embeddingTaskType?: string | undefined;
  readonly maxBatchSize: number;
}

/**
 * Gemini quotas are per project (key) and model: `googleai|base|model|key:<sha-256 prefix>`, or
 * `|adc:<sha-256 prefix of the identity>` when the calls carry Application Default Credentials.
 */
export function googleQuotaKey(config: Pick<GoogleAIClientConfig, 'base' | 'model' | 'apiKey'>, auth?: GoogleAuth): string {
  const identity = auth?.kind === 'bearer' ? auth.tokens.identity : 'adc';
  const who = config.apiKey !== undefined ? `key:${fingerprint(config.apiKey)}` : `adc:${fingerprint(identity)}`;
  return `googleai|${config.base}|${config.model}|${who}`;
}

/** `auth` is the API key when the config has one; else the caller's Application Default Credentials. */
export function createGoogleAIClient(config: GoogleAIClientConfig, log: Logger, auth?: GoogleAuth): ModelClient {
  const resolved: GoogleAuth | undefined = config.apiKey !== undefined ? { kind: 'api-key', apiKey: config.apiKey } : auth;
  if (!resolved) throw new Error('a googleai client needs an api-key or Application Default Credentials');
  return config.task === 'generate' ? new GeminiGenerateClient(config, log, resolved) : new GeminiEmbeddingClient(config, log, resolved);
}

abstract class GoogleClientBase {
  readonly quotaKey: string;
  protected readonly config: GoogleAIClientConfig;
  protected readonly redact: (text: string) => string;
  protected readonly noteNullInput: () => void;
  readonly #api: GoogleApiClient;

  constructor(config: GoogleAIClientConfig, log: Logger, auth: GoogleAuth) {
    this.config = config;
    this.quotaKey = googleQuotaKey(config, auth);
    this.redact = makeRedactor(config.apiKey ?? '');
    this.noteNullInput = nullInputWarning(log);
    this.#api = new GoogleApiClient(auth, 'Gemini', this.redact);
  }

  /** One POST to `base/model:method`; non-2xx answers become ModelCallErrors, 2xx bodies are read by `decode`. */
  protected post<T>(method: string, body: unknown, signal: AbortSignal, decode: (json: Record<string, unknown>) => T): Promise<T> {
    return this.#api.post(`${this.config.base}/${this.config.model}:${method}`, body, signal, decode);
  }

  close(): Promise<void> {
    return this.#api.close();
  }
}

class GeminiGenerateClient extends GoogleClientBase implements ModelClient {
  get systemPrompt(): string | undefined {
    return this.config.systemPrompt;
  }

  estimateTokens(inputs: readonly Value[]): number {
    return estimateChatTokens(inputs[0], this.config);
  }

  async call(inputs: readonly Value[], opts: { readonly signal: AbortSignal }): Promise<ModelResponse> {
    const input = inputs[0];
    if (input === null || input === undefined) {
      this.noteNullInput();
      return { rows: [] };
    }
    return this.post('generateContent', geminiGenerateBody(textOf(input), this.config), opts.signal, (json) => readGeminiAnswer(json));
  }
}

class GeminiEmbeddingClient extends GoogleClientBase implements ModelClient {
  readonly maxBatchSize: number;

  constructor(config: GoogleAIClientConfig, log: Logger, auth: GoogleAuth) {
    super(config, log, auth);
    this.maxBatchSize = config.maxBatchSize;
  }

  estimateTokens(inputs: readonly Value[]): number {
    return estimateEmbeddingTokens(inputs[0]);
  }

  async call(inputs: readonly Value[], opts: { readonly signal: AbortSignal }): Promise<ModelResponse> {
    const [response] = await this.callBatch([inputs], opts);
    return response ?? { rows: [] };
  }

  /** One row: `:embedContent`; several: `:batchEmbedContents`, each request repeating the model. Neither reports usage. */
  callBatch(batch: readonly (readonly Value[])[], opts: { readonly signal: AbortSignal }): Promise<readonly ModelResponse[]> {
    return sendNonNullTexts(batch, this.noteNullInput, (texts) => this.#embed(texts, opts.signal));
  }

  async #embed(texts: readonly string[], signal: AbortSignal): Promise<ModelResponse[]> {
    const toResponses = (vectors: unknown[]) =>
      vectors.map((v): ModelResponse => {
        const values = isRecord(v) ? v['values'] : undefined;
        if (!Array.isArray(values)) throw new AnswerShapeError("an embedding has no 'values' array");
        return { rows: [[values as number[]]] };
      });
    if (texts.length === 1) return this.post('embedContent', this.#request(texts[0]!), signal, (json) => toResponses([json['embedding']]));
    return this.post('batchEmbedContents', { requests: texts.map((t) => this.#request(t)) }, signal, (json) => {
      const vectors = Array.isArray(json['embeddings']) ? (json['embeddings'] as unknown[]) : [];
      if (vectors.length !== texts.length) throw new AnswerShapeError(`expected ${texts.length} embeddings, got ${vectors.length}`);
      return toResponses(vectors);
    });
  }

  #request(text: string): Record<string, unknown> {
    const c = this.config;
    const request: Record<string, unknown> = { model: c.model, content: { parts: [{ text }] } };
    if (c.embeddingTaskType !== undefined) request['taskType'] = c.embeddingTaskType;
    if (c.dimension !== undefined) request['outputDimensionality'] = c.dimension;
    return request;
  }
}
