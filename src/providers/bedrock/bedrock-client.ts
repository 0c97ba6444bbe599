import type { Logger } from '../../spi/logger.js';
import type { ModelClient, ModelResponse } from '../../spi/model-provider.js';
import type { Value } from '../../types/data-type.js';
import { fingerprint } from '../fingerprint.js';
import { nullInputWarning } from '../null-input-warning.js';
import { makeRedactor } from '../openai/openai-errors.js';
import { decodeAnswer } from '../malformed-answer.js';
import { HttpClient } from '../http-client.js';
import type { HeaderLookup } from '../retry-after.js';
import { textOf } from '../text-of.js';
import { estimateChatTokens, estimateEmbeddingTokens } from '../token-estimate.js';
import { bedrockError } from './bedrock-errors.js';
import { codecFor, usageOf, type BedrockGeneration, type BedrockWireFormat } from './bedrock-formats.js';
import { signSigV4, type AwsCredentials } from './sigv4.js';

/** SigV4 signing name of Bedrock Runtime (the endpoint prefix is `bedrock-runtime`). */
const SIGNING_NAME = 'bedrock';

export type BedrockAuth =
  | { readonly kind: 'sigv4'; readonly credentials: AwsCredentials; readonly region: string }
  | { readonly kind: 'bearer'; readonly apiKey: string };

export interface BedrockClientConfig {
  /** Ready to send: the model id already encoded as a URI label. */
  readonly url: string;
  readonly modelId: string;
  readonly format: BedrockWireFormat;
  readonly auth: BedrockAuth;
  readonly generation: BedrockGeneration;
}

/** Bedrock quotas are per account, region and model: `bedrock|origin|model|cred:<sha-256 prefix>`. */
export function bedrockQuotaKey(config: Pick<BedrockClientConfig, 'url' | 'modelId' | 'auth'>): string {
  const credential = config.auth.kind === 'sigv4' ? config.auth.credentials.accessKeyId : config.auth.apiKey;
  return `bedrock|${new URL(config.url).origin}|${config.modelId}|cred:${fingerprint(credential)}`;
}

/**
 * One InvokeModel or Converse request per row (Titan embeddings take one text per call, and
 * the chat bodies one conversation), signed with SigV4 for every attempt.
 */
export class BedrockClient implements ModelClient {
  readonly quotaKey: string;
  readonly systemPrompt: string | undefined;
  readonly #config: BedrockClientConfig;
  readonly #redact: (text: string) => string;
  readonly #now: () => Date;
  readonly #noteNullInput: () => void;
  readonly #http = new HttpClient();

  constructor(config: BedrockClientConfig, log: Logger, now: () => Date = () => new Date()) {
    this.#config = config;
    this.#now = now;
    this.#noteNullInput = nullInputWarning(log);
    this.quotaKey = bedrockQuotaKey(config);
    // Embedding bodies carry the row's text alone.
    this.systemPrompt = codecFor(config.format).output === 'embedding' ? undefined : config.generation.systemPrompt;
    const secrets = config.auth.kind === 'sigv4' ? [config.auth.credentials.secretAccessKey, config.auth.credentials.sessionToken ?? ''] : [config.auth.apiKey];
    const redactors = secrets.filter((s) => s.length > 0).map(makeRedactor);
    this.#redact = (text) => redactors.reduce((t, r) => r(t), text);
  }

  estimateTokens(inputs: readonly Value[]): number {
    if (codecFor(this.#config.format).output === 'embedding') return estimateEmbeddingTokens(inputs[0]);
    return estimateChatTokens(inputs[0], this.#config.generation);
  }

  async call(inputs: readonly Value[], opts: { readonly signal: AbortSignal }): Promise<ModelResponse> {
    const input = inputs[0];
    if (input === null || input === undefined) {
      this.#noteNullInput();
      return { rows: [] };
    }
    const codec = codecFor(this.#config.format);
    const body = JSON.stringify(codec.request(textOf(input), this.#config.generation));
    const answer = await this.#http.post(this.#config.url, { headers: this.#headers(body), body }, { signal: opts.signal, redact: this.#redact });
    if (answer.status < 200 || answer.status >= 300) throw bedrockError(answer, this.#redact);
    const decoded = decodeAnswer(answer, (json) => codec.response(json), this.#redact);
    // InvokeModel reports tokens in headers for every model family; they win over the body's.
    const inTokens = headerCount(answer.headers, 'x-amzn-bedrock-input-token-count');
    const outTokens = headerCount(answer.headers, 'x-amzn-bedrock-output-token-count');
    const usage = inTokens !== undefined || outTokens !== undefined ? usageOf(inTokens ?? 0, outTokens ?? 0) : decoded.usage;
    return usage ? { rows: [[decoded.value]], usage } : { rows: [[decoded.value]] };
  }

  #headers(body: string): Record<string, string> {
    const base = { 'Content-Type': 'application/json', Accept: 'application/json' };
    const auth = this.#config.auth;
    if (auth.kind === 'bearer') return { ...base, Authorization: `Bearer ${auth.apiKey}` };
    const signed = signSigV4({ method: 'POST', url: new URL(this.#config.url), headers: base, body }, auth.credentials, { region: auth.region, service: SIGNING_NAME }, this.#now());
    return { ...signed.headers };
  }

  close(): Promise<void> {
    return this.#http.close();
  }
}

function headerCount(headers: HeaderLookup, name: string): number | undefined {
  const v = headers.get(name);
  if (v === null || !/^\d+$/.test(v.trim())) return undefined;
  return Number(v);
}
