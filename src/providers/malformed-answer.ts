import { ModelCallError } from '../spi/model-provider.js';
import { parseJson } from './parse-json.js';
import { responseHeaders, type HeaderEntries } from './response-headers.js';

/** A 2xx answer as the malformed-answer message needs it. */
export interface AnswerInfo {
  readonly status: number;
  readonly headers: HeaderEntries & { get(name: string): string | null };
  readonly text: string;
}

const SNIPPET_CHARS = 200;

/**
 * Thrown by a wire format's body reader when a parsed 2xx body lacks what it needs ("no 'choices'
 * array"); `decodeAnswer` turns it into a MalformedAnswerError with the answer's context.
 */
export class AnswerShapeError extends Error {
  override readonly name = 'AnswerShapeError';
}

/**
 * A 2xx answer the provider could not read: not JSON, an HTML page, JSON without the expected
 * fields. Transient: such answers come from proxies and overloaded gateways and usually heal,
 * so they are retried up to `retry-num` like a 5xx.
 */
export class MalformedAnswerError extends ModelCallError {
  constructor(message: string, opts: { status: number; headers?: Readonly<Record<string, readonly string[]>> }) {
    super('transient', message, opts);
    this.name = 'MalformedAnswerError';
  }
}

/**
 * The one malformed-answer error of every provider: `malformed answer: status 200, content-type
 * text/html: no 'choices' array; body: "<html>..."`, with a short, single-line body snippet that
 * went through `redact` before it was cut (a cut must not leave half a key behind).
 */
export function malformedAnswer(answer: AnswerInfo, problem: string, redact: (text: string) => string): MalformedAnswerError {
  const contentType = answer.headers.get('content-type') ?? 'none';
  const message = `malformed answer: status ${answer.status}, content-type ${contentType}: ${problem}; body: ${bodySnippet(answer.text, redact)}`;
  return new MalformedAnswerError(redact(message), { status: answer.status, headers: responseHeaders(answer.headers) });
}

/** At most 200 characters of the body on one line, quoted; `(empty)` for no body. */
export function bodySnippet(text: string, redact: (text: string) => string): string {
  const line = redact(text).replace(/[\s\u0000-\u001f\u007f]+/g, ' ').trim();
  if (line.length === 0) return '(empty)';
  const quoted = JSON.stringify(line.length > SNIPPET_CHARS ? line.slice(0, SNIPPET_CHARS) : line);
  return line.length > SNIPPET_CHARS ? `${quoted.slice(0, -1)}..."` : quoted;
}

/** A 2xx body parsed as JSON and read by `decode`; anything unreadable is a MalformedAnswerError. */
export function decodeAnswer<T>(answer: AnswerInfo, decode: (json: unknown) => T, redact: (text: string) => string): T {
  const json = parseJson(answer.text);
  if (json === undefined) throw malformedAnswer(answer, 'not JSON', redact);
  try {
    return decode(json);
  } catch (err) {
    if (err instanceof AnswerShapeError) throw malformedAnswer(answer, err.message, redact);
    throw err;
  }
}
