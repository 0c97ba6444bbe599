import type { Logger } from '../../spi/logger.js';
import { ModelCallError, type ModelClient, type ModelResponse } from '../../spi/model-provider.js';
import type { Value } from '../../types/data-type.js';
import { signSigV4 } from '../aws/sigv4.js';
import { fingerprint } from '../fingerprint.js';
import { HttpClient, type HttpAnswer } from '../http/http-client.js';
import { nullInputWarning } from '../null-input-warning.js';
import { makeRedactor } from '../openai/openai-errors.js';
import { estimateRowTokens, exchangeRows, type TabularModel } from '../tabular/tabular-exchange.js';
import type { EncodedRequest } from '../tabular/tabular-format.js';
import { estimateChatTokens } from '../token-estimate.js';
import type { SageMakerCredentialSource } from './sagemaker-credentials.js';
import { sagemakerError } from './sagemaker-errors.js';
import { SAGEMAKER_MAX_BODY_BYTES } from './sagemaker-options.js';

/** SigV4 signing name of SageMaker Runtime (the endpoint prefix is `runtime.sagemaker`). */
const SIGNING_NAME = 'sagemaker';

export interface SageMakerClientConfig {
  readonly url: string;
  readonly endpointName: string;
  readonly region: string;
  /** Asked before signing each request (static keys now; a refreshing chain fits the same shape). */
  readonly credentials: SageMakerCredentialSource;
  /** The access key id (or another non-secret name of the credentials) for the quota key. */
  readonly credentialId: string;
  readonly model: TabularModel;
  /** `Content-Type` override (`sagemaker.input_content_type`); else the input format's. */
  readonly contentType: string | undefined;
  /** `Accept` (`sagemaker.output_content_type`, else the output format's). */
  readonly accept: string;
  /** The InvokeEndpoint member headers that are set (custom attributes, target model, ...). */
  readonly headers: Readonly<Record<string, string>>;
  readonly maxBatchSize: number;
  /** For the token estimate of the chat format. */
  readonly chat: { readonly systemPrompt?: string | undefined; readonly maxTokens?: number | undefined } | undefined;
}

/** SageMaker quotas are per endpoint (and inference component): `sagemaker|origin|endpoint|component|cred:<sha-256 prefix>`. */
export function sagemakerQuotaKey(config: Pick<SageMakerClientConfig, 'url' | 'endpointName' | 'headers' | 'credentialId'>): string {
  const component = config.headers['X-Amzn-SageMaker-Inference-Component'] ?? '';
  return `sagemaker|${new URL(config.url).origin}|${config.endpointName}|${component}|cred:${fingerprint(config.credentialId)}`;
}

/**
 * InvokeEndpoint (wire-formats §5): the rows encoded by the model's input format, signed with
 * SigV4 for every attempt, the answer decoded by its output format. With `max-batch-size` > 1 and
 * a format that carries several rows, the framework's micro-batcher hands several rows at once.
 */
export class SageMakerClient implements ModelClient {
  readonly quotaKey: string;
  readonly maxBatchSize: number;
  /** OPENAI-CHAT's system prompt, which `max-context-size` counts with every row. */
  readonly systemPrompt?: string;
  readonly #config: SageMakerClientConfig;
  readonly #redact: (text: string) => string;
  /** Redactors of the secrets last signed with: errors quote what a request carried. */
  #redactors: ((text: string) => string)[] = [];
  #signedWith: object | undefined;
  readonly #now: () => Date;
  readonly #noteNullInput: () => void;
  readonly #http = new HttpClient();

  constructor(config: SageMakerClientConfig, log: Logger, now: () => Date = () => new Date()) {
    this.#config = config;
    this.#now = now;
    this.#noteNullInput = nullInputWarning(log);
    this.quotaKey = sagemakerQuotaKey(config);
    if (config.chat?.systemPrompt) this.systemPrompt = config.chat.systemPrompt;
    this.maxBatchSize = Math.max(1, Math.min(config.maxBatchSize, config.model.input.maxRows, config.model.output.maxRows));
    this.#redact = (text) => this.#redactors.reduce((t, r) => r(t), text);
  }

  estimateTokens(inputs: readonly Value[]): number {
    return this.#config.chat ? estimateChatTokens(inputs[0], this.#config.chat) : estimateRowTokens(inputs);
  }

  async call(inputs: readonly Value[], opts: { readonly signal: AbortSignal }): Promise<ModelResponse> {
    const [response] = await this.callBatch([inputs], opts);
    return response!;
  }

  callBatch(batch: readonly (readonly Value[])[], opts: { readonly signal: AbortSignal }): Promise<readonly ModelResponse[]> {
    return exchangeRows(this.#config.model, batch, this.#noteNullInput, (request) => this.#send(request, opts.signal), this.#redact);
  }

  async #send(request: EncodedRequest, signal: AbortSignal): Promise<HttpAnswer> {
    if (Buffer.byteLength(request.body) > SAGEMAKER_MAX_BODY_BYTES) {
      throw new ModelCallError('fatal', `the request body is ${Buffer.byteLength(request.body)} bytes; InvokeEndpoint takes at most ${SAGEMAKER_MAX_BODY_BYTES}`);
    }
    const c = this.#config;
    const credentials = await c.credentials();
    if (credentials !== this.#signedWith) {
      this.#signedWith = credentials;
      this.#redactors = [credentials.secretAccessKey, credentials.sessionToken ?? ''].filter((s) => s.length > 0).map(makeRedactor);
    }
    const base = { ...c.headers, 'Content-Type': c.contentType ?? request.contentType, Accept: c.accept };
    const signed = signSigV4({ method: 'POST', url: new URL(c.url), headers: base, body: request.body }, credentials, { region: c.region, service: SIGNING_NAME }, this.#now());
    const answer = await this.#http.post(c.url, { headers: { ...signed.headers }, body: request.body }, { signal, redact: this.#redact });
    if (answer.status < 200 || answer.status >= 300) throw sagemakerError(answer, this.#redact);
    return answer;
  }

  close(): Promise<void> {
    return this.#http.close();
  }
}
