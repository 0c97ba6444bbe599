import type { ResolvedOptions } from '../../spi/config-spec.js';
import type { ModelClient, ModelDefinition, ModelProviderFactory, ProviderContext } from '../../spi/model-provider.js';
import type { Logger } from '../../spi/logger.js';
import { awsCredentialProblems, compileAwsCredentials, hasAwsCredentialOptions } from '../aws/aws-credential-options.js';
import { endpointDeferred, endpointPlaceholder } from '../endpoint-placeholder.js';
import { isEmbeddingTask } from '../model-tasks.js';
import { modelConfigError } from '../provider-errors.js';
import { describeColumns, isFloatArray, isStringLike } from '../schema-rules.js';
import { BedrockClient, type BedrockAuth, type BedrockClientConfig } from './bedrock-client.js';
import { detectInputFormat, isEmbeddingFormat, parseBedrockEndpoint, type BedrockEndpoint } from './bedrock-endpoint.js';
import { codecFor, wireFormat, type BedrockWireFormat } from './bedrock-formats.js';
import { BEDROCK_INPUT_FORMATS, BEDROCK_SPEC, DEFAULT_SIGNING_REGION, type BedrockInputFormat } from './bedrock-options.js';

export const bedrockProvider: ModelProviderFactory = Object.freeze({
  names: Object.freeze(['bedrock']),
  summary: 'Amazon Bedrock Runtime: InvokeModel (Titan Embeddings, Titan Text, Anthropic Claude) and Converse, SigV4-signed',
  spec: BEDROCK_SPEC,
  structuredOutput: 'prompt',
  checkSchema,
  create,
});

interface Resolution {
  /** undefined when the endpoint cannot be read before create() (`${ENV}`, `<PLACEHOLDER>`). */
  readonly endpoint: BedrockEndpoint | undefined;
  /** undefined when neither the endpoint nor the options tell it yet. */
  readonly format: BedrockWireFormat | undefined;
  readonly problems: readonly string[];
}

/** Endpoint, body format and their agreement with `task`, `bedrock.input_format` and `aws_region`. */
function resolve(o: ResolvedOptions, endpointText: string | undefined): Resolution {
  const problems: string[] = [];
  let endpoint: BedrockEndpoint | undefined;
  if (endpointText !== undefined && !endpointDeferred(endpointText)) {
    const parsed = parseBedrockEndpoint(endpointText);
    if ('problem' in parsed) problems.push(parsed.problem);
    else endpoint = parsed;
  }
  const task = o.get<string>('task');
  const declared = o.get<string>('bedrock.input_format')?.toUpperCase() as BedrockInputFormat | undefined;
  const region = o.get<string>('aws_region');
  if (endpoint?.hostRegion && region !== undefined && region !== endpoint.hostRegion) {
    problems.push(`aws_region '${region}' contradicts the endpoint host, which is in '${endpoint.hostRegion}'`);
  }
  let format: BedrockWireFormat | undefined;
  if (endpoint?.operation === 'converse') {
    const detected = detectInputFormat(endpoint.modelId);
    if (declared !== undefined && isEmbeddingFormat(declared)) problems.push(`bedrock.input_format '${declared}' needs an /invoke endpoint: Converse does not embed`);
    else if (detected !== undefined && isEmbeddingFormat(detected)) problems.push(`model '${endpoint.modelId}' embeds: call it at /invoke, Converse does not embed`);
    else format = 'CONVERSE';
  } else {
    const detected = endpoint ? detectInputFormat(endpoint.modelId) : undefined;
    if (declared !== undefined && detected !== undefined && declared !== detected) {
      problems.push(`bedrock.input_format '${declared}' does not fit model '${endpoint!.modelId}', which takes ${detected}`);
    }
    format = wireFormat('invoke', declared ?? detected);
    if (format === undefined && endpoint) {
      problems.push(
        `cannot tell the InvokeModel body of model '${endpoint.modelId}': set bedrock.input_format (${BEDROCK_INPUT_FORMATS.join(', ')}) or use the model's /converse endpoint`,
      );
    }
  }
  if (format !== undefined && task !== undefined) {
    const embedding = codecFor(format).output === 'embedding';
    if (embedding !== isEmbeddingTask(task)) problems.push(`task '${task}' does not fit the ${format} format, which ${embedding ? 'embeds' : 'generates text'}`);
  }
  if (o.get<string>('dimension') !== undefined && endpoint && /titan-embed-(?:text-v1|g1)/.test(endpoint.modelId)) {
    problems.push(`option 'dimension' needs Titan Embeddings V2: '${endpoint.modelId}' has a fixed 1536 dimensions`);
  }
  return { endpoint, format, problems };
}

