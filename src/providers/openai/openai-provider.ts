import type { ModelClient, ModelDefinition, ModelProviderFactory, ProviderContext } from '../../spi/model-provider.js';
import { hasOptionRefs } from '../../spi/option-refs.js';
import { modelConfigError } from '../provider-errors.js';
import { parseEndpoint, resolveTask, type OpenAITask, type ParsedEndpoint } from './endpoint.js';
import { createOpenAIClient, type OpenAIClientConfig } from './openai-client.js';
import { chatFormat } from './chat-format.js';
import { generationSettings } from './generation-settings.js';
import { OPENAI_SPEC } from './openai-options.js';
import { checkColumns, taskByOutput, warnIgnoredOptions } from './task-checks.js';

/** DashScope (Model Studio) embeddings accept at most 10 inputs per request (wire-formats §2.3). */
const DASHSCOPE_MAX_BATCH = 10;
/** OpenAI embeddings accept at most 2048 inputs per request (wire-formats §1.4). */
const OPENAI_MAX_BATCH = 2048;
const DASHSCOPE_NAMES = new Set(['bailian', 'qwen']);

export const openAIProvider: ModelProviderFactory = Object.freeze({
  names: Object.freeze(['openai', 'openai-compat', 'bailian', 'qwen', 'deepseek']),
  summary: 'OpenAI wire format: OpenAI, Alibaba Model Studio (DashScope compatible mode), DeepSeek and any OpenAI-compatible server',
  spec: OPENAI_SPEC,
  structuredOutput: 'native',
  checkSchema,
  create,
});

function checkSchema(model: ModelDefinition): readonly string[] {
  const problems: string[] = [];
  const o = model.options;
  const endpointRaw = o.get<string>('endpoint');
  let endpointTask: OpenAITask | undefined;
  // An endpoint with `${...}` references can only be checked once they are resolved (create()).
  if (endpointRaw !== undefined && !hasOptionRefs(endpointRaw)) {
    const parsed = parseEndpoint(endpointRaw);
    if ('problem' in parsed) problems.push(parsed.problem);
    else endpointTask = parsed.task;
  }
  const task = resolveTask(endpointTask, o.get<string>('task'), o.get<string>('openai.input_format'), taskByOutput(model));
  if (typeof task === 'object') {
    problems.push(task.problem);
  } else {
    problems.push(...checkColumns(model, task));
    if (task === 'embeddings' && model.provider.toLowerCase() === 'deepseek') problems.push('DeepSeek has no embeddings endpoint');
  }
  const extra = o.get<string>('extra-body');
  if (extra !== undefined && typeof parseExtraBody(extra) === 'string') problems.push(parseExtraBody(extra) as string);
  if (o.get<string>('api-key') === '') problems.push("option 'api-key' is empty");
  return problems;
}

function create(model: ModelDefinition, ctx: ProviderContext): ModelClient {
  const problems = checkSchema(model);
  if (problems.length > 0) throw modelConfigError(model, problems.join('; '));
  const config = compileConfig(model);
  const log = ctx.log.child({ task: config.task, baseURL: config.baseURL });
  warnIgnoredOptions(model.options, config.task, log.warn.bind(log));
  return createOpenAIClient(config, log);
}

/** Options (references already resolved when the job bound) to client settings. Exported for tests. */
export function compileConfig(model: ModelDefinition): OpenAIClientConfig {
  const o = model.options;
  const endpoint = o.require<string>('endpoint');
  const apiKey = o.require<string>('api-key');
  const parsed = parseEndpoint(endpoint);
  if ('problem' in parsed) throw modelConfigError(model, parsed.problem);
  const task = resolveTask(parsed.task, o.get<string>('task'), o.get<string>('openai.input_format'), taskByOutput(model));
  if (typeof task === 'object') throw modelConfigError(model, task.problem);
  const extra = parseExtraBody(o.get<string>('extra-body'));
  if (typeof extra === 'string') throw modelConfigError(model, extra);
  return Object.freeze({
    provider: model.provider.toLowerCase(),
    model: o.require<string>('model'),
    task,
    baseURL: parsed.baseURL,
    query: parsed.query,
    apiKey,
    ...chatFormat(model),
    ...generationSettings(model),
    maxBatchSize: o.get<number>('max-batch-size') ?? defaultMaxBatch(model.provider, parsed),
    extraBody: extra ?? {},
  });
}

function defaultMaxBatch(provider: string, endpoint: ParsedEndpoint): number {
  const host = new URL(endpoint.baseURL).hostname;
  const dashscope = DASHSCOPE_NAMES.has(provider.toLowerCase()) || host.includes('dashscope') || host.endsWith('.maas.aliyuncs.com');
  return dashscope ? DASHSCOPE_MAX_BATCH : OPENAI_MAX_BATCH;
}

function parseExtraBody(text: string | undefined): Record<string, unknown> | string | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  try {
    const value: unknown = JSON.parse(text);
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // reported below
  }
  return "option 'extra-body' must be a JSON object";
}
