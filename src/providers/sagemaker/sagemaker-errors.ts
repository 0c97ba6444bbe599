import { ModelCallError } from '../../spi/model-provider.js';
import { awsErrorCode } from '../bedrock/bedrock-errors.js';
import type { HttpAnswer } from '../http/http-client.js';
import { isRecord, parseJson } from '../parse-json.js';
import { responseHeaders } from '../response-headers.js';
import { parseRetryAfter } from '../retry-after.js';

/**
 * Throttling codes: SageMaker answers an endpoint over its concurrency with **400**
 * `ThrottlingException` (wire-formats §5), so the code decides, not the status.
 */
const THROTTLING_CODES = new Set(['ThrottlingException', 'Throttling', 'TooManyRequestsException', 'RequestLimitExceeded', 'LimitExceededException']);

/** Retryable without lowering the rate: a model still loading, or the service's own failures. */
const TRANSIENT_CODES = new Set(['ModelNotReadyException', 'InternalFailure', 'ServiceUnavailable', 'InternalDependencyException', 'RequestTimeout']);

/**
 * A non-2xx InvokeEndpoint answer as the runtime's error kinds, for the shared failure decision:
 * throttling codes (400 or 429) -> throttled; ModelNotReady (429), 5xx (530
 * InternalDependencyException included) and 408 -> transient; `ModelError` (424, the container
 * answered non-2xx) -> transient when the container's `OriginalStatusCode` is 5xx or 429, else
 * fatal; every other 4xx (ValidationError, AccessDenied, InvalidSignature, UnrecognizedClient) ->
 * fatal. The container's own message is kept in the error.
 */
export function sagemakerError(answer: HttpAnswer, redact: (text: string) => string): ModelCallError {
  const body = parseJson(answer.text);
  const code = awsErrorCode(answer.headers, body);
  const b = isRecord(body) ? body : {};
  const text = typeof b['message'] === 'string' ? b['message'] : typeof b['Message'] === 'string' ? b['Message'] : isRecord(body) ? '' : answer.text.slice(0, 300);
  const original = typeof b['OriginalStatusCode'] === 'number' ? b['OriginalStatusCode'] : undefined;
  const originalMessage = typeof b['OriginalMessage'] === 'string' ? ` (container ${original ?? '?'}: ${b['OriginalMessage']})` : original !== undefined ? ` (container ${original})` : '';
  const message = redact(`SageMaker ${answer.status}${code ? ` ${code}` : ''}: ${text || '(no message)'}${originalMessage}`);
  const status = answer.status;
  const retryAfterMs = parseRetryAfter(answer.headers);
  const headers = responseHeaders(answer.headers);
  const opts = retryAfterMs === undefined ? { status, headers } : { status, retryAfterMs, headers };
  if ((code !== undefined && THROTTLING_CODES.has(code)) || (status === 429 && code !== 'ModelNotReadyException')) return new ModelCallError('throttled', message, opts);
  if (code === 'ModelError' || (status === 424 && code === undefined)) {
    const retryable = original !== undefined && (original >= 500 || original === 429);
    return new ModelCallError(retryable ? 'transient' : 'fatal', message, retryable ? opts : { status, headers });
  }
  if ((code !== undefined && TRANSIENT_CODES.has(code)) || status === 408 || status >= 500) return new ModelCallError('transient', message, opts);
  return new ModelCallError('fatal', message, { status, headers });
}
