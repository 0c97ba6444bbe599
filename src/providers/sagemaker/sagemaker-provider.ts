import type { Logger } from '../../spi/logger.js';
import type { ResolvedOptions } from '../../spi/config-spec.js';
import type { ModelClient, ModelDefinition, ModelProviderFactory, ProviderContext } from '../../spi/model-provider.js';
import { endpointDeferred, endpointPlaceholder } from '../endpoint-placeholder.js';
import { isEmbeddingTask } from '../model-tasks.js';
import { modelConfigError } from '../provider-errors.js';
import { chatSettingsOf, resolveTabularFormats, type ResolvedFormats } from '../tabular/model-formats.js';
import { SageMakerClient, type SageMakerClientConfig } from './sagemaker-client.js';
import { sagemakerCredentials } from './sagemaker-credentials.js';
import { parseSageMakerEndpoint, type SageMakerEndpoint } from './sagemaker-endpoint.js';
import { DEFAULT_SAGEMAKER_FORMAT, DEFAULT_SAGEMAKER_REGION, SAGEMAKER_HEADER_OPTIONS, SAGEMAKER_SPEC } from './sagemaker-options.js';

export const sagemakerProvider: ModelProviderFactory = Object.freeze({
  names: Object.freeze(['sagemaker']),
  summary: 'Amazon SageMaker Runtime InvokeEndpoint, SigV4-signed: CSV, JSON, TF-SERVING, TRITON, DataFrame and OPENAI-CHAT bodies',
  spec: SAGEMAKER_SPEC,
  checkSchema,
  create,
});

/** The endpoint (undefined while `${ENV}` or `<PLACEHOLDER>` parts hide it), formats, and every problem found. */
function resolve(model: ModelDefinition): { endpoint: SageMakerEndpoint | undefined; formats: ResolvedFormats | undefined; problems: string[] } {
  const o = model.options;
  const problems: string[] = [];
  let endpoint: SageMakerEndpoint | undefined;
  const text = o.get<string>('endpoint');
  if (text !== undefined && !endpointDeferred(text)) {
    const parsed = parseSageMakerEndpoint(text);
    if ('problem' in parsed) problems.push(parsed.problem);
    else endpoint = parsed;
  }
  const region = o.get<string>('aws_region');
  if (endpoint?.hostRegion && region !== undefined && region !== endpoint.hostRegion) {
    problems.push(`aws_region '${region}' contradicts the endpoint host, which is in '${endpoint.hostRegion}'`);
  }
  const formats = resolveTabularFormats(model, 'sagemaker', DEFAULT_SAGEMAKER_FORMAT);
  if ('problems' in formats) problems.push(...formats.problems);
  const resolved = 'problems' in formats ? undefined : formats;
  if (resolved && resolved.input.name === 'OPENAI-CHAT' && isEmbeddingTask(o.get<string>('task'))) {
    problems.push("task 'embedding' does not fit the OPENAI-CHAT format, which generates text");
  }
  for (const h of SAGEMAKER_HEADER_OPTIONS) {
    const v = o.get<string>(h.key);
    if (v === undefined) continue;
    if (v.length === 0 || v.length > h.maxLength || !/^[\x20-\x7e]*$/.test(v)) problems.push(`option '${h.key}' must be 1 to ${h.maxLength} printable ASCII characters`);
  }
  return { endpoint, formats: resolved, problems };
}

function checkSchema(model: ModelDefinition): readonly string[] {
  const { problems } = resolve(model);
  const credentials = sagemakerCredentials(model.options);
  return 'problems' in credentials ? [...problems, ...credentials.problems] : problems;
}

function create(model: ModelDefinition, ctx: ProviderContext): ModelClient {
  const problems = checkSchema(model);
  if (problems.length > 0) throw modelConfigError(model, problems.join('; '));
  const config = compileSageMakerConfig(model, { log: ctx.log });
  return new SageMakerClient(config, ctx.log.child({ endpointName: config.endpointName, format: config.model.input.name }));
}

/** Options (references already resolved when the job bound) to client settings. Exported for tests. */
export function compileSageMakerConfig(model: ModelDefinition, deps: { readonly log?: Logger; readonly now?: () => number } = {}): SageMakerClientConfig {
  const o = model.options;
  const fail = (problem: string) => modelConfigError(model, problem);
  const placeholder = endpointPlaceholder(o.require<string>('endpoint'));
  if (placeholder) throw fail(`the endpoint still contains the placeholder '${placeholder}'; replace it with your region and endpoint name`);
  const { endpoint, formats, problems } = resolve(model);
  const credentials = sagemakerCredentials(o, deps);
  if ('problems' in credentials) problems.push(...credentials.problems);
  if (problems.length > 0 || !endpoint || !formats || 'problems' in credentials) throw fail(problems.join('; ') || 'the endpoint cannot be read');
  return Object.freeze({
    url: endpoint.url,
    endpointName: endpoint.endpointName,
    region: o.get<string>('aws_region') ?? endpoint.hostRegion ?? DEFAULT_SAGEMAKER_REGION,
    credentials: credentials.credentials,
    credentialId: credentials.credentialId,
    model: formats.model,
    contentType: o.get<string>('sagemaker.input_content_type'),
    accept: o.get<string>('sagemaker.output_content_type') ?? formats.output.contentType,
    headers: Object.freeze(headerOptions(o)),
    maxBatchSize: o.get<number>('max-batch-size') ?? 1,
    chat: formats.input.name === 'OPENAI-CHAT' ? chatSettingsOf(model) : undefined,
  });
}

function headerOptions(o: ResolvedOptions): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const h of SAGEMAKER_HEADER_OPTIONS) {
    const v = o.get<string>(h.key);
    if (v !== undefined) headers[h.header] = v;
  }
  return headers;
}
