import { parseHttpUrl } from '../parse-http-url.js';
import type { BedrockInputFormat } from './bedrock-options.js';
import { uriEncode } from '../aws/sigv4.js';

export type BedrockOperation = 'invoke' | 'converse';

export interface BedrockEndpoint {
  /** scheme://host[:port] */
  readonly origin: string;
  /** The model id, decoded: `anthropic.claude-3-haiku-20240307-v1:0`, an inference profile or an ARN. */
  readonly modelId: string;
  readonly operation: BedrockOperation;
  /** The region an AWS host names (`bedrock-runtime.<region>.amazonaws.com`), else undefined. */
  readonly hostRegion: string | undefined;
  /** The URL to send: the model id as a URI label (only `-._~` and alphanumerics kept, so `:` is `%3A`). */
  readonly url: string;
}

const AWS_HOST = /(?:^|\.)bedrock-runtime(?:-fips)?\.([a-z0-9-]+)\.(?:vpce\.)?amazonaws\.com(?:\.cn)?$/;

/** `…/model/{modelId}/invoke` or `…/converse`; the id may arrive raw (`v1:0`) or encoded (`v1%3A0`). */
export function parseBedrockEndpoint(endpoint: string): BedrockEndpoint | { readonly problem: string } {
  const url = parseHttpUrl(endpoint);
  if ('problem' in url) return url;
  const m = /^(.*?)\/model\/(.+)\/(invoke|converse)\/?$/.exec(url.pathname);
  if (!m) {
    return { problem: `endpoint '${endpoint}' must end in /model/<model id>/invoke or /model/<model id>/converse` };
  }
  let modelId: string;
  try {
    modelId = decodeURIComponent(m[2]!);
  } catch {
    return { problem: `endpoint '${endpoint}' has a badly encoded model id` };
  }
  const operation = m[3] as BedrockOperation;
  const hostRegion = AWS_HOST.exec(url.hostname)?.[1];
  return { origin: url.origin, modelId, operation, hostRegion, url: `${url.origin}${m[1]}/model/${uriEncode(modelId)}/${operation}` };
}

/**
 * The InvokeModel body a model id calls for, as Confluent detects it from the name. Inference
 * profiles (`us.`, `eu.`, `apac.`, `global.` prefixes) and profile/model ARNs are looked through.
 */
export function detectInputFormat(modelId: string): BedrockInputFormat | undefined {
  const base = modelId.slice(modelId.lastIndexOf('/') + 1).replace(/^(?:us|eu|apac|us-gov|global|jp|au|ca)\./, '');
  if (base.startsWith('amazon.titan-embed')) return 'AMAZON-TITAN-EMBED';
  if (base.startsWith('amazon.titan-text') || base.startsWith('amazon.titan-tg1')) return 'AMAZON-TITAN-TEXT';
  if (base.startsWith('anthropic.claude')) return 'ANTHROPIC-MESSAGES';
  return undefined;
}

export function isEmbeddingFormat(format: BedrockInputFormat): boolean {
  return format === 'AMAZON-TITAN-EMBED';
}
