import type { ModelClient, ModelDefinition, ModelProviderFactory, ProviderContext } from '../../spi/model-provider.js';
import { endpointDeferred, endpointPlaceholder } from '../endpoint-placeholder.js';
import { isEmbeddingTask } from '../model-tasks.js';
import { createOpenAIWireClient, withQuery } from '../openai/openai-client.js';
import { parseHttpUrl } from '../parse-http-url.js';
import { modelConfigError } from '../provider-errors.js';
import { chatSettingsOf, resolveTabularFormats, type ResolvedFormats } from '../tabular/model-formats.js';
import { AzureMLClient, azureMLAuthHeaders, azureMLQuotaKey, type AzureMLClientConfig } from './azureml-client.js';
import { AZUREML_SPEC, DEFAULT_AZUREML_FORMAT } from './azureml-options.js';

export const azureMLProvider: ModelProviderFactory = Object.freeze({
  names: Object.freeze(['azureml']),
  summary: 'Azure Machine Learning online endpoints (AZUREML-PANDAS-DATAFRAME and the tabular formats) and AI Foundry chat (OPENAI-CHAT), bearer key',
  spec: AZUREML_SPEC,
  checkSchema,
  create,
});

function resolve(model: ModelDefinition): { formats: ResolvedFormats | undefined; problems: string[] } {
  const o = model.options;
  const problems: string[] = [];
  const endpoint = o.get<string>('endpoint');
  if (endpoint !== undefined && !endpointDeferred(endpoint)) {
    const parsed = parseHttpUrl(endpoint);
    if ('problem' in parsed) problems.push(parsed.problem);
  }
  if (o.get<string>('api-key') === '') problems.push("option 'api-key' is empty");
  const deployment = o.get<string>('azureml.deployment_name');
  if (deployment !== undefined && !/^[A-Za-z0-9][A-Za-z0-9-]{0,31}$/.test(deployment)) {
    problems.push(`'${deployment}' is not an Azure ML deployment name: 1 to 32 letters, digits and hyphens, starting with a letter or digit`);
  }
  const formats = resolveTabularFormats(model, 'azureml', DEFAULT_AZUREML_FORMAT);
  if ('problems' in formats) return { formats: undefined, problems: [...problems, ...formats.problems] };
  if (formats.input.name === 'OPENAI-CHAT' && isEmbeddingTask(o.get<string>('task'))) {
    problems.push("task 'embedding' does not fit the OPENAI-CHAT format, which generates text");
  }
  return { formats, problems };
}

function checkSchema(model: ModelDefinition): readonly string[] {
  return resolve(model).problems;
}

function create(model: ModelDefinition, ctx: ProviderContext): ModelClient {
  const o = model.options;
  const endpoint = o.require<string>('endpoint');
  const placeholder = endpointPlaceholder(endpoint);
  if (placeholder) throw modelConfigError(model, `the endpoint still contains the placeholder '${placeholder}'; replace it with your endpoint's scoring URI`);
  const { formats, problems } = resolve(model);
  if (problems.length > 0 || !formats) throw modelConfigError(model, problems.join('; '));
  const log = ctx.log.child({ endpoint: new URL(endpoint).origin, format: formats.input.name });
  if (formats.input.name === 'OPENAI-CHAT') return createChatClient(model, log);
  return new AzureMLClient(compileAzureMLConfig(model, formats), log);
}

/** Options (references already resolved when the job bound) to the tabular client's settings. Exported for tests. */
export function compileAzureMLConfig(model: ModelDefinition, formats: ResolvedFormats): AzureMLClientConfig {
  const o = model.options;
  return Object.freeze({
    url: o.require<string>('endpoint').trim(),
    apiKey: o.require<string>('api-key'),
    deployment: o.get<string>('azureml.deployment_name'),
    model: formats.model,
    maxBatchSize: o.get<number>('max-batch-size') ?? 1,
  });
}

/**
 * AI Foundry pay-as-you-go chat models speak OpenAI's chat completions: the openai provider's
 * client (body, answer, usage and its error mapping, which these gateways' errors follow), with
 * Azure ML's bearer key and deployment header.
 */
function createChatClient(model: ModelDefinition, log: ProviderContext['log']): ModelClient {
  const o = model.options;
  const apiKey = o.require<string>('api-key');
  const deployment = o.get<string>('azureml.deployment_name');
  const url = new URL(o.require<string>('endpoint').trim());
  const query = Object.fromEntries(url.searchParams);
  const base = `${url.origin}${url.pathname.replace(/\/+$/, '').replace(/\/chat\/completions$/, '')}`;
  const config = { task: 'chat' as const, apiKey, maxBatchSize: 1, model: o.get<string>('model'), ...chatSettingsOf(model) };
  return createOpenAIWireClient(
    config,
    { quotaKey: azureMLQuotaKey({ url: `${base}/chat/completions`, deployment, apiKey }), url: (path) => withQuery(`${base}${path}`, query), authHeaders: azureMLAuthHeaders(apiKey, deployment) },
    log,
  );
}
