import type { ModelClient, ModelDefinition, ModelProviderFactory, ProviderContext } from '../../spi/model-provider.js';
import { systemClock } from '../clock.js';
import { endpointDeferred, endpointPlaceholder } from '../endpoint-placeholder.js';
import { isEmbeddingTask } from '../model-tasks.js';
import { toGeminiSchema, type JsonSchema } from '../output-json-schema.js';
import { modelConfigError } from '../provider-errors.js';
import { describeColumns, isFloatArray, isStringLike } from '../schema-rules.js';
import type { GoogleAuth } from '../google/google-api-client.js';
import { CLOUD_PLATFORM_SCOPE, GENERATIVE_LANGUAGE_SCOPE, googleAccessTokens, type GoogleProviderDeps } from '../google/google-credentials.js';
import { createGoogleAIClient, type GoogleAIClientConfig } from './googleai-client.js';
import { parseGoogleEndpoint, type GoogleTask } from './googleai-endpoint.js';
import { GOOGLE_AI_SPEC, GOOGLE_MAX_BATCH } from './googleai-options.js';

/** generationConfig.stopSequences takes at most 5 (wire-formats §6.2). */
const MAX_STOP_SEQUENCES = 5;

/** Scopes of an Application Default Credentials token for the Gemini API. */
const ADC_SCOPES = Object.freeze([CLOUD_PLATFORM_SCOPE, GENERATIVE_LANGUAGE_SCOPE]);

export function makeGoogleAIProvider(deps: GoogleProviderDeps = {}): ModelProviderFactory {
  return Object.freeze({
    names: Object.freeze(['googleai']),
    summary: 'Google AI Gemini API: generateContent and embedContent / batchEmbedContents, `x-goog-api-key` auth or Application Default Credentials',
    spec: GOOGLE_AI_SPEC,
    structuredOutput: 'native',
    checkSchema,
    create: (model: ModelDefinition, ctx: ProviderContext) => create(model, ctx, deps),
  });
}

export const googleAIProvider: ModelProviderFactory = makeGoogleAIProvider();

function resolveTask(model: ModelDefinition, endpointTask: GoogleTask | undefined): GoogleTask | { readonly problem: string } {
  const taskOption = model.options.get<string>('task');
  const declared: GoogleTask | undefined = taskOption === undefined ? undefined : isEmbeddingTask(taskOption) ? 'embed' : 'generate';
  if (endpointTask && declared && endpointTask !== declared) {
    return { problem: `task '${taskOption}' contradicts the endpoint, whose method ${endpointTask === 'embed' ? 'embeds' : 'generates text'}` };
  }
  if (model.options.get<string>('googleai.input_format') !== undefined && (endpointTask ?? declared) === 'embed') {
    return { problem: 'googleai.input_format names a text generation format, but the model embeds' };
  }
  return endpointTask ?? declared ?? 'generate';
}

function checkSchema(model: ModelDefinition): readonly string[] {
  const problems: string[] = [];
  const o = model.options;
  const endpointRaw = o.get<string>('endpoint');
  let endpointTask: GoogleTask | undefined;
  if (endpointRaw !== undefined && !endpointDeferred(endpointRaw)) {
    const parsed = parseGoogleEndpoint(endpointRaw);
    if ('problem' in parsed) problems.push(parsed.problem);
    else endpointTask = parsed.task;
  }
  const task = resolveTask(model, endpointTask);
  if (typeof task === 'object') problems.push(task.problem);
  else problems.push(...checkColumns(model, task));
  const stop = o.get<string>('stop');
  if (stop !== undefined && splitStop(stop).length > MAX_STOP_SEQUENCES) problems.push(`option 'stop' has more than ${MAX_STOP_SEQUENCES} sequences; Gemini takes at most ${MAX_STOP_SEQUENCES}`);
  if (o.get<string>('api-key') === '') problems.push("option 'api-key' is empty");
  return problems;
}

function checkColumns(model: ModelDefinition, task: GoogleTask): string[] {
  const problems: string[] = [];
  const { inputs, outputs } = model;
  if (inputs.length !== 1 || !isStringLike(inputs[0]!.type)) problems.push(`Gemini models take exactly one STRING input column, not ${describeColumns(inputs)}`);
  if (task === 'generate' && (outputs.length !== 1 || !isStringLike(outputs[0]!.type))) {
    problems.push(`text generation produces exactly one STRING output column, not ${describeColumns(outputs)}`);
  }
  if (task === 'embed' && (outputs.length !== 1 || !isFloatArray(outputs[0]!.type))) {
    problems.push(`the embedding task produces exactly one ARRAY<FLOAT> (or ARRAY<DOUBLE>) output column, not ${describeColumns(outputs)}`);
  }
  return problems;
}

function create(model: ModelDefinition, ctx: ProviderContext, deps: GoogleProviderDeps): ModelClient {
  const problems = checkSchema(model);
  if (problems.length > 0) throw modelConfigError(model, problems.join('; '));
  const config = compileGoogleConfig(model);
  let auth: GoogleAuth | undefined;
  if (config.apiKey === undefined) {
    // No key: Application Default Credentials, as Google's own clients do.
    const tokens = googleAccessTokens({ scopes: ADC_SCOPES, clock: deps.clock ?? systemClock, env: deps.env });
    if ('problem' in tokens) throw modelConfigError(model, tokens.problem);
    auth = { kind: 'bearer', tokens };
  }
  return createGoogleAIClient(config, ctx.log.child({ task: config.task, model: config.model }), auth);
}

/** Options (references already resolved when the job bound) to client settings. Exported for tests. */
export function compileGoogleConfig(model: ModelDefinition): GoogleAIClientConfig {
  const o = model.options;
  const fail = (problem: string) => modelConfigError(model, problem);
  const endpoint = o.require<string>('endpoint');
  const apiKey = o.get<string>('api-key');
  const placeholder = endpointPlaceholder(endpoint);
  if (placeholder) throw fail(`the endpoint still contains the placeholder '${placeholder}'`);
  const parsed = parseGoogleEndpoint(endpoint);
  if ('problem' in parsed) throw fail(parsed.problem);
  const task = resolveTask(model, parsed.task);
  if (typeof task === 'object') throw fail(task.problem);
  const stop = o.get<string>('stop');
  return Object.freeze({
    task,
    base: parsed.base,
    model: parsed.model,
    apiKey,
    systemPrompt: o.get<string>('system-prompt') || undefined,
    temperature: o.get<number>('temperature'),
    topP: o.get<number>('top-p'),
    topK: o.get<number>('top-k'),
    stop: stop === undefined ? undefined : splitStop(stop),
    maxTokens: o.get<number>('max-tokens'),
    dimension: o.get<number>('dimension'),
    embeddingTaskType: o.get<string>('embedding-task-type'),
    responseSchema: model.structured ? toGeminiSchema(model.structured.schema as unknown as JsonSchema) : undefined,
    maxBatchSize: o.get<number>('max-batch-size') ?? GOOGLE_MAX_BATCH,
  });
}

function splitStop(stop: string): string[] {
  return stop.split(',').filter((s) => s.length > 0);
}
