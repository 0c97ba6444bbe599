import { ModelCallError } from '../../spi/model-provider.js';
import { isRecord, parseJson } from '../parse-json.js';
import type { HttpAnswer } from '../http/http-client.js';
import { responseHeaders } from '../response-headers.js';
import { parseRetryAfter, type HeaderLookup } from '../retry-after.js';

/** botocore's standard retry mode treats these codes as throttling (`retries/standard.py`). */
const THROTTLING_CODES = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'RequestThrottledException',
  'TooManyRequestsException',
  'ProvisionedThroughputExceededException',
  'TransactionInProgressException',
  'RequestLimitExceeded',
  'BandwidthLimitExceeded',
  'LimitExceededException',
  'RequestThrottled',
  'SlowDown',
  'PriorRequestNotComplete',
  'EC2ThrottledException',
]);

/** Retryable without lowering the rate: the model is loading or timed out, or the service hiccuped. */
const TRANSIENT_CODES = new Set([
  'ModelNotReadyException',
  'ModelTimeoutException',
  'InternalServerException',
  'ServiceUnavailableException',
  'RequestTimeout',
  'RequestTimeoutException',
]);

/**
 * The error code of a rest-json AWS error, as botocore reads it: the `x-amzn-ErrorType` header,
 * else the body's `__type` / `code`; anything after `:` and before `#` is stripped.
 */
export function awsErrorCode(headers: HeaderLookup, body: unknown): string | undefined {
  const b = isRecord(body) ? body : {};
  const raw = headers.get('x-amzn-errortype') ?? (typeof b['__type'] === 'string' ? b['__type'] : undefined) ?? (typeof b['code'] === 'string' ? b['code'] : undefined);
  if (!raw) return undefined;
  const code = raw.split(':')[0]!;
  return code.slice(code.lastIndexOf('#') + 1) || undefined;
}

/**
 * A non-2xx Bedrock answer as the runtime's error kinds (wire-formats §4.5): throttling codes
 * (429 ThrottlingException) -> throttled; 5xx, 408 and model-not-ready -> transient; every other
 * 4xx (AccessDenied, Validation, ResourceNotFound, UnrecognizedClient, InvalidSignature,
 * ExpiredToken, ServiceQuotaExceeded) -> fatal.
 */
export function bedrockError(answer: HttpAnswer, redact: (text: string) => string): ModelCallError {
  const body = parseJson(answer.text);
  const code = awsErrorCode(answer.headers, body);
  const b = isRecord(body) ? body : {};
  const text = typeof b['message'] === 'string' ? b['message'] : typeof b['Message'] === 'string' ? b['Message'] : answer.text.slice(0, 300);
  const message = redact(`Bedrock ${answer.status}${code ? ` ${code}` : ''}: ${text}`);
  const status = answer.status;
  const retryAfterMs = parseRetryAfter(answer.headers);
  const headers = responseHeaders(answer.headers);
  const opts = retryAfterMs === undefined ? { status, headers } : { status, retryAfterMs, headers };
  if ((code !== undefined && THROTTLING_CODES.has(code)) || (status === 429 && code !== 'ModelNotReadyException')) {
    return new ModelCallError('throttled', message, opts);
  }
  if ((code !== undefined && TRANSIENT_CODES.has(code)) || status === 408 || status >= 500) return new ModelCallError('transient', message, opts);
  return new ModelCallError('fatal', message, { status, headers });
}
