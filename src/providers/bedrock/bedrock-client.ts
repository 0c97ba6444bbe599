import type { Logger } from '../../spi/logger.js';
import { ModelCallError, type ModelClient, type ModelResponse } from '../../spi/model-provider.js';
import type { Value } from '../../types/data-type.js';
import { fingerprint } from '../fingerprint.js';
import { nullInputWarning } from '../null-input-warning.js';
import { makeRedactor } from '../openai/openai-errors.js';
import { decodeAnswer } from '../malformed-answer.js';
import { HttpClient } from '../http/http-client.js';
import type { HeaderLookup } from '../retry-after.js';
import { textOf } from '../text-of.js';
import { estimateChatTokens, estimateEmbeddingTokens } from '../token-estimate.js';
import { bedrockError } from './bedrock-errors.js';
import { codecFor, usageOf, type BedrockGeneration, type BedrockWireFormat } from './bedrock-formats.js';
import type { AwsCredentials, AwsCredentialSource } from '../aws/aws-credentials.js';
import { signSigV4 } from '../aws/sigv4.js';

/** SigV4 signing name of Bedrock Runtime (the endpoint prefix is `bedrock-runtime`). */
const SIGNING_NAME = 'bedrock';

export type BedrockAuth =
  | {
      readonly kind: 'sigv4';
      /** Asked before every request: static keys, or the AWS default chain (refreshed before expiry). */
      readonly credentials: AwsCredentialSource;
      /** Names the credential in the quota key: the static access key id, or `chain:<profile>`. */
      readonly credentialId: string;
      readonly region: string;
    }
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
  const credential = config.auth.kind === 'sigv4' ? config.auth.credentialId : config.auth.apiKey;
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
  #redactCredentials: AwsCredentials | undefined;
  #redactSigned: (text: string) => string = (text) => text;
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
    this.#redact = config.auth.kind === 'bearer' ? makeRedactor(config.auth.apiKey) : (text) => text;
  }

  /**
   * The redactor for answers to requests signed with `c`: the secret key and the session token
   * (an InvalidSignatureException quotes the canonical request, token included). Kept per
   * credentials object, so a refresh changes it and the steady state builds nothing.
   */
  #redactFor(c: AwsCredentials): (text: string) => string {
    if (this.#redactCredentials !== c) {
      const redactors = [c.secretAccessKey, c.sessionToken ?? ''].filter((s) => s.length > 0).map(makeRedactor);
      this.#redactCredentials = c;
      this.#redactSigned = (text) => redactors.reduce((t, r) => r(t), text);
    }
    return this.#redactSigned;
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
    const auth = this.#config.auth;
    const credentials = auth.kind === 'sigv4' ? await credentialsOf(auth.credentials) : undefined;
    const redact = credentials ? this.#redactFor(credentials) : this.#redact;
    const answer = await this.#http.post(this.#config.url, { headers: this.#headers(body, credentials), body }, { signal: opts.signal, redact });
    if (answer.status < 200 || answer.status >= 300) throw bedrockError(answer, redact);
    const decoded = decodeAnswer(answer, (json) => codec.response(json), redact);
    // InvokeModel reports tokens in headers for every model family; they win over the body's.
    const inTokens = headerCount(answer.headers, 'x-amzn-bedrock-input-token-count');
    const outTokens = headerCount(answer.headers, 'x-amzn-bedrock-output-token-count');
    const usage = inTokens !== undefined || outTokens !== undefined ? usageOf(inTokens ?? 0, outTokens ?? 0) : decoded.usage;
    return usage ? { rows: [[decoded.value]], usage } : { rows: [[decoded.value]] };
  }

  #headers(body: string, credentials: AwsCredentials | undefined): Record<string, string> {
    const base = { 'Content-Type': 'application/json', Accept: 'application/json' };
    const auth = this.#config.auth;
    if (auth.kind === 'bearer') return { ...base, Authorization: `Bearer ${auth.apiKey}` };
    const signed = signSigV4({ method: 'POST', url: new URL(this.#config.url), headers: base, body }, credentials!, { region: auth.region, service: SIGNING_NAME }, this.#now());
    return { ...signed.headers };
  }

  close(): Promise<void> {
    return this.#http.close();
  }
}

/**
 * Credentials for one request. A chain that finds none (no keys, profile or role anywhere, an
 * unreachable metadata service after the SDK's own retries) fails the call as fatal: the message
 * says which sources were tried, and the job's restart strategy tries again later.
 */
async function credentialsOf(source: AwsCredentialSource): Promise<AwsCredentials> {
  try {
    return await source();
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw new ModelCallError('fatal', `no AWS credentials for SigV4: ${why}`, { cause: err });
  }
}

function headerCount(headers: HeaderLookup, name: string): number | undefined {
  const v = headers.get(name);
  if (v === null || !/^\d+$/.test(v.trim())) return undefined;
  return Number(v);
}
