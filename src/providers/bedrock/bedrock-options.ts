import type { ConfigSpec, OptionSpec } from '../../spi/config-spec.js';
import { awsCredentialOptions } from '../aws/aws-credential-options.js';
import { MODEL_TASKS } from '../model-tasks.js';

export const BEDROCK_INPUT_FORMATS = Object.freeze(['AMAZON-TITAN-EMBED', 'AMAZON-TITAN-TEXT', 'ANTHROPIC-MESSAGES'] as const);
export type BedrockInputFormat = (typeof BEDROCK_INPUT_FORMATS)[number];

/** Region used for signing when the endpoint host is not an AWS host and `aws_region` is unset. */
export const DEFAULT_SIGNING_REGION = 'us-east-1';
/** Anthropic Messages on Bedrock requires `max_tokens`; this is sent when `max-tokens` is unset. */
export const DEFAULT_ANTHROPIC_MAX_TOKENS = 1024;

/**
 * WITH options of the `bedrock` provider. The credential keys are spelled as Confluent's CREATE
 * CONNECTION spells them, so a connection's values merge in under their own names; Flink-style
 * kebab-case and Confluent `bedrock.*` spellings are aliases.
 */
export const BEDROCK_SPEC: ConfigSpec = Object.freeze({
  options: Object.freeze<OptionSpec[]>([
    {
      key: 'endpoint',
      type: { kind: 'string' },
      required: true,
      aliases: ['bedrock.endpoint'],
      description:
        'Full model URL: `https://bedrock-runtime.<region>.amazonaws.com/model/<model id>/invoke` (InvokeModel) or `.../converse` ' +
        '(Converse, any chat model). The signing region is read from the host. Another host (a proxy, a VPC endpoint alias, ' +
        'the test emulator) signs with `aws_region`. May contain `${ENV_NAME}`.',
    },
    ...awsCredentialOptions('bedrock'),
    {
      key: 'api-key',
      type: { kind: 'string' },
      secret: true,
      aliases: ['apiKey', 'api_key', 'bedrock.api_key'],
      description: 'A Bedrock API key, sent as `Authorization: Bearer`, instead of SigV4 (static AWS keys or the default chain).',
    },
    {
      key: 'aws_region',
      type: { kind: 'string' },
      aliases: ['aws-region', 'region', 'bedrock.region', 'bedrock.aws_region'],
      description: `Signing region. Default: the region in the endpoint host, else \`${DEFAULT_SIGNING_REGION}\`. Must agree with an AWS host.`,
    },
    {
      key: 'task',
      type: { kind: 'enum', values: MODEL_TASKS },
      description:
        'Confluent task. `embedding` needs an embedding format and an ARRAY<FLOAT> output; every other task a text format and a STRING output. ' +
        'Also picks the format when the model id does not tell it.',
    },
    {
      key: 'bedrock.input_format',
      type: { kind: 'enum', values: BEDROCK_INPUT_FORMATS },
      aliases: ['input-format', 'input_format'],
      description:
        'InvokeModel body: `AMAZON-TITAN-EMBED` (`inputText` -> `embedding`), `AMAZON-TITAN-TEXT` (`inputText` + `textGenerationConfig`), ' +
        '`ANTHROPIC-MESSAGES` (Claude Messages). Default: detected from the model id (`amazon.titan-embed*`, `amazon.titan-text*`, ' +
        '`anthropic.claude*`, with or without an inference-profile prefix such as `us.`). A `/converse` endpoint needs none.',
    },
    {
      key: 'bedrock.connection',
      type: { kind: 'string' },
      description: "Confluent: name of a CONNECTION whose `endpoint` and AWS keys the catalog merges into the model's options.",
    },
    {
      key: 'system-prompt',
      type: { kind: 'string' },
      aliases: ['systemPrompt', 'system_prompt', 'bedrock.system_prompt'],
      description: 'Text generation: Anthropic `system`, Converse `system`; Titan Text has none, so it is put before the row text. Unset: none.',
    },
    {
      key: 'temperature',
      type: { kind: 'double', min: 0, max: 1 },
      aliases: ['bedrock.PARAMS.temperature'],
      description: 'Text generation: sampling temperature, 0..1.',
    },
    {
      key: 'top-p',
      type: { kind: 'double', min: 0, max: 1 },
      aliases: ['topP', 'top_p', 'bedrock.PARAMS.top_p'],
      description: 'Text generation: nucleus sampling probability mass, 0..1.',
    },
    {
      key: 'top-k',
      type: { kind: 'int', min: 0 },
      aliases: ['topK', 'top_k', 'bedrock.PARAMS.top_k'],
      description: 'Anthropic: `top_k` (Converse: sent in `additionalModelRequestFields`). Titan Text has no top-k and ignores it.',
    },
    {
      key: 'stop',
      type: { kind: 'string' },
      aliases: ['bedrock.PARAMS.stop'],
      description: "Text generation: stop sequences, comma-separated.",
    },
    {
      key: 'max-tokens',
      type: { kind: 'int', min: 1 },
      aliases: ['maxTokens', 'max_tokens', 'bedrock.PARAMS.max_tokens'],
      description:
        `Text generation: completion token limit (Titan \`maxTokenCount\`, Anthropic \`max_tokens\`, Converse \`maxTokens\`). ` +
        `Anthropic requires one: ${DEFAULT_ANTHROPIC_MAX_TOKENS} when unset.`,
    },
    {
      key: 'dimension',
      type: { kind: 'enum', values: ['256', '512', '1024'] },
      aliases: ['dimensions'],
      description: 'Titan Embeddings V2: output dimensions. Unset: the model default (1024; V1 has a fixed 1536).',
    },
  ]),
});
