import type { ModelClient, ModelDefinition, ModelProviderFactory, ProviderContext } from '../../spi/model-provider.js';
import { endpointDeferred, endpointPlaceholder } from '../endpoint-placeholder.js';
import { isEmbeddingTask } from '../model-tasks.js';
import { parseEndpoint, type OpenAITask } from '../openai/endpoint.js';
import { chatFormat } from '../openai/chat-format.js';
import { generationSettings } from '../openai/generation-settings.js';
import { checkColumns, taskByOutput, warnIgnoredOptions } from '../openai/task-checks.js';
import { modelConfigError } from '../provider-errors.js';
import { createAzureOpenAIClient, type AzureOpenAIClientConfig } from './azure-openai-client.js';
import { AZURE_MAX_BATCH, AZURE_OPENAI_SPEC } from './azure-openai-options.js';

export const azureOpenAIProvider: ModelProviderFactory = Object.freeze({
  names: Object.freeze(['azureopenai']),
  summary: 'Azure OpenAI Service: chat completions and embeddings of a deployment, `api-key` auth',
  spec: AZURE_OPENAI_SPEC,
  structuredOutput: 'native',
  checkSchema,
  create,
});

const SUFFIX: Readonly<Record<OpenAITask, string>> = { chat: '/chat/completions', embeddings: '/embeddings' };

/** The task named by `task` or `azureopenai.input_format`, if any; a contradiction between them is a problem. */
function declaredTask(model: ModelDefinition): OpenAITask | undefined | { readonly problem: string } {
  const o = model.options;
  const task = o.get<string>('task');
  const format = o.get<string>('azureopenai.input_format');
  const fromTask = task === undefined ? undefined : isEmbeddingTask(task) ? 'embeddings' : 'chat';
  const fromFormat = format === undefined ? undefined : format.toUpperCase() === 'OPENAI-CHAT' ? 'chat' : 'embeddings';
  if (fromTask && fromFormat && fromTask !== fromFormat) {
    return { problem: `task '${task}' contradicts azureopenai.input_format '${format}'` };
  }
  return fromTask ?? fromFormat;
}

function resolveTask(model: ModelDefinition, endpointTask: OpenAITask | undefined): OpenAITask | { readonly problem: string } {
  const declared = declaredTask(model);
  if (typeof declared === 'object') return declared;
  if (endpointTask && declared && endpointTask !== declared) {
    const by = model.options.get<string>('task') !== undefined ? `task '${model.options.get<string>('task')}'` : 'azureopenai.input_format';
    return { problem: `${by} contradicts the endpoint, which ends in ${SUFFIX[endpointTask]}` };
  }
  return endpointTask ?? declared ?? taskByOutput(model);
}

function checkSchema(model: ModelDefinition): readonly string[] {
  const problems: string[] = [];
  const o = model.options;
  const endpointRaw = o.get<string>('endpoint');
  let endpointTask: OpenAITask | undefined;
  // An endpoint with ${ENV} or <PLACEHOLDER> parts can only be checked in create().
  if (endpointRaw !== undefined && !endpointDeferred(endpointRaw)) {
    const parsed = parseEndpoint(endpointRaw);
    if ('problem' in parsed) problems.push(parsed.problem);
    else {
      endpointTask = parsed.task;
      if (!parsed.query['api-version'] && o.get<string>('api-version') === undefined) {
        problems.push("the endpoint has no '?api-version=' and option 'api-version' is not set; Azure OpenAI requires one (e.g. 2024-10-21)");
      }
    }
  }
  const task = resolveTask(model, endpointTask);
  if (typeof task === 'object') problems.push(task.problem);
  else problems.push(...checkColumns(model, task));
  if (o.get<string>('api-key') === '') problems.push("option 'api-key' is empty");
  return problems;
}

function create(model: ModelDefinition, ctx: ProviderContext): ModelClient {
  const problems = checkSchema(model);
  if (problems.length > 0) throw modelConfigError(model, problems.join('; '));
  const config = compileAzureConfig(model);
  const log = ctx.log.child({ task: config.task, deploymentURL: config.deploymentURL });
  warnIgnoredOptions(model.options, config.task, log.warn.bind(log));
  return createAzureOpenAIClient(config, log);
}

/** Options (references already resolved when the job bound) to client settings. Exported for tests. */
export function compileAzureConfig(model: ModelDefinition): AzureOpenAIClientConfig {
  const o = model.options;
  const fail = (problem: string) => modelConfigError(model, problem);
  const endpoint = o.require<string>('endpoint');
  const apiKey = o.require<string>('api-key');
  const placeholder = endpointPlaceholder(endpoint);
  if (placeholder) throw fail(`the endpoint still contains the placeholder '${placeholder}'; replace it with your resource and deployment`);
  const parsed = parseEndpoint(endpoint);
  if ('problem' in parsed) throw fail(parsed.problem);
  const task = resolveTask(model, parsed.task);
  if (typeof task === 'object') throw fail(task.problem);
  const { 'api-version': endpointVersion, ...query } = parsed.query;
  const apiVersion = endpointVersion || o.get<string>('api-version');
  if (!apiVersion) throw fail("the endpoint has no '?api-version=' and option 'api-version' is not set");
  return Object.freeze({
    task,
    deploymentURL: parsed.baseURL,
    apiVersion,
    query,
    apiKey,
    model: o.get<string>('model'),
    ...chatFormat(model),
    ...generationSettings(model),
    maxBatchSize: o.get<number>('max-batch-size') ?? AZURE_MAX_BATCH,
  });
}
