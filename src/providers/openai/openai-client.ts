import { createHash } from 'node:crypto';
import OpenAI from 'openai';
import type { Logger } from '../../spi/logger.js';
import type { ModelClient, ModelResponse, TokenUsage } from '../../spi/model-provider.js';
import { ModelCallError } from '../../spi/model-provider.js';
import type { Value } from '../../types/data-type.js';
import type { OpenAITask } from './endpoint.js';
import { linkedSignal } from '../linked-signal.js';
import { makeRedactor, toModelCallError } from './openai-errors.js';
import { DEFAULT_EXPECTED_COMPLETION_TOKENS } from './openai-options.js';

/** A model's options compiled once: every value the requests need, defaults applied. */
export interface OpenAIClientConfig {
  readonly provider: string;
  readonly model: string;
  readonly task: OpenAITask;
  readonly baseURL: string;
  readonly query: Readonly<Record<string, string>>;
  readonly apiKey: string;
  readonly systemPrompt: string;
  readonly temperature?: number | undefined;
  readonly topP?: number | undefined;
  readonly stop?: readonly string[] | undefined;
  readonly maxTokens?: number | undefined;
  readonly presencePenalty?: number | undefined;
  readonly n?: number | undefined;
  readonly seed?: number | undefined;
  readonly responseFormat?: 'text' | 'json_object' | undefined;
  readonly dimension?: number | undefined;
  readonly maxBatchSize: number;
  readonly extraBody: Readonly<Record<string, unknown>>;
}

/**
 * predictd applies per-row timeouts through the AbortSignal; the SDK's own timer is only a
 * backstop (a day: setTimeout overflows above 2^31 ms).
 */
const SDK_TIMEOUT_MS = 24 * 60 * 60 * 1000;

/** Characters per token for estimates: the usual English rule of thumb. */
const CHARS_PER_TOKEN = 4;

/** `provider|base URL|model|key:<sha-256 prefix>`: never the key itself. */
export function openAIQuotaKey(config: Pick<OpenAIClientConfig, 'baseURL' | 'model' | 'apiKey'>): string {
  const fingerprint = createHash('sha256').update(config.apiKey).digest('hex').slice(0, 12);
  return `openai|${config.baseURL}|${config.model}|key:${fingerprint}`;
}

export function createOpenAIClient(config: OpenAIClientConfig, log: Logger): ModelClient {
  return config.task === 'chat' ? new OpenAIChatClient(config, log) : new OpenAIEmbeddingClient(config, log);
}

abstract class OpenAIClientBase {
  readonly quotaKey: string;
  protected readonly config: OpenAIClientConfig;
  protected readonly log: Logger;
  protected readonly sdk: OpenAI;
  protected readonly redact: (text: string) => string;
  #nullInputs = 0;

