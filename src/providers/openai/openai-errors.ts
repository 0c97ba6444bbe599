import { ModelCallError } from '../../spi/model-provider.js';
import type { HttpAnswer } from '../http/http-client.js';
import { isRecord, parseJson } from '../parse-json.js';
import { responseHeaders } from '../response-headers.js';
import { parseRetryAfter } from '../retry-after.js';

/**
 * Error codes that arrive with a retryable status but mean "stop": OpenAI's exhausted quota (429),
 * DashScope's arrears and allocation quota (wire-formats §9).
 */
const NEVER_RETRY = new Set(['insufficient_quota', 'arrearage', 'throttling.allocationquota', 'billing_hard_limit_reached']);

/**
 * Maps a non-2xx answer to the runtime's three kinds by the OpenAI SDK's own retry rule
 * (408/409/429/5xx retryable, `x-should-retry` overrides), with the SDK's message
 * (`<status> <error.message>`), passed through `redact`.
 */
export function openAIError(answer: HttpAnswer, redact: (text: string) => string): ModelCallError {
  const { status } = answer;
  const json = parseJson(answer.text);
  const error = isRecord(json) ? json['error'] : undefined;
  const detail = isRecord(error) ? error : {};
  const retryAfterMs = parseRetryAfter(answer.headers);
  const codes = [detail['code'], detail['type']].filter((c): c is string => typeof c === 'string').map((c) => c.toLowerCase());
  const message = redact(`${status} ${errorText(error, json === undefined ? answer.text : undefined)}`);
  const headers = responseHeaders(answer.headers);
  const opts = retryAfterMs === undefined ? { status, headers } : { status, retryAfterMs, headers };
  const shouldRetry = answer.headers.get('x-should-retry')?.toLowerCase();
  if (codes.some((c) => NEVER_RETRY.has(c))) return new ModelCallError('fatal', message, { status, headers });
  if (status === 429) return new ModelCallError(shouldRetry === 'false' ? 'fatal' : 'throttled', message, opts);
  if (shouldRetry === 'true') return new ModelCallError('transient', message, opts);
  if (shouldRetry === 'false') return new ModelCallError('fatal', message, { status, headers });
  if (status === 408 || status === 409 || status >= 500) return new ModelCallError('transient', message, opts);
  return new ModelCallError('fatal', message, { status, headers });
}

/** The SDK's wording: the error's message, else the error as JSON, else a body that was not JSON. */
function errorText(error: unknown, nonJsonBody: string | undefined): string {
  if (isRecord(error) && error['message']) return typeof error['message'] === 'string' ? error['message'] : JSON.stringify(error['message']);
  if (error) return JSON.stringify(error);
  return nonJsonBody || 'status code (no body)';
}

/** Removes the key, and the masked forms servers echo ('Incorrect API key provided: sk-ab...yz'). */
export function makeRedactor(secret: string): (text: string) => string {
  return (text) => {
    let out = secret.length > 0 ? text.split(secret).join('***') : text;
    out = out.replace(/(API[ -]?key provided:?\s*)\S+/gi, '$1***');
    out = out.replace(/\bsk-[A-Za-z0-9_*.-]{6,}/g, 'sk-***');
    return out;
  };
}
