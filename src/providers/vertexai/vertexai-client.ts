import type { Logger } from '../../spi/logger.js';
import type { ModelClient, ModelResponse } from '../../spi/model-provider.js';
import type { Column, Value } from '../../types/data-type.js';
import { compileAnswerReader, type AnswerReader } from '../answer-reader.js';
import { fingerprint } from '../fingerprint.js';
import type { AccessTokenCache } from '../google/access-token-cache.js';
import { geminiGenerateBody, readGeminiAnswer, type GeminiGenerationSettings } from '../google/gemini-content.js';
import { GoogleApiClient } from '../google/google-api-client.js';
import { AnswerShapeError } from '../malformed-answer.js';
import { nullInputWarning } from '../null-input-warning.js';
import { isRecord } from '../parse-json.js';
import { sendNonNullTexts } from '../send-non-null-texts.js';
import { textOf } from '../text-of.js';
import { estimateChatTokens, estimateEmbeddingTokens } from '../token-estimate.js';
import { predictionObject, tfServingInstance, tfServingPredictions } from './tf-serving.js';
import type { VertexEndpoint } from './vertexai-endpoint.js';

/** What a model's rows become on the wire: Gemini `:generateContent`, text-embedding `:predict`, or TF-Serving `:predict`. */
export type VertexFormat = 'gemini' | 'embed' | 'tf-serving';

export interface VertexClientConfig extends GeminiGenerationSettings {
  readonly format: VertexFormat;
  readonly endpoint: VertexEndpoint;
  /** INPUT column names: the TF-Serving instance's keys when there are several. */
  readonly inputNames: readonly string[];
  /**
   * TF-Serving: the OUTPUT columns a prediction fills. With `structuredNames` set (typed columns the
   * framework reads from one JSON answer) the client answers that JSON; else it casts the values itself.
   */
  readonly outputs: readonly Column[];
  readonly structuredNames?: readonly string[] | undefined;
  readonly dimension?: number | undefined;
  readonly embeddingTaskType?: string | undefined;
  readonly maxBatchSize: number;
}

const SERVICE = 'Vertex AI';

/** Vertex quotas are per project, region and model; the token's service account stands for the project. */
export function vertexQuotaKey(config: Pick<VertexClientConfig, 'endpoint'>, tokens: Pick<AccessTokenCache, 'identity'>): string {
  return `vertexai|${config.endpoint.url}|sa:${fingerprint(tokens.identity)}`;
}

export function createVertexClient(config: VertexClientConfig, log: Logger, tokens: AccessTokenCache): ModelClient {
  switch (config.format) {
    case 'gemini':
      return new VertexGeminiClient(config, log, tokens);
    case 'embed':
      return new VertexEmbeddingClient(config, log, tokens);
    case 'tf-serving':
      return new VertexPredictClient(config, log, tokens);
  }
}

abstract class VertexClientBase {
  readonly quotaKey: string;
  protected readonly config: VertexClientConfig;
  protected readonly noteNullInput: () => void;
  readonly #api: GoogleApiClient;

  constructor(config: VertexClientConfig, log: Logger, tokens: AccessTokenCache) {
    this.config = config;
    this.quotaKey = vertexQuotaKey(config, tokens);
    this.noteNullInput = nullInputWarning(log);
    // Bearer tokens travel in a header and are never echoed by the API: nothing to redact in answers.
    this.#api = new GoogleApiClient({ kind: 'bearer', tokens }, SERVICE, (text) => text);
  }

  protected post<T>(body: unknown, signal: AbortSignal, decode: (json: Record<string, unknown>) => T): Promise<T> {
    return this.#api.post(this.config.endpoint.url, body, signal, decode);
  }

  close(): Promise<void> {
    return this.#api.close();
  }
}

class VertexGeminiClient extends VertexClientBase implements ModelClient {
  estimateTokens(inputs: readonly Value[]): number {
    return estimateChatTokens(inputs[0], this.config);
  }

  async call(inputs: readonly Value[], opts: { readonly signal: AbortSignal }): Promise<ModelResponse> {
    const input = inputs[0];
    if (input === null || input === undefined) {
      this.noteNullInput();
      return { rows: [] };
    }
    return this.post(geminiGenerateBody(textOf(input), this.config), opts.signal, (json) => readGeminiAnswer(json, SERVICE));
  }
}

