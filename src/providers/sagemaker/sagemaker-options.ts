import type { ConfigSpec, OptionSpec } from '../../spi/config-spec.js';
import { awsCredentialOptions } from '../aws/aws-credential-options.js';
import { MODEL_TASKS } from '../model-tasks.js';
import { openAIChatFormatOptions } from '../tabular/openai-chat-options.js';
import { TABULAR_FORMAT_NAMES } from '../tabular/tabular-formats.js';

/** Confluent's default input format for SageMaker. */
export const DEFAULT_SAGEMAKER_FORMAT = 'CSV';
/** Region used for signing when the endpoint host is not an AWS host and `aws_region` is unset. */
export const DEFAULT_SAGEMAKER_REGION = 'us-east-1';
/** InvokeEndpoint takes at most 6 MB per request (wire-formats §5). */
export const SAGEMAKER_MAX_BODY_BYTES = 6_291_456;

/** A header option of InvokeEndpoint: Confluent's key, the header it sets, its limit. */
interface HeaderOption {
  readonly key: string;
  readonly header: string;
  readonly maxLength: number;
  readonly description: string;
}

/** The request members of InvokeEndpoint that Confluent exposes as options, each sent as its header when set. */
export const SAGEMAKER_HEADER_OPTIONS: readonly HeaderOption[] = Object.freeze([
  {
    key: 'sagemaker.custom_attributes',
    header: 'X-Amzn-SageMaker-Custom-Attributes',
    maxLength: 1024,
    description: 'Opaque text forwarded verbatim to the model container (`CustomAttributes`), e.g. `accept_eula=true` for JumpStart LLMs.',
  },
  {
    key: 'sagemaker.enable_explanations',
    header: 'X-Amzn-SageMaker-Enable-Explanations',
    maxLength: 64,
    description: 'SageMaker Clarify online explainability: a JMESPath expression such as `` `true` `` (`EnableExplanations`).',
  },
  {
    key: 'sagemaker.inference_component_name',
    header: 'X-Amzn-SageMaker-Inference-Component',
    maxLength: 63,
    description: 'The inference component to invoke on an endpoint that hosts several (`InferenceComponentName`).',
  },
  {
    key: 'sagemaker.inference_id',
    header: 'X-Amzn-SageMaker-Inference-Id',
    maxLength: 64,
    description: 'An id recorded with the request by data capture (`InferenceId`); the same for every row of the model.',
  },
  {
    key: 'sagemaker.target_container_hostname',
    header: 'X-Amzn-SageMaker-Target-Container-Hostname',
    maxLength: 63,
    description: 'The container to invoke on a multi-container endpoint with direct invocation (`TargetContainerHostname`).',
  },
  {
    key: 'sagemaker.target_model',
    header: 'X-Amzn-SageMaker-Target-Model',
    maxLength: 1024,
    description: 'The model artifact to invoke on a multi-model endpoint, e.g. `model-a.tar.gz` (`TargetModel`).',
  },
  {
    key: 'sagemaker.target_variant',
    header: 'X-Amzn-SageMaker-Target-Variant',
    maxLength: 63,
    description: 'The production variant to invoke, overriding the traffic weights (`TargetVariant`).',
  },
]);

const FORMAT_LIST = `${TABULAR_FORMAT_NAMES.map((n) => `\`${n}\``).join(', ')} or \`JSON:<key>\``;

/**
 * WITH options of the `sagemaker` provider, spelled as Confluent spells them: the credential keys
 * as CREATE CONNECTION writes them (so a connection's values merge in under their own names),
 * the InvokeEndpoint members as `sagemaker.<member>`; Flink-style kebab-case spellings are aliases.
 */
export const SAGEMAKER_SPEC: ConfigSpec = Object.freeze({
  options: Object.freeze<OptionSpec[]>([
    {
      key: 'endpoint',
      type: { kind: 'string' },
      required: true,
      aliases: ['sagemaker.endpoint'],
      description:
        'The endpoint URL: `https://runtime.sagemaker.<region>.amazonaws.com/endpoints/<endpoint name>/invocations`. The signing ' +
        'region is read from the host; another host (a VPC endpoint alias, the test emulator) signs with `aws_region`. ' +
        'Usually inherited from a CONNECTION. May contain `${ENV_NAME}`.',
    },
    ...awsCredentialOptions('sagemaker'),
    {
      key: 'aws_region',
      type: { kind: 'string' },
      aliases: ['aws-region', 'region', 'sagemaker.region', 'sagemaker.aws_region'],
      description: `Signing region. Default: the region in the endpoint host, else \`${DEFAULT_SAGEMAKER_REGION}\`. Must agree with an AWS host.`,
    },
    {
      key: 'task',
      type: { kind: 'enum', values: MODEL_TASKS },
      description: 'Confluent task; informational for SageMaker (the format decides the body). `OPENAI-CHAT` needs a text task.',
    },
    {
      key: 'sagemaker.input_format',
      type: { kind: 'string' },
      default: DEFAULT_SAGEMAKER_FORMAT,
      aliases: ['input-format', 'input_format'],
      description: `How the INPUT columns become the request body: ${FORMAT_LIST} (docs/providers-cloud.md, "Tabular formats").`,
    },
    {
      key: 'sagemaker.output_format',
      type: { kind: 'string' },
      aliases: ['output-format', 'output_format'],
      description: 'How the answer becomes the OUTPUT columns; the same names. Default: the input format.',
    },
    {
      key: 'sagemaker.input_content_type',
      type: { kind: 'string' },
      aliases: ['input-content-type', 'input_content_type'],
      description: 'The request `Content-Type` (`ContentType`). Default: the input format\'s, `text/csv` for CSV, `text/plain` for TEXT, else `application/json`.',
    },
    {
      key: 'sagemaker.output_content_type',
      type: { kind: 'string' },
      aliases: ['output-content-type', 'output_content_type'],
      description: 'The request `Accept` header (`Accept`): the answer type the container should write. Default: the output format\'s.',
    },
    ...SAGEMAKER_HEADER_OPTIONS.map(
      (h): OptionSpec => ({ key: h.key, type: { kind: 'string' }, aliases: [h.key.slice('sagemaker.'.length)], description: `${h.description} Sent as \`${h.header}\`.` }),
    ),
    {
      key: 'sagemaker.connection',
      type: { kind: 'string' },
      description: "Confluent: name of a CONNECTION whose `endpoint` and AWS keys the catalog merges into the model's options.",
    },
    {
      key: 'max-batch-size',
      type: { kind: 'int', min: 1, max: 1000 },
      default: '1',
      aliases: ['maxBatchSize', 'sagemaker.max_batch_size'],
      description:
        'Rows per InvokeEndpoint request for formats that carry several (CSV lines, TF-SERVING instances, TRITON tensors, the DataFrame and ' +
        'tensor formats); a request stays under 6 MB. 1 (the default) sends each row alone, as Confluent does.',
    },
    ...openAIChatFormatOptions('sagemaker'),
  ]),
});
