import { readFileSync } from 'node:fs';
import type { Clock } from '../clock.js';
import { parseJson, isRecord } from '../parse-json.js';
import { AccessTokenCache, type AccessTokenSource } from './access-token-cache.js';
import { AdcTokenSource } from './adc-token-source.js';
import { parseServiceAccountKey } from './service-account-key.js';
import { ServiceAccountTokenSource } from './service-account-token-source.js';

export const CLOUD_PLATFORM_SCOPE = 'https://www.googleapis.com/auth/cloud-platform';
export const GENERATIVE_LANGUAGE_SCOPE = 'https://www.googleapis.com/auth/generative-language';

export interface GoogleCredentialOptions {
  /** A service-account key JSON from the model's options (references already resolved); first in the chain. */
  readonly serviceKey?: string | undefined;
  readonly scopes: readonly string[];
  readonly clock: Pick<Clock, 'now' | 'schedule' | 'cancel'>;
  /** Default process.env: read for GOOGLE_APPLICATION_CREDENTIALS. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** What a Google provider reads from its surroundings; tests pass a virtual clock and their own environment. */
export type GoogleProviderDeps = Partial<Pick<GoogleCredentialOptions, 'clock' | 'env'>>;

/**
 * The credential chain of the Google providers, decided when a model binds: the model's own
 * service-account key; else the file GOOGLE_APPLICATION_CREDENTIALS names (a service-account key
 * is signed here and sent to its `token_uri`; any other ADC file goes to google-auth-library);
 * else Application Default Credentials (gcloud, metadata server). A key or file that cannot work
 * is a problem at bind time, not a failure of every row later.
 */
export function googleAccessTokens(opts: GoogleCredentialOptions): AccessTokenCache | { readonly problem: string } {
  const source = tokenSource(opts);
  return 'problem' in source ? source : new AccessTokenCache(source, opts.clock);
}

function tokenSource(opts: GoogleCredentialOptions): AccessTokenSource | { readonly problem: string } {
  if (opts.serviceKey !== undefined) {
    const key = parseServiceAccountKey(opts.serviceKey);
    return 'problem' in key ? key : new ServiceAccountTokenSource(key, opts.scopes, opts.clock);
  }
  const file = (opts.env ?? process.env)['GOOGLE_APPLICATION_CREDENTIALS'];
  if (file === undefined || file === '') return new AdcTokenSource(opts.scopes);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    return { problem: `GOOGLE_APPLICATION_CREDENTIALS names '${file}', which cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})` };
  }
  const json = parseJson(text);
  if (isRecord(json) && json['type'] === 'service_account') {
    const key = parseServiceAccountKey(text);
    return 'problem' in key ? { problem: `GOOGLE_APPLICATION_CREDENTIALS '${file}': ${key.problem}` } : new ServiceAccountTokenSource(key, opts.scopes, opts.clock);
  }
  return new AdcTokenSource(opts.scopes, file);
}
