import { abortable } from '../../spi/abortable.js';
import { ModelCallError } from '../../spi/model-provider.js';
import { causeChain } from '../cause-chain.js';
import type { AccessToken, AccessTokenSource } from './access-token-cache.js';

/** How long a token whose expiry the library does not report is used. */
const UNKNOWN_EXPIRY_MS = 5 * 60_000;

/**
 * Google Application Default Credentials other than a service-account key file: gcloud's user
 * credentials, workload identity federation, impersonation, and the GCE/GKE/Cloud Run metadata
 * server. google-auth-library knows them all; it is imported with the first token request, since
 * most jobs never need it. With `keyFilename` it reads that file (GOOGLE_APPLICATION_CREDENTIALS),
 * else it runs its own chain (the gcloud well-known file, then the metadata server).
 */
export class AdcTokenSource implements AccessTokenSource {
  readonly identity = 'adc';
  readonly #scopes: readonly string[];
  readonly #keyFilename: string | undefined;
  #auth: Promise<{ getClient(): Promise<LibraryClient> }> | undefined;

  constructor(scopes: readonly string[], keyFilename?: string) {
    this.#scopes = scopes;
    this.#keyFilename = keyFilename;
  }

  async fetchToken(signal: AbortSignal): Promise<AccessToken> {
    this.#auth ??= import('google-auth-library').then(
      ({ GoogleAuth }) => new GoogleAuth({ scopes: [...this.#scopes], ...(this.#keyFilename ? { keyFilename: this.#keyFilename } : {}) }) as unknown as { getClient(): Promise<LibraryClient> },
    );
    try {
      const auth = await abortable(this.#auth, signal);
      const client = await abortable(auth.getClient(), signal);
      const { token } = await abortable(client.getAccessToken(), signal);
      if (!token) throw new ModelCallError('transient', 'Application Default Credentials gave no access token');
      const expiry = client.credentials?.expiry_date;
      // The library's expiry is wall-clock time; so is the system clock the cache runs on outside tests.
      return { token, expiresInMs: typeof expiry === 'number' ? Math.max(0, expiry - Date.now()) : UNKNOWN_EXPIRY_MS };
    } catch (err) {
      if (signal.aborted || err instanceof ModelCallError) throw err;
      throw adcError(err);
    }
  }
}

interface LibraryClient {
  getAccessToken(): Promise<{ token?: string | null }>;
  readonly credentials?: { readonly expiry_date?: number | null };
}

/** No credentials anywhere cannot heal by retrying; anything else (metadata server, network) may. */
function adcError(err: unknown): ModelCallError {
  const text = causeChain(err);
  if (/Could not load the default credentials|Unable to detect a Project Id/i.test(text)) {
    return new ModelCallError(
      'fatal',
      "no Google credentials: give the model a service account key, set GOOGLE_APPLICATION_CREDENTIALS, or run where Application Default Credentials exist (gcloud auth application-default login, a GCE/GKE metadata server)",
    );
  }
  return new ModelCallError('transient', `Application Default Credentials failed: ${text}`);
}