function checkSchema(model: ModelDefinition): readonly string[] {
  const o = model.options;
  const { format, problems: found } = resolve(o, o.get<string>('endpoint'));
  const problems = [...found];
  const embedding = format !== undefined ? codecFor(format).output === 'embedding' : isEmbeddingTask(o.get<string>('task'));
  problems.push(...checkColumns(model, embedding));
  problems.push(...checkCredentials(o));
  return problems;
}

function checkColumns(model: ModelDefinition, embedding: boolean): string[] {
  const problems: string[] = [];
  const { inputs, outputs } = model;
  if (inputs.length !== 1 || !isStringLike(inputs[0]!.type)) problems.push(`Bedrock models take exactly one STRING input column, not ${describeColumns(inputs)}`);
  if (embedding && (outputs.length !== 1 || !isFloatArray(outputs[0]!.type))) {
    problems.push(`an embedding model produces exactly one ARRAY<FLOAT> (or ARRAY<DOUBLE>) output column, not ${describeColumns(outputs)}`);
  }
  if (!embedding && (outputs.length !== 1 || !isStringLike(outputs[0]!.type))) {
    problems.push(`a text generation model produces exactly one STRING output column, not ${describeColumns(outputs)}`);
  }
  return problems;
}

/**
 * SigV4 with static keys, SigV4 with the AWS default chain, or a Bedrock API key: static keys
 * win over the chain (aws-credential-options.ts); an API key excludes both.
 */
function checkCredentials(o: ResolvedOptions): string[] {
  const apiKey = o.get<string>('api-key');
  const problems = awsCredentialProblems(o);
  if (apiKey === '') problems.push("option 'api-key' is empty");
  if (apiKey !== undefined && hasAwsCredentialOptions(o)) problems.push('give either AWS credentials (SigV4: keys or aws_profile) or api-key (a Bedrock API key), not both');
  return problems;
}

function create(model: ModelDefinition, ctx: ProviderContext): ModelClient {
  const problems = checkSchema(model);
  if (problems.length > 0) throw modelConfigError(model, problems.join('; '));
  const config = compileBedrockConfig(model, { log: ctx.log });
  return new BedrockClient(config, ctx.log.child({ modelId: config.modelId, format: config.format }));
}

/** Options (references already resolved when the job bound) to client settings. Exported for tests. */
export function compileBedrockConfig(model: ModelDefinition, deps: { readonly log?: Logger; readonly now?: () => number } = {}): BedrockClientConfig {
  const o = model.options;
  const fail = (problem: string) => modelConfigError(model, problem);
  const endpointText = o.require<string>('endpoint');
  const placeholder = endpointPlaceholder(endpointText);
  if (placeholder) throw fail(`the endpoint still contains the placeholder '${placeholder}'; replace it with your region and model id`);
  const { endpoint, format, problems } = resolve(o, endpointText);
  if (problems.length > 0 || !endpoint || !format) throw fail(problems.join('; ') || 'the endpoint cannot be read');
  const apiKey = o.get<string>('api-key');
  const auth: BedrockAuth =
    apiKey !== undefined
      ? { kind: 'bearer', apiKey }
      : { kind: 'sigv4', ...compileAwsCredentials(o, deps), region: o.get<string>('aws_region') ?? endpoint.hostRegion ?? DEFAULT_SIGNING_REGION };
  const stop = o.get<string>('stop');
  const dimension = o.get<string>('dimension');
  return Object.freeze({
    url: endpoint.url,
    modelId: endpoint.modelId,
    format,
    auth,
    generation: Object.freeze({
      systemPrompt: withInstruction(o.get<string>('system-prompt') || undefined, model.structured?.instruction),
      temperature: o.get<number>('temperature'),
      topP: o.get<number>('top-p'),
      topK: o.get<number>('top-k'),
      stop: stop === undefined ? undefined : stop.split(',').filter((s) => s.length > 0),
      maxTokens: o.get<number>('max-tokens'),
      dimension: dimension === undefined ? undefined : Number(dimension),
    }),
  });
}

/** Bedrock's bodies have no schema field: a structured model's schema goes in the system prompt, after the user's. */
function withInstruction(systemPrompt: string | undefined, instruction: string | undefined): string | undefined {
  if (instruction === undefined) return systemPrompt;
  return systemPrompt ? `${systemPrompt}\n\n${instruction}` : instruction;
}
