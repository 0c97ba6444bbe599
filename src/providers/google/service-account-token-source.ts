import { ModelCallError } from '../../spi/model-provider.js';
import { HttpClient, type HttpAnswer } from '../http/http-client.js';
import { isRecord, parseJson } from '../parse-json.js';
import { responseHeaders } from '../response-headers.js';
import { parseRetryAfter } from '../retry-after.js';
import type { Clock } from '../clock.js';
import type { AccessToken, AccessTokenSource } from './access-token-cache.js';
import { jwtAssertion } from './jwt-assertion.js';
import type { ServiceAccountKey } from './service-account-key.js';

const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

/**
 * Access tokens for a service-account key by the JWT bearer grant (wire-formats §7.3): a signed
 * assertion POSTed to the key's own `token_uri`, so a key for another universe, or a test's
 * loopback endpoint, works unchanged. The JWT is signed here with node:crypto rather than by
 * google-auth-library, whose JWT client posts to a fixed Google URL and reads the wall clock.
 */
export class ServiceAccountTokenSource implements AccessTokenSource {
  readonly identity: string;
  readonly #key: ServiceAccountKey;
  readonly #scopes: readonly string[];
  readonly #clock: Pick<Clock, 'now'>;
  readonly #http = new HttpClient();

  constructor(key: ServiceAccountKey, scopes: readonly string[], clock: Pick<Clock, 'now'>) {
    this.#key = key;
    this.#scopes = scopes;
    this.#clock = clock;
    this.identity = key.clientEmail;
  }

  async fetchToken(signal: AbortSignal): Promise<AccessToken> {
    const assertion = jwtAssertion(this.#key, this.#scopes, this.#clock.now());
    const redact = (text: string) => text.split(assertion).join('***');
    const answer = await this.#http.post(
      this.#key.tokenUri,
      { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `grant_type=${encodeURIComponent(JWT_BEARER)}&assertion=${assertion}` },
      { signal, redact },
    );
    return readTokenAnswer(answer, `service account '${this.#key.clientEmail}'`, redact);
  }

  close(): Promise<void> {
    return this.#http.close();
  }
}

/**
 * The token endpoint's answer: `{access_token, expires_in, token_type}` (expires_in may be a
 * string), or an OAuth2 error. A refused grant (`invalid_grant`: a wrong or deleted key, a skewed
 * clock; `invalid_scope`; `invalid_client`) is fatal: every retry would send the same assertion
 * kind. 429 is throttled, 5xx and 408 transient, like the API itself.
 */
export function readTokenAnswer(answer: HttpAnswer, who: string, redact: (text: string) => string): AccessToken {
  const json = parseJson(answer.text);
  const body = isRecord(json) ? json : {};
  const status = answer.status;
  if (status >= 200 && status < 300) {
    const token = body['access_token'];
    const expiresIn = Number(body['expires_in']);
    if (typeof token !== 'string' || token.length === 0 || !Number.isFinite(expiresIn) || expiresIn <= 0) {
      throw new ModelCallError('transient', `the token endpoint answered ${status} without 'access_token' and 'expires_in' for ${who}`, { status });
    }
    return { token, expiresInMs: expiresIn * 1000 };
  }
  const error = typeof body['error'] === 'string' ? body['error'] : undefined;
  const description = typeof body['error_description'] === 'string' ? body['error_description'] : undefined;
  const detail = error ? `${error}${description ? `: ${description}` : ''}` : answer.text.slice(0, 200);
  const message = redact(`the OAuth2 token endpoint refused ${who} (${status}): ${detail}`);
  const headers = responseHeaders(answer.headers);
  if (status === 429) {
    const retryAfterMs = parseRetryAfter(answer.headers);
    return throwError(new ModelCallError('throttled', message, retryAfterMs === undefined ? { status, headers } : { status, retryAfterMs, headers }));
  }
  if (status === 408 || status >= 500) return throwError(new ModelCallError('transient', message, { status, headers }));
  return throwError(new ModelCallError('fatal', message, { status, headers }));
}

function throwError(err: ModelCallError): never {
  throw err;
}
