import type { ModelClient, ModelDefinition, ModelProviderFactory, ProviderContext } from '../../spi/model-provider.js';
import { systemClock } from '../clock.js';
import { endpointDeferred, endpointPlaceholder } from '../endpoint-placeholder.js';
import { CLOUD_PLATFORM_SCOPE, googleAccessTokens, type GoogleProviderDeps } from '../google/google-credentials.js';
import { parseServiceAccountKey } from '../google/service-account-key.js';
import { isEmbeddingTask } from '../model-tasks.js';
import { toGeminiSchema, type JsonSchema } from '../output-json-schema.js';
import { modelConfigError } from '../provider-errors.js';
import { describeColumns, isFloatArray, isStringLike } from '../schema-rules.js';
import { createVertexClient, type VertexClientConfig, type VertexFormat } from './vertexai-client.js';
import { parseVertexEndpoint, type VertexEndpoint } from './vertexai-endpoint.js';
import { TF_SERVING_DEFAULT_BATCH, VERTEX_AI_SPEC, VERTEX_EMBED_MAX_BATCH } from './vertexai-options.js';

/** generationConfig.stopSequences takes at most 5 (wire-formats §6.2). */
const MAX_STOP_SEQUENCES = 5;
const SCOPES = Object.freeze([CLOUD_PLATFORM_SCOPE]);

const FORMAT_OF: Readonly<Record<string, VertexFormat>> = {
  'GEMINI-GENERATE': 'gemini',
  'GEMINI-CHAT': 'gemini',
  'VERTEX-GEMINI': 'gemini',
  'VERTEX-EMBED': 'embed',
  'TF-SERVING': 'tf-serving',
  'KSERVE-V1': 'tf-serving',
};

export function makeVertexAIProvider(deps: GoogleProviderDeps = {}): ModelProviderFactory {
  return Object.freeze({
    names: Object.freeze(['vertexai']),
    summary: 'Vertex AI: Gemini generateContent, text-embedding and custom-endpoint (TF-Serving) predict, service-account OAuth2',
    spec: VERTEX_AI_SPEC,
    structuredOutput: 'native',
    checkSchema,
    create: (model: ModelDefinition, ctx: ProviderContext) => create(model, ctx, deps),
  });
}

export const vertexAIProvider: ModelProviderFactory = makeVertexAIProvider();

/**
 * The input format: as written, else from the endpoint (`:generateContent` Gemini, a publisher
 * model's `:predict` text embeddings, a custom endpoint's `:predict` TF-Serving), else from the
 * task while the endpoint is still a placeholder (undefined: nothing to check yet).
 */
function resolveFormat(model: ModelDefinition, endpoint: VertexEndpoint | undefined): VertexFormat | undefined | { readonly problem: string } {
  const written = model.options.get<string>('vertexai.input_format');
  const task = model.options.get<string>('task');
  let format = written === undefined ? undefined : FORMAT_OF[written.toUpperCase()];
  if (endpoint) {
    const wants = format === 'gemini' ? ['generateContent'] : format === 'embed' ? ['predict', 'embedContent'] : format === undefined ? undefined : ['predict'];
    if (wants !== undefined && !wants.includes(endpoint.method)) return { problem: `input format '${written}' needs an endpoint ending in ${wants.map((w) => `:${w}`).join(' or ')}, not :${endpoint.method}` };
    if (format === 'embed' && endpoint.target !== 'publisher') return { problem: "input format 'VERTEX-EMBED' needs a publisher model (.../publishers/google/models/<model>:predict)" };
    if (endpoint.method === 'embedContent' && endpoint.target !== 'publisher') return { problem: ':embedContent needs a publisher model (.../publishers/google/models/<model>:embedContent)' };
    format ??= endpoint.method === 'generateContent' ? 'gemini' : endpoint.target === 'publisher' ? 'embed' : 'tf-serving';
  } else if (format === undefined && isEmbeddingTask(task)) {
    format = 'embed';
  }
  if (task !== undefined && format === 'gemini' && isEmbeddingTask(task)) return { problem: `task '${task}' contradicts the Gemini format, which generates text` };
  if (task !== undefined && format === 'embed' && !isEmbeddingTask(task)) return { problem: `task '${task}' contradicts the text-embedding format` };
  return format;
}

