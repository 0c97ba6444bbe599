import type { OptionSpec, ResolvedOptions } from '../../spi/config-spec.js';
import type { Logger } from '../../spi/logger.js';
import { staticCredentialSource, type AwsCredentialSource } from './aws-credentials.js';
import { awsCredentialChain } from './credential-chain.js';

/**
 * The credential options of an AWS provider (Bedrock, SageMaker), spelled as Confluent's CREATE
 * CONNECTION and the AWS shared credentials file spell them, so a connection's values merge in
 * under their own names; kebab-case and `<prefix>.*` spellings are aliases. Precedence: keys given
 * here sign every request as they are; without them the AWS default credential chain finds them.
 */
export function awsCredentialOptions(prefix: string): OptionSpec[] {
  return [
    {
      key: 'aws_access_key_id',
      type: { kind: 'string' },
      secret: true,
      aliases: ['aws-access-key-id', 'aws-access-key', `${prefix}.aws_access_key_id`],
      description:
        'Access key id for SigV4 signing. Usually inherited from a CONNECTION; `${ENV_NAME}` reads the environment. ' +
        'Unset (with `aws_secret_access_key`): the AWS default credential chain (see `aws_profile`).',
    },
    {
      key: 'aws_secret_access_key',
      type: { kind: 'string' },
      secret: true,
      aliases: ['aws-secret-access-key', 'aws-secret-key', `${prefix}.aws_secret_access_key`],
      description: 'Secret access key for SigV4 signing; given with `aws_access_key_id`.',
    },
    {
      key: 'aws_session_token',
      type: { kind: 'string' },
      secret: true,
      aliases: ['aws-session-token', `${prefix}.aws_session_token`],
      description: 'Session token of temporary keys, sent as `X-Amz-Security-Token`. Calls fail with 403 once it expires (the chain refreshes its own).',
    },
    {
      key: 'aws_profile',
      type: { kind: 'string' },
      aliases: ['aws-profile', 'profile', `${prefix}.aws_profile`],
      description:
        'Without static keys: the profile of the shared config and credentials files (`~/.aws/config`, `~/.aws/credentials`, or ' +
        '`AWS_CONFIG_FILE`, `AWS_SHARED_CREDENTIALS_FILE`) the AWS default chain reads, as `AWS_PROFILE` does; naming one skips the ' +
        '`AWS_ACCESS_KEY_ID` environment variables. Unset: `AWS_PROFILE`, else `default`.',
    },
  ];
}

/** Contradictions among the credential options; none of them missing is a problem (the chain serves). */
export function awsCredentialProblems(o: ResolvedOptions): string[] {
  const keyId = o.get<string>('aws_access_key_id');
  const secret = o.get<string>('aws_secret_access_key');
  const token = o.get<string>('aws_session_token');
  const profile = o.get<string>('aws_profile');
  const problems: string[] = [];
  for (const [key, value] of [['aws_access_key_id', keyId], ['aws_secret_access_key', secret], ['aws_session_token', token], ['aws_profile', profile]] as const) {
    if (value === '') problems.push(`option '${key}' is empty`);
  }
  const hasKeys = keyId !== undefined || secret !== undefined;
  if (hasKeys && (keyId === undefined || secret === undefined)) problems.push('SigV4 signing needs both aws_access_key_id and aws_secret_access_key');
  if (token !== undefined && !hasKeys) problems.push('aws_session_token needs aws_access_key_id and aws_secret_access_key');
  if (hasKeys && profile !== undefined) problems.push('aws_profile picks credentials of the AWS default chain: give it or the static keys, not both');
  return problems;
}

/** Whether the options name any AWS credential (static keys or a profile). */
export function hasAwsCredentialOptions(o: ResolvedOptions): boolean {
  return ['aws_access_key_id', 'aws_secret_access_key', 'aws_session_token', 'aws_profile'].some((k) => o.get<string>(k) !== undefined);
}

export interface AwsCredentialSetting {
  readonly credentials: AwsCredentialSource;
  /** For quota keys: the static access key id, or `chain:<profile>` (never a secret). */
  readonly credentialId: string;
}

/** Static keys when given (they win), else the default chain with `aws_profile`. */
export function compileAwsCredentials(o: ResolvedOptions, deps: { readonly log?: Logger; readonly now?: () => number } = {}): AwsCredentialSetting {
  const accessKeyId = o.get<string>('aws_access_key_id');
  const secretAccessKey = o.get<string>('aws_secret_access_key');
  if (accessKeyId !== undefined && secretAccessKey !== undefined) {
    return { credentials: staticCredentialSource({ accessKeyId, secretAccessKey, sessionToken: o.get<string>('aws_session_token') }), credentialId: accessKeyId };
  }
  const profile = o.get<string>('aws_profile');
  return { credentials: awsCredentialChain({ profile, ...deps }), credentialId: `chain:${profile ?? process.env['AWS_PROFILE'] ?? 'default'}` };
}
