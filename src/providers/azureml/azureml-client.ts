import type { Logger } from '../../spi/logger.js';
import type { ModelClient, ModelResponse } from '../../spi/model-provider.js';
import type { Value } from '../../types/data-type.js';
import { fingerprint } from '../fingerprint.js';
import { HttpClient, type HttpAnswer } from '../http/http-client.js';
import { nullInputWarning } from '../null-input-warning.js';
import { makeRedactor } from '../openai/openai-errors.js';
import { estimateRowTokens, exchangeRows, type TabularModel } from '../tabular/tabular-exchange.js';
import type { EncodedRequest } from '../tabular/tabular-format.js';
import { azureMLError } from './azureml-errors.js';
import { DEPLOYMENT_HEADER } from './azureml-options.js';

export interface AzureMLClientConfig {
  /** The scoring URI. */
  readonly url: string;
  readonly apiKey: string;
  readonly deployment: string | undefined;
  readonly model: TabularModel;
  readonly maxBatchSize: number;
}

/** An online endpoint's limits belong to the endpoint and deployment: `azureml|scoring URI|deployment|key:<sha-256 prefix>`. */
export function azureMLQuotaKey(config: Pick<AzureMLClientConfig, 'url' | 'deployment' | 'apiKey'>): string {
  return `azureml|${config.url}|${config.deployment ?? ''}|key:${fingerprint(config.apiKey)}`;
}

/** The headers every Azure ML request carries: the key as a bearer token, and the deployment when one is pinned. */
export function azureMLAuthHeaders(apiKey: string, deployment: string | undefined): Record<string, string> {
  const headers: Record<string, string> = { authorization: `Bearer ${apiKey}` };
  if (deployment !== undefined) headers[DEPLOYMENT_HEADER] = deployment;
  return headers;
}

/**
 * A managed online endpoint's scoring URI: the rows written by the model's input format, read
 * back by its output format, one POST per row (or per micro-batch with `max-batch-size` > 1).
 */
export class AzureMLClient implements ModelClient {
  readonly quotaKey: string;
  readonly maxBatchSize: number;
  readonly #config: AzureMLClientConfig;
  readonly #redact: (text: string) => string;
  readonly #noteNullInput: () => void;
  readonly #auth: Readonly<Record<string, string>>;
  readonly #http = new HttpClient();

  constructor(config: AzureMLClientConfig, log: Logger) {
    this.#config = config;
    this.quotaKey = azureMLQuotaKey(config);
    this.maxBatchSize = Math.max(1, Math.min(config.maxBatchSize, config.model.input.maxRows, config.model.output.maxRows));
    this.#redact = makeRedactor(config.apiKey);
    this.#noteNullInput = nullInputWarning(log);
    this.#auth = azureMLAuthHeaders(config.apiKey, config.deployment);
  }

  estimateTokens(inputs: readonly Value[]): number {
    return estimateRowTokens(inputs);
  }

  async call(inputs: readonly Value[], opts: { readonly signal: AbortSignal }): Promise<ModelResponse> {
    const [response] = await this.callBatch([inputs], opts);
    return response!;
  }

  callBatch(batch: readonly (readonly Value[])[], opts: { readonly signal: AbortSignal }): Promise<readonly ModelResponse[]> {
    return exchangeRows(this.#config.model, batch, this.#noteNullInput, (request) => this.#send(request, opts.signal), this.#redact);
  }

  async #send(request: EncodedRequest, signal: AbortSignal): Promise<HttpAnswer> {
    const headers = { 'content-type': request.contentType, accept: this.#config.model.output.contentType, ...this.#auth };
    const answer = await this.#http.post(this.#config.url, { headers, body: request.body }, { signal, redact: this.#redact });
    if (answer.status < 200 || answer.status >= 300) throw azureMLError(answer, this.#redact);
    return answer;
  }

  close(): Promise<void> {
    return this.#http.close();
  }
}
