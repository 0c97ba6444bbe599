import { HttpClient } from '../http/http-client.js';
import { AnswerShapeError, decodeAnswer } from '../malformed-answer.js';
import { isRecord } from '../parse-json.js';
import type { AccessTokenCache } from './access-token-cache.js';
import { googleError } from './google-errors.js';

/** How a Google API call authenticates: the Gemini API's key header, or an OAuth2 bearer token. */
export type GoogleAuth =
  | { readonly kind: 'api-key'; readonly apiKey: string }
  | { readonly kind: 'bearer'; readonly tokens: AccessTokenCache };

/**
 * One JSON POST to a Google API (Gemini API, Vertex AI) with its auth, non-2xx answers mapped by
 * googleError and 2xx bodies read by `decode`. With a bearer token, a 401 drops the token and the
 * call is sent once more with a fresh one: a token can be revoked or expire early, and that is
 * an auth step, not a retry the runtime's policy could make (it would reuse the cached token).
 * A second 401 is fatal.
 */
export class GoogleApiClient {
  readonly #http = new HttpClient();
  readonly #auth: GoogleAuth;
  readonly #service: string;
  readonly #redact: (text: string) => string;

  constructor(auth: GoogleAuth, service: string, redact: (text: string) => string) {
    this.#auth = auth;
    this.#service = service;
    this.#redact = redact;
  }

  async post<T>(url: string, body: unknown, signal: AbortSignal, decode: (json: Record<string, unknown>) => T): Promise<T> {
    const text = JSON.stringify(body);
    const auth = this.#auth;
    let answer;
    if (auth.kind === 'api-key') {
      answer = await this.#send(url, text, { 'x-goog-api-key': auth.apiKey }, signal);
    } else {
      const token = await auth.tokens.get(signal);
      answer = await this.#send(url, text, { authorization: `Bearer ${token}` }, signal);
      if (answer.status === 401) {
        auth.tokens.invalidate(token);
        answer = await this.#send(url, text, { authorization: `Bearer ${await auth.tokens.get(signal)}` }, signal);
      }
    }
    if (answer.status < 200 || answer.status >= 300) throw googleError(answer, this.#redact, this.#service);
    const method = url.slice(url.lastIndexOf(':'));
    return decodeAnswer(
      answer,
      (json) => {
        if (!isRecord(json)) throw new AnswerShapeError(`the answer to ${method} is not a JSON object`);
        return decode(json);
      },
      this.#redact,
    );
  }

  async close(): Promise<void> {
    await this.#http.close();
    if (this.#auth.kind === 'bearer') await this.#auth.tokens.close();
  }

  #send(url: string, body: string, auth: Record<string, string>, signal: AbortSignal) {
    return this.#http.post(url, { headers: { 'content-type': 'application/json', ...auth }, body }, { signal, redact: this.#redact });
  }
}
