import type { ResolvedOptions } from '../../spi/config-spec.js';
import type { AwsCredentials } from '../bedrock/sigv4.js';

/**
 * The one place SageMaker finds its AWS credentials: today the static keys of the model's options
 * (usually from a CONNECTION), as Confluent takes them. Returns the credentials, or the problems
 * that keep it from having any; swapping in the AWS default chain (environment, profiles, IRSA,
 * ECS, IMDSv2) changes this function and nothing else.
 */
export function sagemakerCredentials(o: ResolvedOptions): AwsCredentials | { readonly problems: readonly string[] } {
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
  return Object.freeze({ accessKeyId: keyId!, secretAccessKey: secret!, sessionToken: token });
}
