import { AzureOpenAI } from 'openai';
import type OpenAI from 'openai';
import type { Logger } from '../../spi/logger.js';
import type { ModelClient, ModelResponse, TokenUsage } from '../../spi/model-provider.js';
import { ModelCallError } from '../../spi/model-provider.js';
import type { Value } from '../../types/data-type.js';
import type { OpenAITask } from '../openai/endpoint.js';
import { makeRedactor, toModelCallError } from '../openai/openai-errors.js';
import { DEFAULT_EXPECTED_COMPLETION_TOKENS } from '../openai/openai-options.js';
import { CHARS_PER_TOKEN, fingerprint, textOf } from './cloud-common.js';

/** A model's options compiled once: every value the requests need, defaults applied. */
export interface AzureOpenAIClientConfig {
  readonly task: OpenAITask;
  /** The deployment URL without the task suffix, e.g. https://res.openai.azure.com/openai/deployments/gpt-4o */
  readonly deploymentURL: string;
  readonly apiVersion: string;
  /** Other query parameters of the endpoint, sent with every request. */
  readonly query: Readonly<Record<string, string>>;
  readonly apiKey: string;
  readonly model: string | undefined;
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
  readonly timeoutMs: number;
}

/** Azure quotas (TPM/RPM) belong to a deployment: `azureopenai|deployment URL|key:<sha-256 prefix>`. */
export function azureQuotaKey(config: Pick<AzureOpenAIClientConfig, 'deploymentURL' | 'apiKey'>): string {
  return `azureopenai|${config.deploymentURL}|key:${fingerprint(config.apiKey)}`;
}

export function createAzureOpenAIClient(config: AzureOpenAIClientConfig, log: Logger): ModelClient {
  return config.task === 'chat' ? new AzureChatClient(config, log) : new AzureEmbeddingClient(config, log);
}

/**
 * The `openai` SDK's AzureOpenAI class does the Azure specifics (`api-key` header, `api-version`
 * query, deployment URL) and throws the same APIError classes as the OpenAI provider, so the
 * OpenAI error mapping applies unchanged: 429 throttled with `retry-after-ms` / `retry-after`,
 * 408/409/5xx transient, other 4xx (401, 404 DeploymentNotFound, 400 content_filter) fatal.
 */
abstract class AzureClientBase {
  readonly quotaKey: string;
  protected readonly config: AzureOpenAIClientConfig;
  protected readonly log: Logger;
  protected readonly sdk: AzureOpenAI;
  protected readonly redact: (text: string) => string;
  #nullInputs = 0;

  constructor(config: AzureOpenAIClientConfig, log: Logger) {
    this.config = config;
    this.log = log;
    this.quotaKey = azureQuotaKey(config);
    this.redact = makeRedactor(config.apiKey);
    this.sdk = new AzureOpenAI({
      apiKey: config.apiKey,
      apiVersion: config.apiVersion,
      // The deployment is already in the URL: the SDK then leaves request paths alone.
      baseURL: config.deploymentURL,
      defaultQuery: { ...config.query },
      maxRetries: 0,
      timeout: config.timeoutMs,
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

class AzureChatClient extends AzureClientBase implements ModelClient {
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
    try {
      completion = await this.sdk.chat.completions.create(this.#body(textOf(input)), { signal: opts.signal, maxRetries: 0 });
    } catch (err) {
      throw this.failure(err, opts.signal);
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
    const body: Record<string, unknown> = { messages };
    if (c.model !== undefined) body['model'] = c.model;
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

class AzureEmbeddingClient extends AzureClientBase implements ModelClient {
  readonly maxBatchSize: number;

  constructor(config: AzureOpenAIClientConfig, log: Logger) {
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
    // encoding_format is explicit: without it the SDK asks for base64 and decodes it itself.
    const body: Record<string, unknown> = { input: texts.length === 1 ? texts[0] : texts, encoding_format: 'float' };
    if (c.model !== undefined) body['model'] = c.model;
    if (c.dimension !== undefined) body['dimensions'] = c.dimension;
    let response: OpenAI.CreateEmbeddingResponse;
    try {
      response = await this.sdk.embeddings.create(body as unknown as OpenAI.EmbeddingCreateParams, { signal: opts.signal, maxRetries: 0 });
    } catch (err) {
      throw this.failure(err, opts.signal);
    }
    const data = response?.data;
    if (!Array.isArray(data) || data.length !== texts.length) {
      throw new ModelCallError('fatal', `malformed embeddings response: expected ${texts.length} vectors, got ${Array.isArray(data) ? data.length : 'none'}`);
    }
    const shares = splitUsage(response.usage?.prompt_tokens, response.usage?.total_tokens, texts.map((t) => t.length));
    [...data]
      .sort((a, b) => a.index - b.index)
      .forEach((item, k) => {
        if (!Array.isArray(item.embedding)) throw new ModelCallError('fatal', 'malformed embeddings response: embedding is not an array');
        const usage = shares[k];
        results[positions[k]!] = usage ? { rows: [[item.embedding]], usage } : { rows: [[item.embedding]] };
      });
    return results;
  }
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
