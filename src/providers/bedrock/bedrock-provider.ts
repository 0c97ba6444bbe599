import type { ResolvedOptions } from '../../spi/config-spec.js';
import type { ModelClient, ModelDefinition, ModelProviderFactory, ProviderContext } from '../../spi/model-provider.js';
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

function checkCredentials(o: ResolvedOptions): string[] {
  const keyId = o.get<string>('aws_access_key_id');
  const secret = o.get<string>('aws_secret_access_key');
  const token = o.get<string>('aws_session_token');
  const apiKey = o.get<string>('api-key');
  const problems: string[] = [];
  for (const [key, value] of [['aws_access_key_id', keyId], ['aws_secret_access_key', secret], ['aws_session_token', token], ['api-key', apiKey]] as const) {
    if (value === '') problems.push(`option '${key}' is empty`);
  }
  const hasKeys = keyId !== undefined || secret !== undefined;
  if (hasKeys && (keyId === undefined || secret === undefined)) problems.push('SigV4 signing needs both aws_access_key_id and aws_secret_access_key');
  if (token !== undefined && !hasKeys) problems.push('aws_session_token needs aws_access_key_id and aws_secret_access_key');
  if (hasKeys && apiKey !== undefined) problems.push('give either the AWS keys (SigV4) or api-key (a Bedrock API key), not both');
  if (!hasKeys && apiKey === undefined) problems.push('Bedrock needs credentials: aws_access_key_id and aws_secret_access_key (usually from a CONNECTION), or api-key');
  return problems;
}

function create(model: ModelDefinition, ctx: ProviderContext): ModelClient {
  const problems = checkSchema(model);
  if (problems.length > 0) throw modelConfigError(model, problems.join('; '));
  const config = compileBedrockConfig(model);
  return new BedrockClient(config, ctx.log.child({ modelId: config.modelId, format: config.format }));
}

/** Options (references already resolved when the job bound) to client settings. Exported for tests. */
export function compileBedrockConfig(model: ModelDefinition): BedrockClientConfig {
  const o = model.options;
  const fail = (problem: string) => modelConfigError(model, problem);
  const endpointText = o.require<string>('endpoint');
  const placeholder = endpointPlaceholder(endpointText);
  if (placeholder) throw fail(`the endpoint still contains the placeholder '${placeholder}'; replace it with your region and model id`);
  const { endpoint, format, problems } = resolve(o, endpointText);
  if (problems.length > 0 || !endpoint || !format) throw fail(problems.join('; ') || 'the endpoint cannot be read');
  const secret = (key: string) => o.get<string>(key);
  const keyId = secret('aws_access_key_id');
  const secretKey = secret('aws_secret_access_key');
  const auth: BedrockAuth =
    keyId !== undefined && secretKey !== undefined
      ? {
          kind: 'sigv4',
          credentials: { accessKeyId: keyId, secretAccessKey: secretKey, sessionToken: secret('aws_session_token') },
          region: o.get<string>('aws_region') ?? endpoint.hostRegion ?? DEFAULT_SIGNING_REGION,
        }
      : { kind: 'bearer', apiKey: secret('api-key') ?? '' };
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