  constructor(config: OpenAIClientConfig, log: Logger) {
    this.config = config;
    this.log = log;
    this.quotaKey = openAIQuotaKey(config);
    this.redact = makeRedactor(config.apiKey);
    this.sdk = new OpenAI({
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
  }

  /** Flink drops a NULL input without calling the API; so do we, with a warning on the first. */
  protected noteNullInput(): void {
    this.#nullInputs++;
    if (this.#nullInputs === 1) this.log.warn('NULL model input: the row is dropped without calling the API (logged once)');
  }

  protected failure(err: unknown, signal: AbortSignal): unknown {
    if (signal.aborted) return signal.reason;
    return toModelCallError(err, this.redact);
  }

  async close(): Promise<void> {}
}

class OpenAIChatClient extends OpenAIClientBase implements ModelClient {
  estimateTokens(inputs: readonly Value[]): number {
    const prompt = Math.ceil((this.config.systemPrompt.length + textOf(inputs[0]).length) / CHARS_PER_TOKEN);
    return prompt + (this.config.maxTokens ?? DEFAULT_EXPECTED_COMPLETION_TOKENS) * (this.config.n ?? 1);
  }

  async call(inputs: readonly Value[], opts: { readonly signal: AbortSignal }): Promise<ModelResponse> {
    const input = inputs[0];
    if (input === null || input === undefined) {
      this.noteNullInput();
      return { rows: [] };
    }
    let completion: OpenAI.Chat.Completions.ChatCompletion;
    const link = linkedSignal(opts.signal);
    try {
      completion = await this.sdk.chat.completions.create(this.#body(textOf(input)), { signal: link.signal, maxRetries: 0 });
    } catch (err) {
      throw this.failure(err, opts.signal);
    } finally {
      link.dispose();
    }
    if (!Array.isArray(completion?.choices)) throw new ModelCallError('fatal', 'malformed chat completion: no choices array');
    const rows = [...completion.choices]
      .sort((a, b) => a.index - b.index)
      .map((choice): Value[] => [choice.message?.content ?? '']);
    const usage = mapUsage(completion.usage);
    return usage ? { rows, usage } : { rows };
  }

  #body(input: string): OpenAI.Chat.Completions.ChatCompletionCreateParamsNonStreaming {
    const c = this.config;
    const messages: OpenAI.Chat.Completions.ChatCompletionMessageParam[] = [];
    if (c.systemPrompt.length > 0) messages.push({ role: 'system', content: c.systemPrompt });
    messages.push({ role: 'user', content: input });
    const body: Record<string, unknown> = { ...c.extraBody, model: c.model, messages };
    if (c.temperature !== undefined) body['temperature'] = c.temperature;
    if (c.topP !== undefined) body['top_p'] = c.topP;
    if (c.stop !== undefined && c.stop.length > 0) body['stop'] = [...c.stop];
    if (c.maxTokens !== undefined) body['max_tokens'] = c.maxTokens;
    if (c.presencePenalty !== undefined) body['presence_penalty'] = c.presencePenalty;
    if (c.n !== undefined) body['n'] = c.n;
    if (c.seed !== undefined) body['seed'] = c.seed;
    if (c.responseFormat !== undefined) body['response_format'] = { type: c.responseFormat };
    return body as unknown as OpenAI.Chat.Completions.ChatCompletionCreateParamsNonStreaming;
  }
}

class OpenAIEmbeddingClient extends OpenAIClientBase implements ModelClient {
  readonly maxBatchSize: number;

  constructor(config: OpenAIClientConfig, log: Logger) {
    super(config, log);
    this.maxBatchSize = config.maxBatchSize;
  }

  estimateTokens(inputs: readonly Value[]): number {
    return Math.max(1, Math.ceil(textOf(inputs[0]).length / CHARS_PER_TOKEN));
  }

  async call(inputs: readonly Value[], opts: { readonly signal: AbortSignal }): Promise<ModelResponse> {
    const [response] = await this.callBatch([inputs], opts);
    return response ?? { rows: [] };
  }

  async callBatch(batch: readonly (readonly Value[])[], opts: { readonly signal: AbortSignal }): Promise<readonly ModelResponse[]> {
    const texts: string[] = [];
    const positions: number[] = [];
    batch.forEach((inputs, i) => {
      const v = inputs[0];
      if (v === null || v === undefined) this.noteNullInput();
      else {
        texts.push(textOf(v));
        positions.push(i);
      }
    });
    const results: ModelResponse[] = batch.map(() => ({ rows: [] }));
    if (texts.length === 0) return results;
    const c = this.config;
    const body: Record<string, unknown> = {
      ...c.extraBody,
      model: c.model,
      input: texts.length === 1 ? texts[0] : texts,
      encoding_format: 'float',
    };
    if (c.dimension !== undefined) body['dimensions'] = c.dimension;
    let response: OpenAI.CreateEmbeddingResponse;
    const link = linkedSignal(opts.signal);
    try {
      response = await this.sdk.embeddings.create(body as unknown as OpenAI.EmbeddingCreateParams, { signal: link.signal, maxRetries: 0 });
    } catch (err) {
      throw this.failure(err, opts.signal);
    } finally {
      link.dispose();
    }
    const data = response?.data;
    if (!Array.isArray(data) || data.length !== texts.length) {
      throw new ModelCallError('fatal', `malformed embeddings response: expected ${texts.length} vectors, got ${Array.isArray(data) ? data.length : 'none'}`);
    }
    const shares = splitUsage(response.usage?.prompt_tokens, response.usage?.total_tokens, texts.map((t) => t.length));
    const ordered = [...data].sort((a, b) => a.index - b.index);
    ordered.forEach((item, k) => {
      if (!Array.isArray(item.embedding)) throw new ModelCallError('fatal', 'malformed embeddings response: embedding is not an array');
      const usage = shares[k];
      results[positions[k]!] = usage ? { rows: [[item.embedding]], usage } : { rows: [[item.embedding]] };
    });
    return results;
  }
}

function textOf(v: Value | undefined): string {
  if (v === null || v === undefined) return '';
  return typeof v === 'string' ? v : String(v);
}

function mapUsage(usage: OpenAI.CompletionUsage | undefined | null): TokenUsage | undefined {
  if (!usage) return undefined;
  const promptTokens = usage.prompt_tokens ?? 0;
  const completionTokens = usage.completion_tokens ?? 0;
  return { promptTokens, completionTokens, totalTokens: usage.total_tokens ?? promptTokens + completionTokens };
}

/** A batch's usage shared out over its rows in proportion to their length; the shares add up to the total. */
function splitUsage(prompt: number | undefined, total: number | undefined, weights: readonly number[]): (TokenUsage | undefined)[] {
  if (prompt === undefined && total === undefined) return weights.map(() => undefined);
  const t = total ?? prompt ?? 0;
  const sum = weights.reduce((a, b) => a + Math.max(1, b), 0);
  let given = 0;
  return weights.map((w, i) => {
    const share = i === weights.length - 1 ? t - given : Math.floor((t * Math.max(1, w)) / sum);
    given += share;
    return { promptTokens: share, completionTokens: 0, totalTokens: share };
  });
}
