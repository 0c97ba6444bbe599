import type { Logger } from '../../spi/logger.js';
import type { ModelClient, ModelResponse, TokenUsage } from '../../spi/model-provider.js';
import { ModelCallError } from '../../spi/model-provider.js';
import type { Value } from '../../types/data-type.js';
import { fingerprint } from '../fingerprint.js';
import { nullInputWarning } from '../null-input-warning.js';
import { makeRedactor } from '../openai/openai-errors.js';
import { AnswerShapeError, decodeAnswer } from '../malformed-answer.js';
import { isRecord } from '../parse-json.js';
import { HttpClient } from '../http-client.js';
import { sendNonNullTexts } from '../send-non-null-texts.js';
import { textOf } from '../text-of.js';
import { estimateChatTokens, estimateEmbeddingTokens } from '../token-estimate.js';
import type { GoogleTask } from './googleai-endpoint.js';
import { googleError } from './googleai-errors.js';

export interface GoogleAIClientConfig {
  readonly task: GoogleTask;
  /** e.g. https://generativelanguage.googleapis.com/v1beta */
  readonly base: string;
  /** e.g. models/gemini-2.0-flash */
  readonly model: string;
  readonly apiKey: string;
  readonly systemPrompt?: string | undefined;
  readonly temperature?: number | undefined;
  readonly topP?: number | undefined;
  readonly topK?: number | undefined;
  readonly stop?: readonly string[] | undefined;
  readonly maxTokens?: number | undefined;
  readonly dimension?: number | undefined;
  readonly embeddingTaskType?: string | undefined;
  /** Typed structured output: `generationConfig.responseSchema` (with `responseMimeType` application/json). */
  readonly responseSchema?: Readonly<Record<string, unknown>> | undefined;
  readonly maxBatchSize: number;
}

/** Gemini quotas are per project (key) and model: `googleai|base|model|key:<sha-256 prefix>`. */
export function googleQuotaKey(config: Pick<GoogleAIClientConfig, 'base' | 'model' | 'apiKey'>): string {
  return `googleai|${config.base}|${config.model}|key:${fingerprint(config.apiKey)}`;
}

export function createGoogleAIClient(config: GoogleAIClientConfig, log: Logger): ModelClient {
  return config.task === 'generate' ? new GeminiGenerateClient(config, log) : new GeminiEmbeddingClient(config, log);
}

abstract class GoogleClientBase {
  readonly quotaKey: string;
  protected readonly config: GoogleAIClientConfig;
  protected readonly redact: (text: string) => string;
  protected readonly noteNullInput: () => void;
  readonly #http = new HttpClient();

  constructor(config: GoogleAIClientConfig, log: Logger) {
    this.config = config;
    this.quotaKey = googleQuotaKey(config);
    this.redact = makeRedactor(config.apiKey);
    this.noteNullInput = nullInputWarning(log);
  }

  /** One POST to `base/model:method`; non-2xx answers become ModelCallErrors, 2xx bodies are read by `decode`. */
  protected async post<T>(method: string, body: unknown, signal: AbortSignal, decode: (json: Record<string, unknown>) => T): Promise<T> {
    const c = this.config;
    const answer = await this.#http.post(
      `${c.base}/${c.model}:${method}`,
      { headers: { 'Content-Type': 'application/json', 'x-goog-api-key': c.apiKey }, body: JSON.stringify(body) },
      { signal, redact: this.redact },
    );
    if (answer.status < 200 || answer.status >= 300) throw googleError(answer, this.redact);
    return decodeAnswer(
      answer,
      (json) => {
        if (!isRecord(json)) throw new AnswerShapeError(`the answer to :${method} is not a JSON object`);
        return decode(json);
      },
      this.redact,
    );
  }

  close(): Promise<void> {
    return this.#http.close();
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
    return this.post('generateContent', this.#body(textOf(input)), opts.signal, (json) => this.#read(json));
  }

  #read(json: Record<string, unknown>): ModelResponse {
    const candidate = Array.isArray(json['candidates']) ? json['candidates'][0] : undefined;
    const content = isRecord(candidate) && isRecord(candidate['content']) ? candidate['content'] : undefined;
    const parts = Array.isArray(content?.['parts']) ? (content['parts'] as unknown[]) : undefined;
    if (!parts) {
      // A blocked prompt or answer is the same on every retry: the error strategy decides (IGNORE drops the row).
      const feedback = isRecord(json['promptFeedback']) ? json['promptFeedback']['blockReason'] : undefined;
      const finish = isRecord(candidate) ? candidate['finishReason'] : undefined;
      if (typeof feedback === 'string') throw new ModelCallError('fatal', `Gemini blocked the prompt: ${feedback}`);
      if (typeof finish === 'string' && finish !== 'STOP') throw new ModelCallError('fatal', `Gemini returned no content: finishReason ${finish}`);
      throw new AnswerShapeError("no 'candidates[0].content.parts'");
    }
    const text = parts
      .filter((p): p is Record<string, unknown> => isRecord(p) && typeof p['text'] === 'string' && p['thought'] !== true)
      .map((p) => p['text'] as string)
      .join('');
    const usage = mapUsage(json['usageMetadata']);
    return usage ? { rows: [[text]], usage } : { rows: [[text]] };
  }

  #body(text: string): Record<string, unknown> {
    const c = this.config;
    const body: Record<string, unknown> = { contents: [{ role: 'user', parts: [{ text }] }] };
    if (c.systemPrompt) body['systemInstruction'] = { parts: [{ text: c.systemPrompt }] };
    const generation: Record<string, unknown> = {};
    if (c.temperature !== undefined) generation['temperature'] = c.temperature;
    if (c.topP !== undefined) generation['topP'] = c.topP;
    if (c.topK !== undefined) generation['topK'] = c.topK;
    if (c.maxTokens !== undefined) generation['maxOutputTokens'] = c.maxTokens;
    if (c.stop?.length) generation['stopSequences'] = [...c.stop];
    if (c.responseSchema !== undefined) {
      generation['responseMimeType'] = 'application/json';
      generation['responseSchema'] = c.responseSchema;
    }
    if (Object.keys(generation).length > 0) body['generationConfig'] = generation;
    return body;
  }
}

class GeminiEmbeddingClient extends GoogleClientBase implements ModelClient {
  readonly maxBatchSize: number;

  constructor(config: GoogleAIClientConfig, log: Logger) {
    super(config, log);
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

function mapUsage(meta: unknown): TokenUsage | undefined {
  if (!isRecord(meta)) return undefined;
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
  const prompt = num(meta['promptTokenCount']) ?? 0;
  // Thinking tokens are billed as output.
  const completion = (num(meta['candidatesTokenCount']) ?? 0) + (num(meta['thoughtsTokenCount']) ?? 0);
  return { promptTokens: prompt, completionTokens: completion, totalTokens: num(meta['totalTokenCount']) ?? prompt + completion };
}
