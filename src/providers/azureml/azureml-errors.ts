import { ModelCallError } from '../../spi/model-provider.js';
import type { HttpAnswer } from '../http/http-client.js';
import { isRecord, parseJson } from '../parse-json.js';
import { responseHeaders } from '../response-headers.js';
import { parseRetryAfter } from '../retry-after.js';

/**
 * A non-2xx answer of a managed online endpoint (wire-formats §8) as the runtime's error kinds:
 * 429 (too many pending requests, or the endpoint's rate limit) -> throttled, `Retry-After`
 * honoured; 408 (request_timeout_ms), 5xx (502 a crashed `run()`, 503 a spike faster than
 * autoscale, 504) and 409 (an operation in progress) -> transient; 424 (the model container
 * answered non-200) -> transient when `ms-azureml-model-error-statuscode` is 5xx or 429, else
 * fatal; 401 (key or token bad or expired), 404 (no deployment with traffic) and other 4xx -> fatal.
 */
export function azureMLError(answer: HttpAnswer, redact: (text: string) => string): ModelCallError {
  const { status } = answer;
  const body = parseJson(answer.text);
  const text = messageOf(body) ?? answer.text.slice(0, 300);
  const modelStatus = answer.headers.get('ms-azureml-model-error-statuscode');
  const modelReason = answer.headers.get('ms-azureml-model-error-reason');
  const container = modelStatus !== null ? ` (model container ${modelStatus}${modelReason ? `: ${modelReason}` : ''})` : '';
  const message = redact(`Azure ML ${status}: ${text || '(no message)'}${container}`);
  const retryAfterMs = parseRetryAfter(answer.headers);
  const headers = responseHeaders(answer.headers);
  const opts = retryAfterMs === undefined ? { status, headers } : { status, retryAfterMs, headers };
  if (status === 429) return new ModelCallError('throttled', message, opts);
  if (status === 424) {
    const original = Number(modelStatus);
    const retryable = Number.isInteger(original) && (original >= 500 || original === 429);
    return new ModelCallError(retryable ? 'transient' : 'fatal', message, retryable ? opts : { status, headers });
  }
  if (status === 408 || status === 409 || status >= 500) return new ModelCallError('transient', message, opts);
  return new ModelCallError('fatal', message, { status, headers });
}

/** `{"message"}`, `{"error": {"message"}}` or `{"error": "..."}`, as scoring servers and the gateway write them. */
function messageOf(body: unknown): string | undefined {
  if (typeof body === 'string') return body;
  if (!isRecord(body)) return undefined;
  if (typeof body['message'] === 'string') return body['message'];
  const error = body['error'];
  if (typeof error === 'string') return error;
  if (isRecord(error) && typeof error['message'] === 'string') return error['message'];
  return undefined;
}
