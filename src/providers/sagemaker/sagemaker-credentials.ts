import type { ResolvedOptions } from '../../spi/config-spec.js';
import type { Logger } from '../../spi/logger.js';
import { awsCredentialProblems, compileAwsCredentials, type AwsCredentialSetting } from '../aws/aws-credential-options.js';
import type { AwsCredentialSource } from '../aws/aws-credentials.js';

/** What the client calls before signing each request: the credentials to sign with now. */
export type SageMakerCredentialSource = AwsCredentialSource;

export type SageMakerCredentialSetting = AwsCredentialSetting;

/**
 * The one place SageMaker finds its AWS credentials, the same way as Bedrock
 * (aws-credential-options.ts): static keys (usually from a CONNECTION) win; without them the AWS
 * default chain (environment, profiles and `aws_profile`, IRSA, ECS, IMDSv2) serves, refreshed
 * before expiry. The client asks the source before signing each request.
 * Returns the setting, or the contradictions among the options.
 */
export function sagemakerCredentials(
  o: ResolvedOptions,
  deps: { readonly log?: Logger; readonly now?: () => number } = {},
): SageMakerCredentialSetting | { readonly problems: readonly string[] } {
  const problems = awsCredentialProblems(o);
  return problems.length > 0 ? { problems } : compileAwsCredentials(o, deps);
}
