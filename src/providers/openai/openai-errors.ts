import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError, OpenAIError } from 'openai';
import { ModelCallError } from '../../spi/model-provider.js';
import { causeChain } from '../cause-chain.js';
import { responseHeaders } from '../response-headers.js';
import { parseRetryAfter } from '../retry-after.js';

/**
 * Error codes that arrive with a retryable status but mean "stop": OpenAI's exhausted quota (429),
 * DashScope's arrears and allocation quota (wire-formats §9).
 */
const NEVER_RETRY = new Set(['insufficient_quota', 'arrearage', 'throttling.allocationquota', 'billing_hard_limit_reached']);

/**
 * Maps an SDK error to the runtime's three kinds, as the OpenAI SDK's own retry rule does
 * (408/409/429/5xx retryable, `x-should-retry` overrides) minus its retries. The message is
 * passed through `redact`, and the SDK error is not kept as cause: its body may quote the key.
 */
export function toModelCallError(err: unknown, redact: (text: string) => string): ModelCallError {
  if (err instanceof ModelCallError) return err;
  if (err instanceof APIUserAbortError) return new ModelCallError('transient', 'request aborted');
  if (err instanceof APIConnectionTimeoutError) return new ModelCallError('transient', 'request timed out');
  if (err instanceof APIConnectionError) return new ModelCallError('transient', redact(`connection error: ${causeChain(err)}`));
  if (err instanceof APIError && typeof err.status === 'number') {
    const status = err.status;
    const retryAfterMs = parseRetryAfter(err.headers);
    const codes = [err.code, err.type].filter((c): c is string => typeof c === 'string').map((c) => c.toLowerCase());
    const message = redact(err.message);
    const headers = responseHeaders(err.headers);
    const opts = retryAfterMs === undefined ? { status, headers } : { status, retryAfterMs, headers };
    const shouldRetry = err.headers?.get('x-should-retry')?.toLowerCase();
    if (codes.some((c) => NEVER_RETRY.has(c))) return new ModelCallError('fatal', message, { status, headers });
    if (status === 429) return new ModelCallError(shouldRetry === 'false' ? 'fatal' : 'throttled', message, opts);
    if (shouldRetry === 'true') return new ModelCallError('transient', message, opts);
    if (shouldRetry === 'false') return new ModelCallError('fatal', message, { status, headers });
    if (status === 408 || status === 409 || status >= 500) return new ModelCallError('transient', message, opts);
    return new ModelCallError('fatal', message, { status, headers });
  }
  if (err instanceof OpenAIError) return new ModelCallError('fatal', redact(err.message));
  return new ModelCallError('fatal', redact(`unexpected error: ${err instanceof Error ? err.message : String(err)}`));
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