/**
 * Publisher text-embedding models: `:predict` with `{"instances": [{"content", "task_type"}],
 * "parameters": {"outputDimensionality"}}` (wire-formats §7.2), or `:embedContent` with the
 * Gemini API's one-text body (`content.parts`, `taskType`, `outputDimensionality`) and `embedding.values`.
 */
class VertexEmbeddingClient extends VertexClientBase implements ModelClient {
  readonly maxBatchSize: number;

  constructor(config: VertexClientConfig, log: Logger, tokens: AccessTokenCache) {
    super(config, log, tokens);
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
    return sendNonNullTexts(batch, this.noteNullInput, (texts) => this.#embed(texts, opts.signal));
  }

  #embed(texts: readonly string[], signal: AbortSignal): Promise<ModelResponse[]> {
    const c = this.config;
    // :embedContent takes one text: maxBatchSize is 1 for it, so this is one request.
    if (c.endpoint.method === 'embedContent') return Promise.all(texts.map((t) => this.#embedContent(t, signal)));
    const instances = texts.map((content) => (c.embeddingTaskType === undefined ? { content } : { content, task_type: c.embeddingTaskType }));
    const body = c.dimension === undefined ? { instances } : { instances, parameters: { outputDimensionality: c.dimension } };
    return this.post(body, signal, (json) =>
      tfServingPredictions(json, texts.length).map((p): ModelResponse => {
        const embeddings = isRecord(p) && isRecord(p['embeddings']) ? p['embeddings'] : undefined;
        const values = embeddings?.['values'];
        if (!embeddings || !Array.isArray(values)) throw new AnswerShapeError("a prediction has no 'embeddings.values' array");
        const count = isRecord(embeddings['statistics']) ? embeddings['statistics']['token_count'] : undefined;
        const rows = [[values as number[]]];
        return typeof count === 'number' ? { rows, usage: { promptTokens: count, completionTokens: 0, totalTokens: count } } : { rows };
      }),
    );
  }

  #embedContent(text: string, signal: AbortSignal): Promise<ModelResponse> {
    const c = this.config;
    const body: Record<string, unknown> = { content: { role: 'user', parts: [{ text }] } };
    if (c.embeddingTaskType !== undefined) body['taskType'] = c.embeddingTaskType;
    if (c.dimension !== undefined) body['outputDimensionality'] = c.dimension;
    return this.post(body, signal, (json) => {
      const values = isRecord(json['embedding']) ? json['embedding']['values'] : undefined;
      if (!Array.isArray(values)) throw new AnswerShapeError("no 'embedding.values' array");
      return { rows: [[values as number[]]] };
    });
  }
}

/**
 * A custom endpoint in the TF-SERVING / KSERVE-V1 format: each row one instance, each prediction
 * one output row. NULL values are sent as JSON null: the container decides what they mean.
 */
class VertexPredictClient extends VertexClientBase implements ModelClient {
  readonly maxBatchSize: number;
  readonly #names: readonly string[];
  readonly #read: AnswerReader | undefined;

  constructor(config: VertexClientConfig, log: Logger, tokens: AccessTokenCache) {
    super(config, log, tokens);
    this.maxBatchSize = config.maxBatchSize;
    this.#names = config.structuredNames ?? config.outputs.map((c) => c.name);
    // Without structured output the client fills typed columns itself, by the same CAST rules.
    this.#read = config.structuredNames ? undefined : compileAnswerReader(config.outputs);
  }

  estimateTokens(inputs: readonly Value[]): number {
    return Math.max(1, Math.ceil(JSON.stringify(tfServingInstance(inputs, this.config.inputNames)).length / 4));
  }

  async call(inputs: readonly Value[], opts: { readonly signal: AbortSignal }): Promise<ModelResponse> {
    const [response] = await this.callBatch([inputs], opts);
    return response ?? { rows: [] };
  }

  callBatch(batch: readonly (readonly Value[])[], opts: { readonly signal: AbortSignal }): Promise<readonly ModelResponse[]> {
    const instances = batch.map((inputs) => tfServingInstance(inputs, this.config.inputNames));
    return this.post({ instances }, opts.signal, (json) =>
      tfServingPredictions(json, instances.length).map((p): ModelResponse => {
        const text = JSON.stringify(predictionObject(p, this.#names));
        return { rows: [this.#read ? this.#read(text) : [text]] };
      }),
    );
  }
}
