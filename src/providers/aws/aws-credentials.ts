/** AWS credentials as SigV4 needs them, and where a client gets them for each request. */
export interface AwsCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /** Temporary credentials (STS): sent and signed as X-Amz-Security-Token. */
  readonly sessionToken?: string | undefined;
  /** When temporary credentials stop working; undefined for long-term keys. */
  readonly expiration?: Date | undefined;
}

/**
 * What an AWS client calls before signing each request: the credentials to sign with now. Cheap
 * in the steady state (a cached value); it may fetch or refresh them (credential-chain.ts).
 */
export type AwsCredentialSource = () => Promise<AwsCredentials>;

/** Keys given in the WITH options (or a CONNECTION): always the same, nothing to fetch. */
export function staticCredentialSource(credentials: AwsCredentials): AwsCredentialSource {
  const ready = Promise.resolve(Object.freeze({ ...credentials }));
  return () => ready;
}
