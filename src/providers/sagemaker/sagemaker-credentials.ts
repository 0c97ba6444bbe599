import type { ResolvedOptions } from '../../spi/config-spec.js';
import type { AwsCredentials } from '../bedrock/sigv4.js';

/** What the client calls before signing each request: the credentials to sign with now. */
export type SageMakerCredentialSource = () => Promise<AwsCredentials>;

export interface SageMakerCredentialSetting {
  readonly credentials: SageMakerCredentialSource;
  /** For quota keys: the access key id (never a secret). */
  readonly credentialId: string;
}

/**
 * The one place SageMaker finds its AWS credentials: today the static keys of the model's options
 * (usually from a CONNECTION), as Confluent takes them. The client asks the returned source
 * before signing each request, so the AWS default chain (environment, profiles, IRSA, ECS,
 * IMDSv2), whose credentials expire and refresh, can replace this function and nothing else.
 * Returns the setting, or the problems that keep it from having credentials.
 */
export function sagemakerCredentials(o: ResolvedOptions): SageMakerCredentialSetting | { readonly problems: readonly string[] } {
  const keyId = o.get<string>('aws_access_key_id');
  const secret = o.get<string>('aws_secret_access_key');
  const token = o.get<string>('aws_session_token');
  const problems: string[] = [];
  for (const [key, value] of [['aws_access_key_id', keyId], ['aws_secret_access_key', secret], ['aws_session_token', token]] as const) {
    if (value === '') problems.push(`option '${key}' is empty`);
  }
  if (keyId === undefined && secret === undefined) {
    problems.push('SageMaker needs credentials: aws_access_key_id and aws_secret_access_key (usually from a CONNECTION)');
  } else if (keyId === undefined || secret === undefined) {
    problems.push('SigV4 signing needs both aws_access_key_id and aws_secret_access_key');
  }
  if (problems.length > 0) return { problems };
  const ready = Promise.resolve(Object.freeze<AwsCredentials>({ accessKeyId: keyId!, secretAccessKey: secret!, sessionToken: token }));
  return Object.freeze({ credentials: () => ready, credentialId: keyId! });
}
