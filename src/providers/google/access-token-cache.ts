import { abortable } from '../../spi/abortable.js';
import { ModelCallError } from '../../spi/model-provider.js';
import type { Clock } from '../clock.js';

/** An OAuth2 access token and how long it lives from when it was asked for. */
export interface AccessToken {
  readonly token: string;
  readonly expiresInMs: number;
}

/** Where tokens come from: the JWT bearer grant of a service-account key, or Application Default Credentials. */
export interface AccessTokenSource {
  /** Who the tokens are for (a service account's e-mail, or `adc`): part of the quota key, never a secret. */
  readonly identity: string;
  fetchToken(signal: AbortSignal): Promise<AccessToken>;
  close?(): Promise<void>;
}

/** Refresh this long before expiry (google-auth-library's eager refresh threshold), at most a tenth of a token's life. */
const REFRESH_MARGIN_MS = 5 * 60_000;
/** A token request that hangs fails every caller waiting on it after this long, so the next call asks anew. */
const DEFAULT_FETCH_TIMEOUT_MS = 30_000;

/**
 * One access token per model client: kept until shortly before it expires (on the injected clock),
 * fetched once for all concurrent callers (single flight), and dropped when the API refused it
 * (`invalidate`), so a 401 costs one new token however many calls saw it. The fetch runs on its
 * own signal: a caller that gives up stops waiting, not the others.
 */
export class AccessTokenCache {
  readonly #source: AccessTokenSource;
  readonly #clock: Pick<Clock, 'now' | 'schedule' | 'cancel'>;
  readonly #fetchTimeoutMs: number;
  #current: { readonly token: string; readonly refreshAt: number } | undefined;
  #pending: Promise<string> | undefined;
  #fetches = 0;

  constructor(source: AccessTokenSource, clock: Pick<Clock, 'now' | 'schedule' | 'cancel'>, opts: { readonly fetchTimeoutMs?: number } = {}) {
    this.#source = source;
    this.#clock = clock;
    this.#fetchTimeoutMs = opts.fetchTimeoutMs ?? DEFAULT_FETCH_TIMEOUT_MS;
  }

  get identity(): string {
    return this.#source.identity;
  }

  /** Token requests made so far (for tests and metrics). */
  get fetches(): number {
    return this.#fetches;
  }

  /** A valid token: the cached one, or the one being fetched for everybody. */
  get(signal: AbortSignal): Promise<string> {
    const current = this.#current;
    if (current && this.#clock.now() < current.refreshAt) return Promise.resolve(current.token);
    this.#pending ??= this.#fetch().finally(() => (this.#pending = undefined));
    return abortable(this.#pending, signal);
  }

  /** The API refused `token`: the next get() fetches a new one (unless another caller already did). */
  invalidate(token: string): void {
    if (this.#current?.token === token) this.#current = undefined;
  }

  close(): Promise<void> {
    return this.#source.close?.() ?? Promise.resolve();
  }

  async #fetch(): Promise<string> {
    this.#fetches++;
    const asked = this.#clock.now();
    const controller = new AbortController();
    const timer = this.#clock.schedule(this.#fetchTimeoutMs, () =>
      controller.abort(new ModelCallError('transient', `the OAuth2 token request timed out after ${this.#fetchTimeoutMs} ms`)),
    );
    try {
      const { token, expiresInMs } = await this.#source.fetchToken(controller.signal);
      const margin = Math.min(REFRESH_MARGIN_MS, expiresInMs / 10);
      this.#current = { token, refreshAt: asked + expiresInMs - margin };
      return token;
    } finally {
      this.#clock.cancel(timer);
    }
  }
}
