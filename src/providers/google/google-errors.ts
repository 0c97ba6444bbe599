import { ModelCallError } from '../../spi/model-provider.js';
import { isRecord, parseJson } from '../parse-json.js';
import type { HttpAnswer } from '../http/http-client.js';
import { responseHeaders } from '../response-headers.js';
import { parseRetryAfter } from '../retry-after.js';

const TYPE_PREFIX = 'type.googleapis.com/google.rpc.';

/** `"12s"`, `"0.5s"`, `"47.123456s"` (protobuf Duration JSON) in ms. */
export function parseGoogleDuration(text: unknown): number | undefined {
  if (typeof text !== 'string') return undefined;
  const m = /^\s*(\d+(?:\.\d+)?)s\s*$/.exec(text);
  return m ? Math.round(Number(m[1]) * 1000) : undefined;
}

/**
 * A non-2xx Google API answer (`google.rpc.Status` as JSON, wire-formats §6.5 and §7.4; the Gemini
 * API and Vertex AI share it) as the runtime's kinds; `service` names the API in the message:
 * - 429 RESOURCE_EXHAUSTED -> throttled, waiting `RetryInfo.retryDelay` (else `Retry-After`), except
 *   a daily quota (a QuotaFailure violation whose quotaId has `PerDay`): it stays 429 until the
 *   day resets, so it is fatal;
 * - 500 INTERNAL, 503 UNAVAILABLE, 504 DEADLINE_EXCEEDED, 408 -> transient;
 * - every other status -> fatal, including the 400 INVALID_ARGUMENT of a bad key (API_KEY_INVALID)
 *   and Vertex's 401 UNAUTHENTICATED once a fresh token was refused too.
 */
export function googleError(answer: HttpAnswer, redact: (text: string) => string, service = 'Gemini'): ModelCallError {
  const body = parseJson(answer.text);
  const error = isRecord(body) && isRecord(body['error']) ? body['error'] : {};
  const status = answer.status;
  const canonical = typeof error['status'] === 'string' ? error['status'] : undefined;
  const details = Array.isArray(error['details']) ? error['details'].filter(isRecord) : [];
  const text = typeof error['message'] === 'string' ? error['message'].trim() : answer.text.slice(0, 300);
  const reason = details.find((d) => d['@type'] === `${TYPE_PREFIX}ErrorInfo`)?.['reason'];
  const headers = responseHeaders(answer.headers);
  const message = redact(`${service} ${status}${canonical ? ` ${canonical}` : ''}${typeof reason === 'string' ? ` (${reason})` : ''}: ${text}`);
  if (status === 429 || canonical === 'RESOURCE_EXHAUSTED') {
    const quotaIds = details
      .filter((d) => d['@type'] === `${TYPE_PREFIX}QuotaFailure` && Array.isArray(d['violations']))
      .flatMap((d) => (d['violations'] as unknown[]).filter(isRecord).map((v) => v['quotaId']))
      .filter((id): id is string => typeof id === 'string');
    if (quotaIds.some((id) => /PerDay/i.test(id))) return new ModelCallError('fatal', `${message} (daily quota: retrying before it resets cannot help)`, { status, headers });
    const retryDelay = parseGoogleDuration(details.find((d) => d['@type'] === `${TYPE_PREFIX}RetryInfo`)?.['retryDelay']);
    const retryAfterMs = retryDelay ?? parseRetryAfter(answer.headers);
    return new ModelCallError('throttled', message, retryAfterMs === undefined ? { status, headers } : { status, retryAfterMs, headers });
  }
  if (status === 408 || status >= 500) return new ModelCallError('transient', message, { status, headers });
  return new ModelCallError('fatal', message, { status, headers });
}