function checkSchema(model: ModelDefinition): readonly string[] {
  const problems: string[] = [];
  const o = model.options;
  const endpointRaw = o.get<string>('endpoint');
  let endpoint: VertexEndpoint | undefined;
  if (endpointRaw !== undefined && !endpointDeferred(endpointRaw)) {
    const parsed = parseVertexEndpoint(endpointRaw);
    if ('problem' in parsed) problems.push(parsed.problem);
    else endpoint = parsed;
  }
  const format = resolveFormat(model, endpoint);
  if (typeof format === 'object') problems.push(format.problem);
  else if (format !== undefined) problems.push(...checkColumns(model, format));
  const stop = o.get<string>('stop');
  if (stop !== undefined && splitStop(stop).length > MAX_STOP_SEQUENCES) problems.push(`option 'stop' has more than ${MAX_STOP_SEQUENCES} sequences; Gemini takes at most ${MAX_STOP_SEQUENCES}`);
  // A key written inline is checked now; a reference or a docs placeholder ('<your-service-key>') when the job binds.
  const key = o.get<string>('service-key');
  if (key !== undefined && key.trim().startsWith('{')) {
    const parsed = parseServiceAccountKey(key);
    if ('problem' in parsed) problems.push(`option 'service-key': ${parsed.problem}`);
  }
  return problems;
}

function checkColumns(model: ModelDefinition, format: VertexFormat): string[] {
  const { inputs, outputs } = model;
  if (format === 'tf-serving') {
    return inputs.length === 0 || outputs.length === 0 ? ['a TF-Serving model needs at least one INPUT and one OUTPUT column'] : [];
  }
  const problems: string[] = [];
  if (inputs.length !== 1 || !isStringLike(inputs[0]!.type)) problems.push(`${format === 'gemini' ? 'Gemini' : 'text embedding'} models take exactly one STRING input column, not ${describeColumns(inputs)}`);
  if (format === 'gemini' && (outputs.length !== 1 || !isStringLike(outputs[0]!.type))) {
    problems.push(`text generation produces exactly one STRING output column, not ${describeColumns(outputs)}`);
  }
  if (format === 'embed' && (outputs.length !== 1 || !isFloatArray(outputs[0]!.type))) {
    problems.push(`text embeddings produce exactly one ARRAY<FLOAT> (or ARRAY<DOUBLE>) output column, not ${describeColumns(outputs)}`);
  }
  return problems;
}

function create(model: ModelDefinition, ctx: ProviderContext, deps: GoogleProviderDeps): ModelClient {
  const problems = checkSchema(model);
  if (problems.length > 0) throw modelConfigError(model, problems.join('; '));
  const config = compileVertexConfig(model);
  const serviceKey = model.options.get<string>('service-key');
  const tokens = googleAccessTokens({ serviceKey, scopes: SCOPES, clock: deps.clock ?? systemClock, env: deps.env });
  if ('problem' in tokens) throw modelConfigError(model, serviceKey === undefined ? tokens.problem : `option 'service-key': ${tokens.problem}`);
  return createVertexClient(config, ctx.log.child({ format: config.format, resource: config.endpoint.resource }), tokens);
}

/** Options (references already resolved when the job bound) to client settings. Exported for tests. */
export function compileVertexConfig(model: ModelDefinition): VertexClientConfig {
  const o = model.options;
  const fail = (problem: string) => modelConfigError(model, problem);
  const raw = o.require<string>('endpoint');
  const placeholder = endpointPlaceholder(raw);
  if (placeholder) throw fail(`the endpoint still contains the placeholder '${placeholder}'`);
  const endpoint = parseVertexEndpoint(raw);
  if ('problem' in endpoint) throw fail(endpoint.problem);
  const format = resolveFormat(model, endpoint);
  if (typeof format !== 'string') throw fail(format?.problem ?? 'no input format');
  const stop = o.get<string>('stop');
  const structuredNames = model.structured ? Object.keys((model.structured.schema['properties'] ?? {}) as object) : undefined;
  return Object.freeze({
    format,
    endpoint,
    inputNames: model.inputs.map((c) => c.name),
    outputs: model.outputs,
    structuredNames: format === 'tf-serving' ? structuredNames : undefined,
    systemPrompt: o.get<string>('system-prompt') || undefined,
    temperature: o.get<number>('temperature'),
    topP: o.get<number>('top-p'),
    topK: o.get<number>('top-k'),
    stop: stop === undefined ? undefined : splitStop(stop),
    maxTokens: o.get<number>('max-tokens'),
    dimension: o.get<number>('dimension'),
    embeddingTaskType: o.get<string>('embedding-task-type'),
    responseSchema: format === 'gemini' && model.structured ? toGeminiSchema(model.structured.schema as unknown as JsonSchema) : undefined,
    maxBatchSize: maxBatch(format, endpoint, o.get<number>('max-batch-size')),
  });
}

/** gemini-embedding-001 takes one instance per request (wire-formats §7.2); Gemini and `:embedContent` calls are one row each. */
function maxBatch(format: VertexFormat, endpoint: VertexEndpoint, written: number | undefined): number {
  if (format === 'gemini' || endpoint.method === 'embedContent') return 1;
  if (format === 'embed') return endpoint.model?.startsWith('gemini-embedding') ? 1 : (written ?? VERTEX_EMBED_MAX_BATCH);
  return written ?? TF_SERVING_DEFAULT_BATCH;
}

function splitStop(stop: string): string[] {
  return stop.split(',').filter((s) => s.length > 0);
}
