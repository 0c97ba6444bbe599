import type { Logger } from '../../spi/logger.js';
import type { AwsCredentials, AwsCredentialSource } from './aws-credentials.js';

/** Refresh this long before expiry, as the AWS SDKs do (`credentialsTreatedAsExpired`: 5 minutes). */
export const REFRESH_BEFORE_EXPIRY_MS = 5 * 60_000;
/** After a failed refresh while the old credentials still work, the next try waits this long. */
export const RETRY_REFRESH_AFTER_MS = 10_000;

/** One load of the chain: fresh credentials, never the SDK's memoized ones. */
export type CredentialLoader = () => Promise<AwsCredentials>;

export interface CredentialChainOptions {
  /** A profile of the shared config/credentials files; unset: `AWS_PROFILE`, else `default`. */
  readonly profile?: string | undefined;
  /** Epoch milliseconds; the decision to refresh runs on it (tests pass a virtual clock). */
  readonly now?: () => number;
  readonly log?: Logger;
  /** Where credentials come from; default the AWS SDK's default chain (sdkDefaultChain). */
  readonly load?: CredentialLoader;
}

/**
 * The AWS default credential chain as one credential source: the first call loads credentials
 * (the SDK module itself is imported then, so a daemon without AWS models never loads it);
 * later calls answer from the cache until `REFRESH_BEFORE_EXPIRY_MS` before they expire; then
 * one load runs for every concurrent caller (single flight). A refresh that fails while the old
 * credentials are still valid is logged and they are used on (retried after
 * `RETRY_REFRESH_AFTER_MS`); with none valid, the caller gets the chain's error.
 */
export function awsCredentialChain(opts: CredentialChainOptions = {}): AwsCredentialSource {
  const now = opts.now ?? Date.now;
  const load = opts.load ?? sdkDefaultChain(opts.profile);
  let cached: AwsCredentials | undefined;
  let cachedPromise: Promise<AwsCredentials> | undefined;
  let pending: Promise<AwsCredentials> | undefined;
  let nextTry = 0;

  const refresh = (): Promise<AwsCredentials> => {
    pending ??= load().then(
      (fresh) => {
        cached = fresh;
        cachedPromise = Promise.resolve(fresh);
        pending = undefined;
        return fresh;
      },
      (err: unknown) => {
        pending = undefined;
        if (cached && stillValid(cached, now())) {
          nextTry = now() + RETRY_REFRESH_AFTER_MS;
          opts.log?.warn({ err: describe(err), expiration: cached.expiration?.toISOString() }, 'AWS credentials refresh failed; the current ones are used until they expire');
          return cached;
        }
        throw err;
      },
    );
    return pending;
  };

  return () => {
    if (cached && cachedPromise && (fresh(cached, now()) || (now() < nextTry && stillValid(cached, now())))) return cachedPromise;
    return refresh();
  };
}

function fresh(c: AwsCredentials, now: number): boolean {
  return c.expiration === undefined || c.expiration.getTime() - now > REFRESH_BEFORE_EXPIRY_MS;
}

function stillValid(c: AwsCredentials, now: number): boolean {
  return c.expiration === undefined || c.expiration.getTime() > now;
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * `@aws-sdk/credential-provider-node`'s `defaultProvider`: environment (`AWS_ACCESS_KEY_ID`, ...,
 * skipped when a profile is named), SSO, the shared config and credentials files (the profile:
 * keys, `role_arn` + `source_profile`, `credential_process`), the web-identity token file (EKS
 * IRSA: `AWS_WEB_IDENTITY_TOKEN_FILE` + `AWS_ROLE_ARN`), then ECS container credentials
 * (`AWS_CONTAINER_CREDENTIALS_FULL_URI` / `_RELATIVE_URI`) or EC2 instance metadata (IMDSv2).
 * Imported on the first load. Every load asks `forceRefresh`: the SDK's own memo runs on the
 * wall clock, this module's on an injected one, and one cache is enough.
 */
function sdkDefaultChain(profile: string | undefined): CredentialLoader {
  let provider: ((o?: { forceRefresh?: boolean }) => Promise<AwsCredentials>) | undefined;
  return async () => {
    if (!provider) {
      const { defaultProvider } = await import('@aws-sdk/credential-provider-node');
      provider = defaultProvider(profile === undefined ? {} : { profile }) as unknown as typeof provider;
    }
    const c = await provider!({ forceRefresh: true });
    return Object.freeze({ accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey, sessionToken: c.sessionToken, expiration: c.expiration });
  };
}
